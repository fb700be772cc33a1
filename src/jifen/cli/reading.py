"""Commands that read: reports, grades, statements, checks, schemes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jifen import errors, messages
from jifen.cli.common import (
    FormatOpt,
    IdsOpt,
    LangOpt,
    LedgerOpt,
    NoColorOpt,
    OutputOpt,
    app,
    caching,
    check_output,
    coloured,
    emit_kept,
    emit_notice,
    emit_report,
    handled,
    lang_of,
    ledger_dir,
    load_book,
    member_app,
    member_id,
    open_book,
    parse_period,
    parse_year,
    scheme_app,
    scheme_search,
    today_date,
)


@app.command()
@handled
def report(
    month: Annotated[str | None, typer.Option("--month", "-m", help="A month, YYYY-MM (月度登记表).", show_default=False)] = None,
    quarter: Annotated[str | None, typer.Option("--quarter", "-q", help="A quarter, YYYYQn (季度公示).", show_default=False)] = None,
    year: Annotated[str | None, typer.Option("--year", "-y", help="A year, YYYY.", show_default=False)] = None,
    ledger: LedgerOpt = None,
    format: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = None,
    no_color: NoColorOpt = False,
    ids: IdsOpt = False,
) -> None:
    """The ranked table of a month, quarter or year: category scores, bonus, total, rank.

    As html: the notice page to pin up, with each member's reasons and a verification code."""
    lang = lang_of(lang)
    period = parse_period(month, quarter, year)

    def make(opened):
        from jifen import reports
        from jifen.render import WITH_DETAIL, WITHOUT_REASONS

        return reports.period_report(opened.ledger, opened.standings, period, detail=format in WITH_DETAIL,
                                     explain=format not in WITHOUT_REASONS)

    if format == "html":
        emit_notice(ledger, ("report", str(period)), make, lang, output, ids)
        return
    # a handout written with -o is made from the log alone, never the cache
    emit_kept(ledger, ("report", str(period)), lambda: make(load_book(ledger, cached=output is None)), format, lang,
              output, color=coloured(no_color))


@app.command()
@handled
def grade(
    year: Annotated[int, typer.Option("--year", "-y", help="The year to grade.")],
    ledger: LedgerOpt = None,
    format: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = None,
    no_color: NoColorOpt = False,
    ids: IdsOpt = False,
) -> None:
    """Year-end scores by the scheme's formula, grades (优秀 …) and ranks (年度评定).

    As html: the annual notice page, with reasons, a chart and a verification code."""
    lang = lang_of(lang)

    def make(opened):
        from jifen import reports
        from jifen.render import WITH_CHART, WITH_DETAIL, WITHOUT_REASONS

        return reports.grade_report(opened.ledger, opened.standings, parse_year(year), detail=format in WITH_DETAIL,
                                    explain=format not in WITHOUT_REASONS,
                                    chart=format in WITH_CHART)

    if format == "html":
        emit_notice(ledger, ("grade", str(parse_year(year))), make, lang, output, ids)
        return
    emit_kept(ledger, ("grade", year), lambda: make(load_book(ledger, cached=output is None)), format, lang, output, color=coloured(no_color))


@app.command()
@handled
def show(
    member: Annotated[str, typer.Argument(help="Member id or unique name.")],
    year: Annotated[int | None, typer.Option("--year", "-y", help="Only this year.", show_default=False)] = None,
    ledger: LedgerOpt = None,
    format: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """One member's statement: every event, what it counted, running and period scores."""
    from jifen import reports

    lang = lang_of(lang)
    year = year if year is None else parse_year(year)

    def make():
        opened = load_book(ledger, cached=output is None)
        subject = member_id(opened.standings.members, member)
        return reports.show_report(opened.ledger, opened.standings, subject, year)

    emit_kept(ledger, ("show", member, year), make, format, lang, output, color=coloured(no_color))


@app.command()
@handled
def check(ledger: LedgerOpt = None, lang: LangOpt = None) -> None:
    """Validate the ledger and its scheme; report every problem with FILE:LINE:COL. Exit 1 if any."""
    lang = lang_of(lang)
    opened = open_book(ledger_dir(ledger), today=today_date(), cached=False)  # the log itself, never the cache
    problems = list(opened.problems)
    if opened.scheme is not None and opened.scheme.panels and not any(p.is_error for p in problems):
        from jifen.core import validate

        problems = sorted(problems + validate.unevaluated_problems(opened.ledger, opened.standings),
                          key=lambda p: p.sort_key())
    _report_problems(problems, lang, warnings_fail=False)
    typer.echo(messages.text("cli.no-problems", lang, events=len(opened.events), scheme=opened.scheme.id if opened.scheme else "-"))


def _report_problems(problems, lang: str, warnings_fail: bool) -> None:
    """Print ``problems``; exit 1 if any is an error (or, with ``warnings_fail``, if there are any)."""
    from jifen import render
    from jifen.core.model import capped, count

    if not problems:
        return
    problems = capped(problems)
    typer.echo(render.problems(problems, lang), nl=False)
    errors_found = count(p for p in problems if p.is_error)
    warnings = count(problems) - errors_found
    if errors_found or warnings_fail:
        typer.echo(messages.text("cli.problems", lang, count=errors_found or count(problems)))
        if errors_found and warnings:
            typer.echo(messages.text("cli.warnings", lang, count=warnings))
        raise typer.Exit(errors.EXIT_PROBLEMS)
    typer.echo(messages.text("cli.only-warnings", lang, count=warnings))


@scheme_app.command("list")
@handled
def scheme_list(format: FormatOpt = "table", lang: LangOpt = None, no_color: NoColorOpt = False) -> None:
    """The schemes available: $JIFEN_SCHEMES folders, then the shipped ones."""
    from jifen import reports
    from jifen.store import scheme as scheme_io

    lang = lang_of(lang)
    found = []
    for path in scheme_io.available(scheme_search()):
        loaded, _ = scheme_io.load(path)
        found.append((path.stem, loaded.name if loaded else "?", str(path)))
    emit_report(reports.schemes_report(found), format, lang, color=coloured(no_color))


@scheme_app.command("show")
@handled
def scheme_show(
    scheme: Annotated[str | None, typer.Argument(help="Scheme id or file. Default: the scheme of the ledger "
                                                      "(--ledger, $JIFEN_LEDGER or the current folder).",
                                                 show_default=False)] = None,
    ledger: LedgerOpt = None,
    format: FormatOpt = "table",
    lang: LangOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """A scheme's categories and rules, with the points each rule is worth."""
    from jifen import reports
    from jifen.store import scheme as scheme_io

    lang = lang_of(lang)
    if scheme is None:
        loaded = load_book(ledger).scheme
    else:
        loaded = scheme_io.load_valid(scheme_io.find(scheme, scheme_search(), base=Path.cwd()))
    emit_report(reports.scheme_report(loaded), format, lang, color=coloured(no_color))


@app.command()
@handled
def rules(
    ledger: LedgerOpt = None,
    format: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """The branch's rules as a handbook to keep (日常记录手册): by category, each rule's name, id,
    points and what to give when recording it. As html: a page to print."""
    from jifen import reports

    lang = lang_of(lang)
    opened = load_book(ledger)
    emit_report(reports.handbook_report(opened.ledger, opened.scheme), format, lang, output,
                color=coloured(no_color))


@scheme_app.command("check")
@handled
def scheme_check(
    scheme: Annotated[str, typer.Argument(help="Scheme id or file.")],
    lang: LangOpt = None,
) -> None:
    """Report every problem of a scheme with FILE:LINE:COL. Exit 1 if any."""
    from jifen.store import scheme as scheme_io

    lang = lang_of(lang)
    path = scheme_io.find(scheme, scheme_search(), base=Path.cwd())
    loaded, problems = scheme_io.load(path)
    _report_problems(problems, lang, warnings_fail=True)
    typer.echo(messages.text("cli.scheme-ok", lang, scheme=loaded.id))




@member_app.command("list")
@handled
def member_list(ledger: LedgerOpt = None, format: FormatOpt = "table", lang: LangOpt = None,
                no_color: NoColorOpt = False) -> None:
    """List everyone who ever belonged to the branch, with their dates."""
    from jifen import reports

    lang = lang_of(lang)
    opened = load_book(ledger)
    emit_report(reports.members_report(opened.ledger, opened.standings.members), format, lang, color=coloured(no_color))


@app.command()
@handled
def rollup(
    folder: Annotated[Path, typer.Argument(help="A folder holding branch ledgers (any depth), e.g. ledgers/.")],
    year: Annotated[int, typer.Option("--year", "-y", help="The year to sum up.")],
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Processes to use. Default: one per core.", show_default=False)] = None,
    cluster: Annotated[str | None, typer.Option("--cluster", help="Run each branch on the Dask cluster whose scheduler is at this address (e.g. tcp://10.0.0.5:8786); its workers must see the ledgers at the same paths. Needs jifen[cluster].", show_default=False)] = None,
    format: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """The committee view: every branch's members, average score, grade counts and rank, replayed in parallel."""
    import sys

    from jifen import reports
    from jifen.book import rollup as rollup_lib

    lang = lang_of(lang)
    year = parse_year(year)
    folders = rollup_lib.find(folder)
    if not folders:
        raise errors.InvalidInput("rollup.none", path=str(folder))
    found = _with_progress(lambda done: rollup_lib.summaries(folders, scheme_search(), year, jobs, done, caching() and output is None,
                                                                today_date(), cluster),
                           len(folders), sys.stderr.isatty())
    problems = {s.path: messages.text(s.error, lang, **s.error_args) for s in found if s.error}
    emit_report(reports.rollup_report(found, rollup_lib.rank(found), year, problems), format, lang, output, color=coloured(no_color))
    if problems:
        raise typer.Exit(errors.EXIT_PROBLEMS)


def _with_progress(work, total: int, terminal: bool):
    """Run ``work(done)``, showing a progress bar on a terminal (stderr) and nothing otherwise."""
    if not terminal:
        return work(None)
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("jifen rollup", total=total)
        return work(lambda summary: progress.advance(task))


@app.command()
@handled
def chart(
    year: Annotated[int, typer.Option("--year", "-y", help="The year to draw.")],
    member: Annotated[str | None, typer.Option("--member", "-m", help="Only this member (id or unique name): their trend.", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The image: .png or .svg. Default: chart-YEAR.png.", show_default=False)] = None,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
) -> None:
    """Draw the branch's score distribution per period and each member's trend (or one member's)."""
    from jifen import reports
    from jifen.render import chart as render_chart

    lang = lang_of(lang)
    path = output or Path(f"chart-{parse_year(year)}.png")
    if path.suffix.lower() not in (".png", ".svg"):
        raise errors.InvalidInput("chart.bad-suffix", path=str(path))
    check_output(path)
    opened = load_book(ledger, cached=False)
    subject = member_id(opened.standings.members, member) if member else None
    data = reports.chart_data(opened.ledger, opened.standings, year, subject)
    path.write_bytes(render_chart.render(data, path.suffix.lower()[1:], lang))
    typer.echo(messages.text("cli.written", lang, path=str(path)))
