"""``jifen verify``: whether a notice's verification code still matches the log, and its table again."""

from __future__ import annotations

from typing import Annotated

import typer

from jifen import errors, messages
from jifen.cli.common import (
    FormatOpt,
    LangOpt,
    LedgerOpt,
    NoColorOpt,
    OutputOpt,
    app,
    coloured,
    emit_report,
    handled,
    lang_of,
    ledger_dir,
    scheme_search,
)


@app.command()
@handled
def verify(
    code: Annotated[str, typer.Argument(help="arg.code")],
    ledger: LedgerOpt = None,
    format: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Check a notice's code against the log: does it still begin with the very bytes the notice was
    made from (appends after it are fine)? Then show the notice's table again. Exit 1 if not."""
    from jifen.book import verify as verify_lib

    lang = lang_of(lang)
    verdict = verify_lib.check(ledger_dir(ledger), scheme_search(), code)
    stamp = verdict.stamp
    if not verdict.holds:
        typer.echo(messages.text("verify.changed", lang, size=stamp.size), err=True)
        typer.echo(messages.hint("verify.changed", lang), err=True)
        raise typer.Exit(errors.EXIT_PROBLEMS)
    if verdict.appended:
        typer.echo(messages.text("verify.holds-appended", lang, size=stamp.size, appended=verdict.appended))
    else:
        typer.echo(messages.text("verify.holds", lang, size=stamp.size))
    if stamp.commit:
        known = {True: "verify.commit", False: "verify.commit-unknown", None: "verify.commit-no-git"}
        typer.echo(messages.text(known[verdict.commit_known], lang, commit=stamp.commit))
    if not verdict.scheme_same:
        typer.echo(messages.text("verify.scheme-changed", lang, scheme=stamp.scheme), err=True)
        typer.echo(messages.hint("verify.scheme-changed", lang), err=True)
        raise typer.Exit(errors.EXIT_PROBLEMS)
    typer.echo(messages.text("verify.again", lang))
    emit_report(_report(verdict), format, lang, output, color=coloured(no_color))


def _report(verdict):
    """The table of the notice the code was printed on, made from the log's bytes as they were."""
    from jifen import reports
    from jifen.core.periods import Period

    assert verdict.book is not None
    opened = verdict.book.usable()
    kind, period = verdict.stamp.what
    if kind == "grade":
        return reports.grade_report(opened.ledger, opened.standings_for(int(period)), int(period))
    return reports.period_report(opened.ledger, opened.standings_for(Period.parse(period)), Period.parse(period))
