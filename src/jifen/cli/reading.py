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
    made,
    member_app,
    member_id,
    open_book,
    parse_period,
    parse_year,
    scheme_app,
    scheme_search,
    today_date,
)
from jifen.cli.completion import complete_members

GroupOpt = Annotated[str | None, typer.Option("--group", "-g", help="opt.group", show_default=False)]


@app.command()
@handled
def report(
    month: Annotated[str | None, typer.Option("--month", "-m", help="opt.month", show_default=False)] = None,
    quarter: Annotated[str | None, typer.Option("--quarter", "-q", help="opt.quarter.report", show_default=False)] = None,
    year: Annotated[str | None, typer.Option("--year", "-y", help="opt.year.report", show_default=False)] = None,
    group: GroupOpt = None,
    half: Annotated[str | None, typer.Option("--half", help="opt.half", show_default=False)] = None,
    ledger: LedgerOpt = None,
    format: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = None,
    no_color: NoColorOpt = False,
    ids: IdsOpt = False,
) -> None:
    """The ranked table of a month, quarter, half-year or year: category scores, bonus, total, rank.

    As html: the notice page to pin up, with each member's reasons and a verification code."""
    lang = lang_of(lang)
    period = parse_period(month, quarter, year, half)

    def make(opened):
        from jifen import reports
        from jifen.render import WITH_DETAIL, WITHOUT_REASONS

        _known_group(opened, group)
        return reports.period_report(opened.ledger, opened.standings_for(period), period, detail=format in WITH_DETAIL,
                                     explain=format not in WITHOUT_REASONS, group=group, flow=opened.workflow())

    what = ("report", str(period)) + ((group,) if group is not None else ())
    if format == "html":
        emit_notice(ledger, what[:2], make, lang, output, ids)  # the code seals the log; a group is a cut of it
        return
    # a handout written with -o is made from the log alone, never the cache
    emit_kept(ledger, what, lambda: made(ledger, make, cached=output is None), format, lang,
              output, color=coloured(no_color))


@app.command()
@handled
def grade(
    year: Annotated[int, typer.Option("--year", "-y", help="opt.year.grade")],
    group: GroupOpt = None,
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

        _known_group(opened, group)
        return reports.grade_report(opened.ledger, opened.standings_for(parse_year(year)), parse_year(year), detail=format in WITH_DETAIL,
                                    explain=format not in WITHOUT_REASONS,
                                    chart=format in WITH_CHART, group=group)

    what = ("grade", str(parse_year(year))) + ((group,) if group is not None else ())
    if format == "html":
        emit_notice(ledger, what[:2], make, lang, output, ids)  # the code seals the log; a group is a cut of it
        return
    emit_kept(ledger, ("grade", year) + what[2:], lambda: made(ledger, make, cached=output is None), format, lang,
              output, color=coloured(no_color))


def _known_group(opened, group: str | None) -> None:
    """InvalidInput if ``group`` is given and nobody was ever in it (a name mistyped gave an empty table)."""
    from jifen.core import roster

    if group is not None and group not in (known := roster.groups(opened.standings.members)):
        raise errors.InvalidInput("cli.unknown-group", group=group, groups="、".join(known) or "-")


@app.command()
@handled
def show(
    member: Annotated[str, typer.Argument(help="arg.member", autocompletion=complete_members)],
    year: Annotated[int | None, typer.Option("--year", "-y", help="opt.year.show", show_default=False)] = None,
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

    def make(opened):
        subject = member_id(opened.standings.members, member)
        about, resolution = opened.about(subject)
        return reports.show_report(opened.ledger, opened.standings, subject, year,
                                   opened.standings_for if len(opened.versions) > 1 else None, about, resolution)

    emit_kept(ledger, ("show", member, year), lambda: made(ledger, make, cached=output is None), format, lang,
              output, color=coloured(no_color))


@app.command()
@handled
def balance(
    member: Annotated[str | None, typer.Argument(help="arg.member.balance", show_default=False)] = None,
    date: Annotated[str | None, typer.Option("--date", "-d", help="opt.date.balance", show_default=False)] = None,
    ledger: LedgerOpt = None,
    format: FormatOpt = "table",
    lang: LangOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Points exchange (积分兑换): what each member earned of the points that may be spent, spent, and has left."""
    from jifen import reports
    from jifen.cli.common import parse_date

    lang = lang_of(lang)
    day = parse_date(date)

    def make():
        opened = load_book(ledger)
        if opened.scheme.exchange is None:
            raise errors.InvalidInput("event.no-exchange", scheme=opened.scheme.id)
        subject = member_id(opened.standings.members, member) if member is not None else None
        return reports.balance_report(opened.ledger, opened.standings, day, subject)

    emit_kept(ledger, ("balance", member or "", day.isoformat()), make, format, lang, None, color=coloured(no_color))


@app.command()
@handled
def check(ledger: LedgerOpt = None, lang: LangOpt = None) -> None:
    """Validate the ledger and its scheme; report every problem with FILE:LINE:COL. Exit 1 if any."""
    lang = lang_of(lang)
    opened = open_book(ledger_dir(ledger), today=today_date(), cached=False)  # the log itself, never the cache
    problems = list(opened.problems)
    if any(v.scheme.panels or v.scheme.exchange or v.scheme.review for v in opened.versions) \
            and not any(p.is_error for p in problems):
        from jifen.core import validate

        last = opened.versions[-1]
        for version in opened.versions:  # each version's panels, reviews and exchange, in the years it governs
            standings = opened.standings_of(version)
            found = (validate.unevaluated_problems(opened.ledger, standings)
                     + validate.unreviewed_problems(opened.ledger, standings)
                     + validate.exchange_problems(opened.ledger, standings))
            problems += [p for p in found
                         if (version.governs(p.args["year"]) if "year" in p.args else version is last)]
        problems.sort(key=lambda p: p.sort_key())
    warnings = _report_problems(problems, lang, warnings_fail=False, say_warnings=False)
    if warnings:  # one last line, not "no problems" under the warnings just listed
        typer.echo(messages.text("cli.no-errors", lang, count=warnings, events=len(opened.events), scheme=_versions(opened)))
    else:
        typer.echo(messages.text("cli.no-problems", lang, events=len(opened.events), scheme=_versions(opened)))


def _versions(opened) -> str:
    """The versions of a book's scheme in a line: ``quantified-2023`` or ``quantified-2023(…–2023) → quantified-2024(2024–…)``."""
    if len(opened.versions) < 2:
        return opened.scheme.id if opened.scheme else "-"
    return " → ".join(f"{v.scheme.id}({v.first or '…'}–{v.last or '…'})" for v in opened.versions)


def _report_problems(problems, lang: str, warnings_fail: bool, say_warnings: bool = True) -> int:
    """Print ``problems``; exit 1 if any is an error (or, with ``warnings_fail``, if there are any); else
    the number of warnings (said in a line of their own unless ``say_warnings`` is False)."""
    from jifen import render
    from jifen.core.model import capped, count

    if not problems:
        return 0
    problems = capped(problems)
    typer.echo(render.problems(problems, lang), nl=False)
    errors_found = count(p for p in problems if p.is_error)
    warnings = count(problems) - errors_found
    if errors_found or warnings_fail:
        typer.echo(messages.text("cli.problems", lang, count=errors_found or count(problems)))
        if errors_found and warnings:
            typer.echo(messages.text("cli.warnings", lang, count=warnings))
        raise typer.Exit(errors.EXIT_PROBLEMS)
    if say_warnings:
        typer.echo(messages.text("cli.only-warnings", lang, count=warnings))
    return warnings


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
    scheme: Annotated[str | None, typer.Argument(help="arg.scheme.scheme-show",
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
        loaded = load_book(ledger).scheme_for(today_date().year)  # the version in force
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
    emit_report(reports.handbook_report(opened.ledger, opened.scheme_for(today_date().year)), format, lang, output,
                color=coloured(no_color))


@scheme_app.command("check")
@handled
def scheme_check(
    scheme: Annotated[str | None, typer.Argument(help="arg.scheme.scheme-check", show_default=False)] = None,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
) -> None:
    """Report every problem of a scheme with FILE:LINE:COL. Exit 1 if any."""
    from jifen.store import scheme as scheme_io

    lang = lang_of(lang)
    if scheme is None:
        _check_versions(ledger, lang)
        return
    path = scheme_io.find(scheme, scheme_search(), base=Path.cwd())
    loaded, problems = scheme_io.load(path)
    _report_problems(problems, lang, warnings_fail=True)
    typer.echo(messages.text("cli.scheme-ok", lang, scheme=loaded.id))


def _check_versions(ledger: Path | None, lang: str) -> None:
    """``scheme check`` of a ledger's versions: each file's own problems, a file missing or not the
    one pinned by its hash, an effective date that is not the start of a year, not later than the
    version before, or inside a closed period; the log's other problems are ``jifen check``'s."""
    from jifen import book

    opened = book.open(ledger_dir(ledger), scheme_search(), cached=False)
    log = opened.ledger.path
    problems = [p for p in opened.problems
                if p.source.path != log or p.code == "scheme.hash-changed" or p.code.startswith("adopt.")]
    _report_problems(problems, lang, warnings_fail=True)
    typer.echo(messages.text("cli.scheme-ok", lang, scheme=_versions(opened)))


@scheme_app.command("diff")
@handled
def scheme_diff(
    schemes: Annotated[list[str], typer.Argument(
        help="arg.schemes",
        metavar="[OLD] NEW", show_default=False)],
    year: Annotated[int, typer.Option("--year", "-y", help="opt.year.scheme-diff")],
    ledger: LedgerOpt = None,
    format: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """What a proposed scheme would change, before the branch adopts it: each member's score, grade
    and rank in a year under the old rules and the new (the same events), grade changes first;
    and the rules added, removed or changed."""
    from jifen import reports
    from jifen.core import engine
    from jifen.store import scheme as scheme_io

    lang = lang_of(lang)
    if len(schemes) > 2:
        raise errors.InvalidInput("cli.diff-two")
    year = parse_year(year)
    opened = load_book(ledger, cached=output is None)

    def replayed(ref: str):
        loaded = scheme_io.load_valid(scheme_io.find(ref, scheme_search(), base=Path.cwd()))
        return engine.replay(opened.events, loaded)

    before = replayed(schemes[0]) if len(schemes) == 2 else opened.standings_for(year)
    after = replayed(schemes[-1])
    emit_report(reports.scheme_diff_report(opened.ledger, before, after, year), format, lang, output,
                color=coloured(no_color))


@member_app.command("list")
@handled
def member_list(ledger: LedgerOpt = None, format: FormatOpt = "table", lang: LangOpt = None,
                no_color: NoColorOpt = False) -> None:
    """List everyone who ever belonged to the branch, with their dates."""
    from jifen import reports

    lang = lang_of(lang)
    opened = load_book(ledger)
    emit_report(reports.members_report(opened.ledger, opened.standings.members, opened.standings.scheme.roles), format, lang, color=coloured(no_color))


@app.command()
@handled
def rollup(
    folder: Annotated[Path, typer.Argument(help="arg.folder")],
    year: Annotated[int, typer.Option("--year", "-y", help="opt.year.rollup")],
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="opt.jobs", show_default=False)] = None,
    cluster: Annotated[str | None, typer.Option("--cluster", help="opt.cluster", show_default=False)] = None,
    format: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """The committee view: every branch's members, average score, grade counts and rank, replayed in parallel."""
    import sys

    from jifen import reports
    from jifen.book import rollup as rollup_lib
    from jifen.core.numbers import shown

    lang = lang_of(lang)
    year = parse_year(year)
    folders = rollup_lib.find(folder)
    if not folders:
        raise errors.InvalidInput("rollup.none", path=str(folder))
    found = _with_progress(lambda done: rollup_lib.summaries(folders, scheme_search(), year, jobs, done, caching() and output is None,
                                                                today_date(), cluster),
                           len(folders), sys.stderr.isatty())
    problems = {s.path: messages.text(s.error, lang, **s.error_args) for s in found if s.error}
    head = rollup_lib.head_score(found)
    emit_report(reports.rollup_report(found, rollup_lib.rank(found), year, problems,
                                      None if head is None else shown(head, 2)),
                format, lang, output, color=coloured(no_color))
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
    year: Annotated[int, typer.Option("--year", "-y", help="opt.year.chart")],
    member: Annotated[str | None, typer.Option("--member", "-m", help="opt.member", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="opt.output.chart", show_default=False)] = None,
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
    data = reports.chart_data(opened.ledger, opened.standings_for(parse_year(year)), year, subject)
    path.write_bytes(render_chart.render(data, path.suffix.lower()[1:], lang))
    typer.echo(messages.text("cli.written", lang, path=str(path)))
