"""Who may sign in to a ledger's web pages: the account file beside the ledger.

``.jifen-users.json`` sits in the ledger's folder, out of git (the ``.gitignore``
that ``jifen init`` writes names it), readable by its owner only (mode 0600;
a file others can read is refused). It holds, for each person, their role, the
roster member they are (if any), an argon2 hash of their password or of the
one-time code they were invited with, and a generation counter that a new
invitation raises (which ends every session signed in before). It also holds
the random key that signs the session cookies. Nothing of it goes into the log.

Writes hold an exclusive lock on ``.jifen-users.lock`` and replace the file
whole, so the command line (``jifen user invite``) and a running server can
both write it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import secrets
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from jifen.errors import InvalidInput

FILENAME = ".jifen-users.json"
LOCKNAME = ".jifen-users.lock"

# role id → who may do what. For a member of the branch, the roster decides which of these they hold
# on the day (``guard.role_on``); the role given at invitation stands only where the roster names no
# office holder, and for a person outside the roster (a supervisor, the committee).
ROLES = ("member", "recorder", "secretary", "supervisor", "committee")
ROLE_NAMES = {"党员": "member", "记分员": "recorder", "书记": "secretary", "监督员": "supervisor",
              "上级党委": "committee"}
WRITERS = ("recorder", "secretary")  # record, approve, reject, open the notice, rule, close
READERS = ("recorder", "secretary", "supervisor", "committee")  # read every card and the whole log

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied by hand
CODE_DAYS = 14  # an invitation's code expires after this many days
PASSWORD_MIN, PASSWORD_MAX = 8, 128
NAME_MAX = 40
NAME_REFUSED = set('<>&"\'/\\`')  # a name is shown everywhere and written into the log as ``by``


@dataclass(frozen=True)
class Account:
    """One person who may sign in."""

    name: str
    role: str
    member: str | None = None  # the roster id, if the person is a member of the branch
    password: str | None = None  # argon2 hash
    code: str | None = None  # argon2 hash of the one-time invitation code, until a password is set
    invited: str = ""  # ISO date and time of the invitation
    generation: int = 1  # raised by each invitation: sessions carry it, so older ones end
    email: str = ""  # the author's e-mail of the git commits of this person's appends ("": derived)

    @property
    def writes(self) -> bool:
        return self.role in WRITERS

    @property
    def reads_all(self) -> bool:
        return self.role in READERS

    def author(self, branch: str) -> tuple[str, str]:
        """Name and e-mail for the git commits of this person's appends: the e-mail given at
        invitation, else one made of their roster id (or their name) and the branch's folder."""
        if self.email:
            return self.name, self.email
        local = self.member or "".join(c for c in self.name if c.isalnum()) or "user"
        host = "".join(c for c in branch if c.isalnum() or c in "-.") or "branch"
        return self.name, f"{local}@{host}.jifen"


@dataclass(frozen=True)
class Accounts:
    secret: str  # signs the session cookies
    people: dict[str, Account]

    def get(self, name: str) -> Account | None:
        return self.people.get(name)


def path_of(directory: Path) -> Path:
    return Path(directory) / FILENAME


def role_of(text: str) -> str:
    """A role id from its id or its Chinese name (党员, 记分员, 书记, 监督员)."""
    role = ROLE_NAMES.get(text, text)
    if role not in ROLES:
        raise InvalidInput("yaml.want-choice", field="--role", text=text, choices=", ".join([*ROLE_NAMES, *ROLES]))
    return role


def check_name(name: str) -> str:
    """``name`` stripped, if it can be a sign-in name; InvalidInput otherwise."""
    name = name.strip()
    if not name or len(name) > NAME_MAX or any(c in NAME_REFUSED or ord(c) < 32 or c == "\x7f" for c in name):
        raise InvalidInput("user.bad-name", name=name[:NAME_MAX], limit=NAME_MAX)
    return name


def check_email(text: str) -> str:
    """``text`` stripped, if it can stand in a git author line (``name@host``, no spaces or angle brackets)."""
    text = text.strip()
    if text and (text.count("@") != 1 or text.startswith("@") or text.endswith("@") or len(text) > 200
                 or any(c.isspace() or c in "<>\"'," or ord(c) < 32 for c in text)):
        raise InvalidInput("user.bad-email", text=text[:200])
    return text


def load(directory: Path) -> Accounts:
    """The accounts of the ledger in ``directory`` (none yet: an empty set with a fresh key)."""
    path = path_of(directory)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return Accounts(secrets.token_hex(32), {})
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode) or mode & 0o077:
            raise InvalidInput("user.file-exposed", path=str(path), mode=oct(stat.S_IMODE(mode)))
        data = handle.read(1 << 20)
    try:
        raw = json.loads(data.decode("utf-8"))
        people = {name: Account(name=name, **fields) for name, fields in raw["accounts"].items()}
        return Accounts(str(raw["secret"]), people)
    except (ValueError, KeyError, TypeError):
        raise InvalidInput("user.file-bad", path=str(path)) from None


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[Accounts]:
    """The accounts, read under the lock; ``_save`` them before leaving to keep a change."""
    fd = os.open(Path(directory) / LOCKNAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield load(directory)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _save(directory: Path, accounts: Accounts) -> None:
    """Replace the account file whole (a temporary file, mode 0600, renamed over it); the folder's
    ``.gitignore`` names it first (a ledger's has since ``jifen init``; a committee's folder may not)."""
    _ignored(Path(directory))
    raw = {"secret": accounts.secret,
           "accounts": {n: {k: v for k, v in asdict(a).items() if k != "name"} for n, a in accounts.people.items()}}
    fd, temporary = tempfile.mkstemp(prefix=".jifen-users.", dir=directory)  # mkstemp makes it 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(raw, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path_of(directory))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _ignored(directory: Path) -> None:
    """Add the account file and its lock to ``directory``'s ``.gitignore`` where it does not name them."""
    ignore = directory / ".gitignore"
    text = ignore.read_text(encoding="utf-8") if ignore.exists() else ""
    missing = [name for name in (FILENAME, LOCKNAME) if name not in text.splitlines()]
    if missing:
        ignore.write_text(text + ("" if not text or text.endswith("\n") else "\n") + "\n".join(missing) + "\n",
                          encoding="utf-8")


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def new_code() -> str:
    """A one-time code such as ``K7QM-4XPD-HT``: 10 characters of 32, 50 bits."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def invite(directory: Path, name: str, role: str, member: str | None, now: dt.datetime, email: str = "") -> str:
    """Create (or reset) ``name``'s account and return its one-time code; a reset ends the
    person's sessions and clears their password."""
    name = check_name(name)
    code = new_code()
    with _locked(directory) as accounts:
        old = accounts.get(name)
        account = Account(name=name, role=role, member=member, password=None,
                          code=_hasher().hash(_plain_code(code)), invited=now.isoformat(timespec="seconds"),
                          generation=(old.generation + 1) if old else 1, email=check_email(email))
        _save(directory, replace(accounts, people={**accounts.people, name: account}))
    return code


def demo(directory: Path, people: list[tuple[str, str, str | None]]) -> list[tuple[str, str, str]]:
    """Give each ``(name, role, member)`` an account with a fresh random password (resetting
    any it had); return ``(name, role, password)`` for each, to be printed."""
    made = []
    with _locked(directory) as accounts:
        found = dict(accounts.people)
        hasher = _hasher()
        for name, role, member in people:
            password = secrets.token_urlsafe(6)
            old = found.get(name)
            found[name] = Account(name=name, role=role, member=member, password=hasher.hash(password),
                                  generation=(old.generation + 1) if old else 1)
            made.append((name, role, password))
        _save(directory, replace(accounts, people=found))
    return made


# A hash to verify against when nobody has the name given, so that a wrong name takes as long as a
# wrong password.
_NOBODY: list[str] = []


def check(accounts: Accounts, name: str, given: str, now: dt.datetime) -> tuple[Account, bool] | None:
    """The account ``name`` signs in to with ``given`` (its password, or its one-time code while it
    has no password yet) and whether it was the code (a password must then be set); else None."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    account = accounts.get(name.strip())
    if account is None or (account.password is None and account.code is None):
        if not _NOBODY:
            _NOBODY.append(hasher.hash(secrets.token_hex(8)))
        with contextlib.suppress(VerificationError, InvalidHashError):
            hasher.verify(_NOBODY[0], given)
        return None
    first = account.password is None
    if first and _expired(account, now):
        return None
    try:
        hasher.verify(account.code if first else account.password, _plain_code(given) if first else given)
    except (VerificationError, InvalidHashError):
        return None
    return account, first


def set_password(directory: Path, name: str, password: str, generation: int) -> Account:
    """Set ``name``'s password (and forget the one-time code); refused if the account was invited
    again since the session began (``generation``) or the password is too short or too long."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput("user.bad-password", min=PASSWORD_MIN, max=PASSWORD_MAX)
    with _locked(directory) as accounts:
        account = accounts.get(name)
        if account is None or account.generation != generation:
            raise InvalidInput("user.gone", name=name)
        account = replace(account, password=_hasher().hash(password), code=None)
        _save(directory, replace(accounts, people={**accounts.people, name: account}))
    return account


def ensure(directory: Path) -> Accounts:
    """The accounts, writing the file (with its signing key) if there is none yet."""
    with _locked(directory) as accounts:
        if not path_of(directory).exists():
            _save(directory, accounts)
        return accounts


def _plain_code(text: str) -> str:
    """A code as typed (any case, with or without dashes and spaces) in one form."""
    return "".join(c for c in text.upper() if c.isalnum())


def _expired(account: Account, now: dt.datetime) -> bool:
    try:
        invited = dt.datetime.fromisoformat(account.invited)
    except ValueError:
        return True
    return now - invited > dt.timedelta(days=CODE_DAYS)
