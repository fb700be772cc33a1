"""Verification codes: what a printed notice was made from, and whether the log still says it.

A code names the report, the length of the log in bytes when the page was made, the start of
the BLAKE3 hash of those bytes, the start of the scheme file's hash, and the git commit that
holds exactly those bytes, if there is one::

    JF1-R2023Q1-10893-3f9a0c12d4e5b6a7-9c1d2e3f-1a2b3c4

``R`` is ``report`` (``R2023Q1``, ``R2023M03``, ``R2023``), ``G`` is ``grade`` (``G2023``). The log is
append-only, so a log that still begins with exactly those bytes still holds the page; events
appended after it do not change the check. Any earlier byte changed, and it fails.

>>> parse("JF1-R2023Q1-10893-3f9a0c12d4e5b6a7-9c1d2e3f").what
('report', '2023Q1')
>>> str(Stamp(("grade", "2023"), 120, "0" * 16, "1" * 8, "abcdef1"))
'JF1-G2023-120-0000000000000000-11111111-abcdef1'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jifen import book as book_lib
from jifen.core import versions
from jifen.core.periods import Period
from jifen.errors import InvalidInput, JifenError
from jifen.store import cache
from jifen.store import ledger as ledger_io
from jifen.store import scheme as scheme_io

VERSION = "JF1"
LOG_DIGITS = 16  # hex digits of the log's hash: 64 bits, beyond any chance of a collision by accident
SCHEME_DIGITS = 8
COMMIT_DIGITS = 7

_CODE = re.compile(
    r"^JF1-(?P<kind>[RG])(?P<year>\d{4})(?:Q(?P<quarter>[1-4])|M(?P<month>\d{2}))?-(?P<size>\d{1,12})"
    r"-(?P<log>[0-9a-f]{16})-(?P<scheme>[0-9a-f]{8})(?:-(?P<commit>[0-9a-f]{7,40}))?$"
)


@dataclass(frozen=True)
class Stamp:
    """What a page was made from: the report (``("report", "2023Q1")`` or ``("grade", "2023")``), the
    log's length and hash, the scheme's hash, and the commit that holds those very bytes."""

    what: tuple[str, str]
    size: int
    log: str
    scheme: str
    commit: str | None = None

    def __str__(self) -> str:
        kind, period = self.what
        period = period.replace("-", "M")
        tail = f"-{self.commit}" if self.commit else ""
        return f"{VERSION}-{kind[0].upper()}{period}-{self.size}-{self.log}-{self.scheme}{tail}"


def parse(code: str) -> Stamp:
    """The stamp a code stands for; InvalidInput if it is not one."""
    found = _CODE.match(code.strip().replace(" ", ""))
    if not found:
        raise InvalidInput("verify.bad-code", text=code)
    year = found["year"]
    period = f"{year}Q{found['quarter']}" if found["quarter"] else f"{year}-{found['month']}" if found["month"] else year
    if found["month"] and not 1 <= int(found["month"]) <= 12:
        raise InvalidInput("verify.bad-code", text=code)
    kind = "report" if found["kind"] == "R" else "grade"
    if kind == "grade" and period != year:
        raise InvalidInput("verify.bad-code", text=code)
    return Stamp((kind, period), int(found["size"]), found["log"], found["scheme"], found["commit"])


def sealed(directory: Path, search: list[Path], what: tuple[str, str]) -> tuple[book_lib.Book, Stamp]:
    """The book of the log as it is now, read once, and the stamp of exactly the bytes it was made
    from: a page made from this book and carrying this stamp says what those bytes say."""
    path = ledger_io.locate(directory)
    data = ledger_io.read_bytes(path)
    opened, scheme_hash = _book(path, data, search, what[1])
    return opened, Stamp(what, len(data), cache.digest(data)[:LOG_DIGITS], scheme_hash,
                         _commit_holding(directory, path, data))


@dataclass(frozen=True)
class Verdict:
    """What ``check`` found: the stamp; whether the log still begins with its bytes; how many
    bytes were appended since; whether the scheme file is the same; the commit, if named, and
    whether this repository has it; and the book of the stamped bytes, to show the page again."""

    stamp: Stamp
    holds: bool
    appended: int
    scheme_same: bool
    commit_known: bool | None
    book: book_lib.Book | None

    @property
    def ok(self) -> bool:
        return self.holds and self.scheme_same


def check(directory: Path, search: list[Path], code: str) -> Verdict:
    """Whether the log in ``directory`` still begins with the bytes ``code`` was made from (and
    the scheme is the same file); with them, the book as it was, to render the page again."""
    stamp = parse(code)
    path = ledger_io.locate(directory)
    data = ledger_io.read_bytes(path)
    start = data[: stamp.size]
    holds = len(data) >= stamp.size and cache.digest(start)[:LOG_DIGITS] == stamp.log
    known = _commit_known(directory, stamp.commit) if stamp.commit else None
    if not holds:
        return Verdict(stamp, False, 0, False, known, None)
    opened, scheme_hash = _book(path, start, search, stamp.what[1])
    return Verdict(stamp, True, len(data) - stamp.size, scheme_hash == stamp.scheme, known, opened)


def _book(path: Path, data: bytes, search: list[Path], period: str) -> tuple[book_lib.Book, str]:
    """The book of log bytes ``data`` (as ``book.open`` makes it, without the cache), and the start
    of the hash of the file of the version of its scheme that governs ``period``."""
    ledger, problems = ledger_io.parse(str(path), data)
    schemes, found = book_lib.checked(ledger, list(problems), search, None)
    scheme_hash = "0" * SCHEME_DIGITS
    if schemes:
        version = versions.in_force(schemes, Period.parse(period).year)
        scheme_path = scheme_io.find(version.event.scheme or "", search, base=path.parent)
        scheme_hash = cache.digest(scheme_path.read_bytes())[:SCHEME_DIGITS]
    return book_lib.Book(ledger, schemes[0].scheme if schemes else None, tuple(found), False, schemes), scheme_hash


def _commit_holding(directory: Path, path: Path, data: bytes) -> str | None:
    """The short sha of HEAD, if the log there is exactly ``data``; None otherwise or outside git."""
    from jifen.store import gitrepo

    try:
        repo = gitrepo.toplevel(directory)
        if not gitrepo.has_head(repo):
            return None
        committed = gitrepo.show(repo, "HEAD", path.resolve().relative_to(repo.resolve()).as_posix())
        if committed != data:
            return None
        return gitrepo.head(repo)[:COMMIT_DIGITS]
    except (JifenError, ValueError, OSError):
        return None


def _commit_known(directory: Path, commit: str) -> bool | None:
    """Whether the repository holding ``directory`` has ``commit``; None outside git."""
    from jifen.store import gitrepo

    try:
        return gitrepo.has_commit(gitrepo.toplevel(directory), commit)
    except (JifenError, OSError):
        return None
