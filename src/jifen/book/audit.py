"""The audit: proving, from git history, that ledgers were only ever appended to.

For every commit that touched a ledger file, the file after the commit must
start with every byte of the file before it, and the events it adds must carry
ids above every earlier one. Scheme files are held to the first half of that:
any scheme file in a ``schemes/`` folder, and any file a ledger names as its
scheme (its ``open`` event's, and each version an ``adopt`` event names), may be
added, or appended to, but never changed. A merge is checked
against its first parent as any commit, and against each other parent: every
event that parent's log held must still be in the merged log, in order (by its
exact text, but for its ``id`` and ``target`` lines, which a merge that
re-appends the other side's events renumbers). The same checks run on the
staged change (the pre-commit hook) and on the working tree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from jifen.errors import JifenError
from jifen.store import gitrepo
from jifen.store import ledger as ledger_io


@dataclass(frozen=True)
class Violation:
    """One place where a ledger's history was not append-only."""

    code: str  # audit.changed, audit.deleted, audit.ids, audit.merge-dropped
    path: str
    line: int
    old: str
    new: str
    commit: str = ""  # "" for the staged change or the working tree
    author: str = ""
    date: str = ""
    where: str = "commit"  # commit, staged or working


def compare(path: str, old: bytes, new: bytes) -> list[Violation]:
    """Violations of ``new`` against ``old`` (two versions of one ledger or scheme file)."""
    if not new.startswith(old):
        old_lines, new_lines = old.split(b"\n"), new.split(b"\n")
        for index, (before, after) in enumerate(zip(old_lines, new_lines)):
            if before != after:
                return [Violation("audit.changed", path, index + 1, _text(before), _text(after))]
        index = min(len(old_lines), len(new_lines)) - 1
        before = old_lines[index + 1] if index + 1 < len(old_lines) else b""
        return [Violation("audit.changed", path, index + 2, _text(before), "")]
    if Path(path).name != ledger_io.FILENAME:
        return []  # a scheme file: appending is allowed, there are no ids
    book, problems = ledger_io.parse(path, new)
    first_new_line = old.count(b"\n") + 1
    return [
        Violation("audit.ids", path, p.source.line, "", f"id {p.args['id']} ≤ {p.args['last']}")
        for p in problems
        if p.code == "ledger.id-order" and p.source.line >= first_new_line
    ]


def _text(line: bytes) -> str:
    return line.decode("utf-8", "replace")


def kept(path: str, old: bytes, new: bytes) -> list[Violation]:
    """Violations of merged ``new`` against ``old``, the log of a merge's other parent: each event of
    ``old`` must be in ``new``, in order (its text but for the ``id`` and ``target`` lines)."""
    if Path(path).name != ledger_io.FILENAME:
        return compare(path, old, new)
    merged = iter(_key(new[a:b]) for a, b in _blocks(new))
    for start, end in _blocks(old):
        if _key(old[start:end]) not in merged:  # consumes ``merged`` up to the match: order holds
            first = old[start:end].split(b"\n", 1)[0]
            return [Violation("audit.merge-dropped", path, old.count(b"\n", 0, start) + 1, _text(first), "")]
    return []


def _blocks(data: bytes) -> list[tuple[int, int]]:
    starts = ledger_io.starts(data)
    return list(zip(starts, [*starts[1:], len(data)]))


def _key(block: bytes) -> tuple[bytes, ...]:
    return tuple(line for line in block.split(b"\n") if not line.startswith((b"- id: ", b"  target: ")))


def watched(repo: Path) -> tuple[str, ...]:
    """What the audit follows (git pathspecs): ledger files, scheme files in ``schemes/`` folders,
    and each scheme file a tracked ledger names by its path (relative to the ledger): the one it
    was opened under and every version it adopted."""
    named = set()
    for path in gitrepo.tracked_ledgers(repo):
        try:
            data = ledger_io.read_bytes(repo / path)
        except (JifenError, OSError):
            data = gitrepo.show(repo, "", path) or b""
        opening = ledger_io.header(path, data)
        refs = ledger_io.scheme_refs(data) if opening is not None else []  # the open event's, then each adopted version's
        for ref in refs:
            if ref.endswith(".yaml") or "/" in ref:
                target = os.path.normpath(os.path.join(os.path.dirname(path), ref))
                if not target.startswith("..") and not os.path.isabs(target):
                    named.add(f":(literal){target}")
    return (*gitrepo.WATCHED, *sorted(named))


def history(repo: Path, rev_range: str | None = None) -> list[Violation]:
    """Every violation in the commits of ``rev_range`` (default: all of HEAD)."""
    found: list[Violation] = []
    if not gitrepo.has_head(repo):
        return found
    paths = watched(repo)
    for commit in gitrepo.commits(repo, rev_range, paths):
        here: list[Violation] = []
        for index, parent in enumerate(commit.parents or (None,)):
            for status, path in gitrepo.changed(repo, parent, commit.sha, paths):
                if status == "D":
                    here.append(Violation("audit.deleted", path, 1, "", ""))
                    continue
                old = (gitrepo.show(repo, parent, path) if parent else None) or b""
                new = gitrepo.show(repo, commit.sha, path) or b""
                here += compare(path, old, new) if index == 0 else kept(path, old, new)
        found += [replace(v, commit=commit.sha[:10], author=commit.author, date=commit.date) for v in here]
    return found


def staged(repo: Path, merging: tuple[str, ...] = ()) -> list[Violation]:
    """Violations of the staged change against HEAD (what a pre-commit hook checks); while a merge is
    under way, also against each commit being merged (``merging``, else MERGE_HEAD), as the audit checks
    a merge against every parent (what a pre-merge-commit hook checks): a merge that kept one side's
    log loses the other's events."""
    found: list[Violation] = []
    has_head = gitrepo.has_head(repo)
    paths = watched(repo)
    for theirs in merging or tuple(filter(None, [gitrepo.merge_head(repo)])):
        for status, path in gitrepo.staged_ledgers(repo, paths, theirs):
            old = gitrepo.show(repo, theirs, path)
            if status == "D" or old is None:
                continue  # deleted against HEAD is found below; a file the other side has not is nothing lost
            found += [_where(v, "staged") for v in kept(path, old, gitrepo.show(repo, "", path) or b"")]
    for status, path in gitrepo.staged_ledgers(repo, paths):
        old = gitrepo.show(repo, "HEAD", path) if has_head else None
        if status == "D":
            found.append(Violation("audit.deleted", path, 1, "", "", where="staged"))
            continue
        new = gitrepo.show(repo, "", path) or b""
        found += [_where(v, "staged") for v in compare(path, old or b"", new)]
    return found


def working(repo: Path) -> list[Violation]:
    """Violations of the working tree's ledger files against HEAD (uncommitted edits)."""
    if not gitrepo.has_head(repo):
        return []
    return _against_head(repo, gitrepo.tracked_ledgers(repo, watched(repo)))


def _against_head(repo: Path, paths: list[str]) -> list[Violation]:
    """Violations of the working tree's files ``paths`` (relative to the top) against HEAD."""
    found: list[Violation] = []
    for path in paths:
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
    if not gitrepo.is_commit(repo, since):  # else a revision older than the history lists every event as new
        raise gitrepo.GitError("git.unknown-revision", text=since)
    old = gitrepo.show(repo, since, relative) or b""
    new = ledger_io.read_bytes(path)
    book, _ = ledger_io.parse(str(path), new)
    first_new_line = old.count(b"\n") + 1
    return [e for e in book.events if e.source.line >= first_new_line], new.startswith(old)


Audited = tuple[str, list[Violation]]  # a HEAD's full sha and the violations of the history up to it


def history_since(repo: Path, known: Audited | None = None) -> Audited:
    """HEAD's sha and the violations of the history up to it: ``known``'s, if its commit is an ancestor
    of HEAD, with those of the commits since (so a server audits each new commit once); else all again."""
    if not gitrepo.has_head(repo):
        return "", []
    head = gitrepo.head(repo)
    if known is not None and known[0] == head:
        return known
    if known is not None and known[0] and gitrepo.is_ancestor(repo, known[0], head):
        return head, known[1] + history(repo, f"{known[0]}..{head}")
    return head, history(repo)


def working_of(repo: Path, paths: list[Path]) -> list[Violation]:
    """``working`` for the ledgers ``paths`` only: those git finds changed since HEAD, compared."""
    if not gitrepo.has_head(repo) or not paths:
        return []
    relatives = [str(p.resolve().relative_to(repo.resolve())) for p in paths]
    return _against_head(repo, gitrepo.modified(repo, tuple(f":(literal){r}" for r in relatives)))


def changes(repo: Path, path: Path, limit: int = 10) -> list[tuple[gitrepo.Commit, list]]:
    """The latest ``limit`` commits of the ledger ``path``, newest first, each with the events it
    added (those whose lines come after the file as its parent had it)."""
    relative = str(path.resolve().relative_to(repo.resolve()))
    if not gitrepo.has_head(repo):
        return []
    found = []
    for commit in gitrepo.commits(repo, None, (f":(literal){relative}",))[::-1][:limit]:
        parent = commit.parents[0] if commit.parents else None
        old = (gitrepo.show(repo, parent, relative) if parent else None) or b""
        new = gitrepo.show(repo, commit.sha, relative) or b""
        if new.startswith(old):  # the usual case: only what was appended is read (its problems are of no use here)
            log, _ = ledger_io.parse(relative, new[len(old):])
            found.append((commit, list(log.events)))
            continue
        log, _ = ledger_io.parse(relative, new)
        first_new_line = old.count(b"\n") + 1
        found.append((commit, [e for e in log.events if e.source.line >= first_new_line]))
    return found


def of_ledgers(folders: list[Path], known: dict[Path, Audited] | None = None) -> dict[Path, list[Violation] | None]:
    """For each ledger folder, the audit's violations concerning its ledger (None: it is not in a git
    repository). Each repository's history is read once, however many of the ledgers it holds, and,
    given ``known`` (repository → ``history_since``'s answer, updated here), only since the last call."""
    known = {} if known is None else known
    by_repo: dict[Path, list[Path]] = {}
    found: dict[Path, list[Violation] | None] = {}
    for folder in folders:
        try:
            repo = gitrepo.toplevel(folder)
        except JifenError:
            found[folder] = None
            continue
        by_repo.setdefault(repo, []).append(folder)
    for repo, held in by_repo.items():
        known[repo] = history_since(repo, known.get(repo))
        paths = [ledger_io.locate(folder) for folder in held]
        violations = known[repo][1] + working_of(repo, paths)
        for folder, path in zip(held, paths):
            relative = str(path.resolve().relative_to(repo.resolve()))
            found[folder] = [v for v in violations if v.path == relative]
    return found
