"""The few git operations jifen needs, by running ``git`` (read history, stage, commit).

Only ``audit`` and the CLI use this. A failure becomes ``GitError`` with git's
own message.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from jifen.errors import JifenError

LEDGER_GLOB = ":(glob)**/ledger.yaml"
SCHEMES_GLOB = ":(glob)**/schemes/**/*.yaml"  # every scheme file kept in a schemes/ folder
WATCHED = (LEDGER_GLOB, SCHEMES_GLOB)  # what the audit follows; plus the scheme files ledgers name


class GitError(JifenError):
    """git is missing, the folder is not in a repository, or a git command failed."""


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author: str
    date: str
    subject: str


def _git(repo: Path, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(["git", "-C", str(repo), "-c", "core.quotepath=off", *args], capture_output=True,
                              check=False)
    except OSError as exc:
        raise GitError("git.missing", detail=str(exc)) from None
    if done.returncode not in ok:
        raise GitError("git.failed", command="git " + " ".join(args), detail=done.stderr.decode("utf-8", "replace").strip())
    return done


def revision(text: str) -> str:
    """``text``, a revision or range the user gave, if git cannot read it as an option
    (it must not start with ``-``) or as more than one word; GitError otherwise."""
    if not text or text.startswith("-") or any(c.isspace() or not c.isprintable() for c in text):
        raise GitError("git.bad-revision", text=text)
    return text


def toplevel(path: Path) -> Path:
    """The work tree holding ``path``; GitError if it is not in one."""
    folder = path if path.is_dir() else path.parent
    return Path(_git(folder, "rev-parse", "--show-toplevel").stdout.decode().strip())


def has_head(repo: Path) -> bool:
    return _git(repo, "rev-parse", "--verify", "--quiet", "HEAD", ok=(0, 1)).returncode == 0


def merge_head(repo: Path) -> str | None:
    """The sha of the commit being merged (MERGE_HEAD) while a merge is under way, else None."""
    done = _git(repo, "rev-parse", "--verify", "--quiet", "MERGE_HEAD", ok=(0, 1))
    return done.stdout.decode().strip() if done.returncode == 0 else None


def head(repo: Path) -> str:
    """The full sha of HEAD."""
    return _git(repo, "rev-parse", "--verify", "HEAD").stdout.decode().strip()


def has_commit(repo: Path, sha: str) -> bool:
    """Whether ``sha`` (hex digits, at least 7) names a commit of ``repo``."""
    if not (7 <= len(sha) <= 40 and all(c in "0123456789abcdef" for c in sha)):
        return False
    return _git(repo, "cat-file", "-e", f"{sha}^{{commit}}", ok=(0, 1, 128)).returncode == 0


def commits(repo: Path, rev_range: str | None, paths: tuple[str, ...] = (LEDGER_GLOB,)) -> list[Commit]:
    """Commits touching ``paths`` (pathspecs; default: ledger files), oldest first (``rev_range`` as git
    takes it, else all of HEAD). Every merge that differs from any of its parents is among them
    (``--full-history``): one that kept only one side's log is not skipped as the same as that side."""
    fmt = "%H%x1f%P%x1f%an <%ae>%x1f%aI%x1f%s%x1e"
    out = _git(repo, "log", "--reverse", "--topo-order", "--full-history", f"--format={fmt}", "--end-of-options",
               revision(rev_range or "HEAD"), "--", *paths)
    found = []
    for record in out.stdout.decode("utf-8", "replace").split("\x1e"):
        record = record.strip("\n")
        if record:
            sha, parents, author, date, subject = record.split("\x1f")
            found.append(Commit(sha, tuple(parents.split()), author, date, subject))
    return found


def changed(repo: Path, parent: str | None, commit: str,
            paths: tuple[str, ...] = (LEDGER_GLOB,)) -> list[tuple[str, str]]:
    """(status, path) of the files of ``paths`` that ``commit`` changed against ``parent`` (None: the root)."""
    against = ["--root", commit] if parent is None else [parent, commit]
    out = _git(repo, "diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", "--name-status", *against, "--",
               *paths)
    return _name_status(out.stdout)


def _name_status(out: bytes) -> list[tuple[str, str]]:
    """The (status, path) pairs of ``--name-status -z`` output: paths exactly as stored, never quoted.

    Without ``-z`` git quotes a path with non-ASCII bytes (``"ledgers/\\344\\270\\200..."``), which then
    names no file: every ledger in a folder with a Chinese name was skipped.
    """
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    return [(status[:1], path) for status, path in zip(fields[0:-1:2], fields[1::2])]


def is_tracked(path: Path) -> bool:
    """Whether the file ``path`` is in a git repository that tracks it (in HEAD or the index)."""
    try:
        repo = toplevel(path)
    except GitError:
        return False
    relative = str(path.resolve().relative_to(repo.resolve()))
    return bool(_git(repo, "ls-files", "-z", "--", f":(literal){relative}").stdout)


def is_ancestor(repo: Path, old: str, new: str) -> bool:
    """Whether commit ``old`` (a full sha) is ``new`` or one of its ancestors."""
    return _git(repo, "merge-base", "--is-ancestor", old, new, ok=(0, 1, 128)).returncode == 0


def modified(repo: Path, paths: tuple[str, ...]) -> list[str]:
    """The files of ``paths`` (pathspecs) whose working-tree bytes differ from HEAD's, relative to the top."""
    out = _git(repo, "diff", "--name-only", "--no-renames", "-z", "HEAD", "--", *paths)
    return [path for path in out.stdout.decode("utf-8", "surrogateescape").split("\0") if path]


def is_commit(repo: Path, rev: str) -> bool:
    """Whether ``rev`` (a revision the user gave) names a commit of ``repo``."""
    revision(rev)
    return _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}",
                ok=(0, 1, 128)).returncode == 0


def show(repo: Path, rev: str, path: str) -> bytes | None:
    """The bytes of ``path`` at ``rev`` (``""`` for the index), None if it is not there."""
    if rev:
        revision(rev)
    done = _git(repo, "show", "--end-of-options", f"{rev}:{path}", ok=(0, 128))
    return done.stdout if done.returncode == 0 else None


def tracked_ledgers(repo: Path, paths: tuple[str, ...] = (LEDGER_GLOB,)) -> list[str]:
    """Files of ``paths`` (default: ledger files) git knows (in HEAD or the index), relative to the top."""
    out = _git(repo, "ls-files", "-z", "--", *paths)
    return [path for path in out.stdout.decode("utf-8", "surrogateescape").split("\0") if path]


def staged_ledgers(repo: Path, paths: tuple[str, ...] = (LEDGER_GLOB,), rev: str = "HEAD") -> list[tuple[str, str]]:
    """(status, path) of files of ``paths`` (default: ledger files) in the index that differ from ``rev``
    (default HEAD)."""
    if rev != "HEAD":
        revision(rev)
    against = [rev] if rev != "HEAD" or has_head(repo) else []
    out = _git(repo, "diff", "--cached", "-z", "--no-renames", "--name-status", *against, "--", *paths)
    return _name_status(out.stdout)


def commit_file(repo: Path, path: Path, message: str, *also: Path, author: tuple[str, str] | None = None) -> str:
    """Stage ``path`` (and the files ``also``) and commit them alone with ``message`` (by ``author``, a
    name and an e-mail, if given; else by git's configured user); the new commit's sha."""
    relative = [str(p.resolve().relative_to(repo.resolve())) for p in (path, *also)]
    _git(repo, "add", "--", *relative)
    by = [f"--author={author[0]} <{author[1]}>"] if author else []
    _git(repo, "commit", "--quiet", *by, "-m", message, "--", *relative)
    return _git(repo, "rev-parse", "--short", "HEAD").stdout.decode().strip()


def use_merge_driver(repo: Path, name: str, pattern: str, command: str, description: str) -> Path:
    """Have git merge files matching ``pattern`` in this clone with ``command`` (the driver ``name``):
    set in the clone's own config and ``info/attributes``, so nothing tracked changes. Returns the
    attributes file."""
    _git(repo, "config", f"merge.{name}.name", description)
    _git(repo, "config", f"merge.{name}.driver", command)
    out = _git(repo, "rev-parse", "--git-path", "info/attributes").stdout.decode().strip()
    path = Path(out) if Path(out).is_absolute() else repo / out
    line = f"{pattern} merge={name}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if line not in text.splitlines():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + ("" if not text or text.endswith("\n") else "\n") + line + "\n", encoding="utf-8")
    return path


def hooks_dir(repo: Path) -> Path:
    out = _git(repo, "rev-parse", "--git-path", "hooks").stdout.decode().strip()
    path = Path(out)
    return path if path.is_absolute() else repo / path
