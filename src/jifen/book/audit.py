"""The audit: proving, from git history, that ledgers were only ever appended to.

For every commit that touched a ledger file, the file after the commit must
start with every byte of the file before it, and the events it adds must carry
ids above every earlier one. The same check runs on the staged change (the
pre-commit hook) and on the working tree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from jifen.store import gitrepo
from jifen.store import ledger as ledger_io


@dataclass(frozen=True)
class Violation:
    """One place where a ledger's history was not append-only."""

    code: str  # audit.changed, audit.deleted, audit.ids
    path: str
    line: int
    old: str
    new: str
    commit: str = ""  # "" for the staged change or the working tree
    author: str = ""
    date: str = ""
    where: str = "commit"  # commit, staged or working


def compare(path: str, old: bytes, new: bytes) -> list[Violation]:
    """Violations of ``new`` against ``old`` (two versions of one ledger file)."""
    if not new.startswith(old):
        old_lines, new_lines = old.split(b"\n"), new.split(b"\n")
        for index, (before, after) in enumerate(zip(old_lines, new_lines)):
            if before != after:
                return [Violation("audit.changed", path, index + 1, _text(before), _text(after))]
        index = min(len(old_lines), len(new_lines)) - 1
        before = old_lines[index + 1] if index + 1 < len(old_lines) else b""
        return [Violation("audit.changed", path, index + 2, _text(before), "")]
    book, problems = ledger_io.parse(path, new)
    first_new_line = old.count(b"\n") + 1
    return [
        Violation("audit.ids", path, p.source.line, "", f"id {p.args['id']} ≤ {p.args['last']}")
        for p in problems
        if p.code == "ledger.id-order" and p.source.line >= first_new_line
    ]


def _text(line: bytes) -> str:
    return line.decode("utf-8", "replace")


def history(repo: Path, rev_range: str | None = None) -> list[Violation]:
    """Every violation in the commits of ``rev_range`` (default: all of HEAD)."""
    found: list[Violation] = []
    if not gitrepo.has_head(repo):
        return found
    for commit in gitrepo.commits(repo, rev_range):
        parent = commit.parents[0] if commit.parents else None
        here: list[Violation] = []
        for status, path in gitrepo.changed(repo, parent, commit.sha):
            if status == "D":
                here.append(Violation("audit.deleted", path, 1, "", ""))
                continue
            old = (gitrepo.show(repo, parent, path) if parent else None) or b""
            here += compare(path, old, gitrepo.show(repo, commit.sha, path) or b"")
        found += [replace(v, commit=commit.sha[:10], author=commit.author, date=commit.date) for v in here]
    return found


def staged(repo: Path) -> list[Violation]:
    """Violations of the staged change against HEAD (what a pre-commit hook checks)."""
    found: list[Violation] = []
    has_head = gitrepo.has_head(repo)
    for status, path in gitrepo.staged_ledgers(repo):
        old = gitrepo.show(repo, "HEAD", path) if has_head else None
        if status == "D":
            found.append(Violation("audit.deleted", path, 1, "", "", where="staged"))
            continue
        new = gitrepo.show(repo, "", path) or b""
        found += [_where(v, "staged") for v in compare(path, old or b"", new)]
    return found


def working(repo: Path) -> list[Violation]:
    """Violations of the working tree's ledger files against HEAD (uncommitted edits)."""
    found: list[Violation] = []
    if not gitrepo.has_head(repo):
        return found
    for path in gitrepo.tracked_ledgers(repo):
        old = gitrepo.show(repo, "HEAD", path)
        if old is None:
            continue
        file = repo / path
        if not file.exists():
            found.append(Violation("audit.deleted", path, 1, "", "", where="working"))
            continue
        found += [_where(v, "working") for v in compare(path, old, ledger_io.read_bytes(file))]
    return found


def _where(violation: Violation, where: str) -> Violation:
    return replace(violation, where=where)


def added(repo: Path, since: str, path: Path) -> tuple[list, bool]:
    """The events of ledger ``path`` (working tree) added since revision ``since``, and whether
    everything before them is unchanged (False: history was edited; run the audit)."""
    relative = str(path.resolve().relative_to(repo.resolve()))
    old = gitrepo.show(repo, since, relative) or b""
    new = ledger_io.read_bytes(path)
    book, _ = ledger_io.parse(str(path), new)
    first_new_line = old.count(b"\n") + 1
    return [e for e in book.events if e.source.line >= first_new_line], new.startswith(old)
