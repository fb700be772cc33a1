"""Commands about history: the git audit, the pre-commit hook, and the log of what was added."""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from jifen import errors, messages
from jifen.cli.common import (
    LangOpt,
    LedgerOpt,
    app,
    handled,
    hooks_app,
    lang_of,
    ledger_dir,
    scheme_search,
)

HOOK_MARK = "# installed by: jifen hooks install"


@app.command()
@handled
def audit(
    rev_range: Annotated[str | None, typer.Argument(help="arg.rev-range", show_default=False)] = None,
    staged: Annotated[bool, typer.Option("--staged", help="opt.staged")] = False,
    repo: Annotated[Path | None, typer.Option("--repo", help="opt.repo", show_default=False)] = None,
    lang: LangOpt = None,
) -> None:
    """Prove from git history that every ledger was only appended to. Exit 1 on any edit of history."""
    from jifen.book import audit as audit_lib
    from jifen.store import gitrepo

    lang = lang_of(lang)
    top = gitrepo.toplevel(repo or Path.cwd())
    if staged:
        # during a merge git's pre-merge-commit hook has no MERGE_HEAD yet: git names the commits being
        # merged in GITHEAD_<sha> variables (its labels for conflict markers)
        merging = tuple(sorted(name[len("GITHEAD_"):] for name in os.environ
                               if re.fullmatch(r"GITHEAD_[0-9a-f]{40}(?:[0-9a-f]{24})?", name)))
        found = audit_lib.staged(top, merging)
        commits = 0
    else:
        found = audit_lib.history(top, rev_range) + audit_lib.working(top)
        commits = len(gitrepo.commits(top, rev_range, audit_lib.watched(top))) if gitrepo.has_head(top) else 0
    if not found:
        files = len(gitrepo.tracked_ledgers(top))
        typer.echo(messages.text("cli.audit-ok", lang, commits=commits, files=files))
        return
    from jifen.render import visible  # history may hold anything: never let it drive the terminal

    for violation in found:
        where = messages.text(f"audit.where.{violation.where}", lang, commit=violation.commit,
                              author=visible(violation.author), date=violation.date)
        typer.echo(f"{visible(violation.path)}:{violation.line}: {messages.text(violation.code, lang)} — {where}")
        if violation.old or violation.new:
            typer.echo(f"  - {messages.text('audit.old', lang)}: {visible(violation.old)}")
            typer.echo(f"  + {messages.text('audit.new', lang)}: {visible(violation.new)}")
    typer.echo(messages.text("cli.audit-failed", lang, count=len(found)))
    raise typer.Exit(errors.EXIT_PROBLEMS)


@hooks_app.command("install")
@handled
def hooks_install(
    force: Annotated[bool, typer.Option("--force", help="opt.force")] = False,
    repo: Annotated[Path | None, typer.Option("--repo", help="opt.repo", show_default=False)] = None,
    lang: LangOpt = None,
) -> None:
    """Install git pre-commit and pre-merge-commit hooks that refuse a commit or merge which edits the
    history of a ledger (or loses one side's events), and a
    merge driver that merges two clones' appends to a ledger.yaml by appending the other side's events again."""
    from jifen.store import gitrepo

    lang = lang_of(lang)
    top = gitrepo.toplevel(repo or Path.cwd())
    hooks = [gitrepo.hooks_dir(top) / name for name in ("pre-commit", "pre-merge-commit")]  # git runs the second on merges
    for path in hooks:
        if path.exists() and HOOK_MARK not in path.read_text(encoding="utf-8", errors="replace") and not force:
            raise errors.InvalidInput("cli.hook-exists", path=str(path))
    command = f"{shlex.quote(sys.executable)} -m jifen audit --staged"
    for path in hooks:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"#!/bin/sh\n{HOOK_MARK}\n# Refuses commits (and merges) that change earlier bytes of a ledger.yaml\n"
                        f"# or lose events of either side.\nexec {command}\n", encoding="utf-8")
        path.chmod(0o755)
        typer.echo(messages.text("cli.hook-installed", lang, path=str(path)))
    driver = f"{shlex.quote(sys.executable)} -m jifen merge-driver %O %A %B"
    attributes = gitrepo.use_merge_driver(top, "jifen", "ledger.yaml", driver,
                                          messages.text("cli.merge-driver-name", "en"))
    typer.echo(messages.text("cli.merge-driver-installed", lang, path=str(attributes)))


@app.command("merge-driver", hidden=True)
@handled
def merge_driver(
    base: Annotated[Path, typer.Argument(help="arg.base")],
    ours: Annotated[Path, typer.Argument(help="arg.ours")],
    theirs: Annotated[Path, typer.Argument(help="arg.theirs")],
    lang: LangOpt = None,
) -> None:
    """Merge two clones' appends to a ledger (git's merge driver, set up by jifen hooks install): keep this
    side's log, then append the other side's new events with fresh ids."""
    from jifen.store import ledger as ledger_io

    merged = ledger_io.merge(base.read_bytes(), ours.read_bytes(), theirs.read_bytes())
    ours.write_bytes(merged)


@app.command()
@handled
def log(
    since: Annotated[str, typer.Option("--since", help="opt.since")] = "HEAD",
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
) -> None:
    """The events added to the ledger since a revision, in plain words: what a reviewer reads instead of a diff."""
    from jifen import book, render
    from jifen.book import audit as audit_lib
    from jifen.store import gitrepo
    from jifen.store import ledger as ledger_io

    lang = lang_of(lang)
    directory = ledger_dir(ledger)
    path = ledger_io.locate(directory)
    top = gitrepo.toplevel(directory)
    events, appended_only = audit_lib.added(top, since, path)
    if not appended_only:
        typer.echo(messages.text("cli.log-edited", lang, path=str(path), since=since), err=True)
    if not events:
        typer.echo(messages.text("cli.log-none", lang, since=since))
        return
    opened = book.open(directory, scheme_search(), cached=False)  # the words of events, whatever the problems
    for event in events:
        code, args = opened.describe(event)
        typer.echo(messages.text(code, lang, **render.printable(args)))
