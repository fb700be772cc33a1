"""The command line: parse arguments, call the library, render, exit.

Exit codes are defined in ``jifen.errors``; words come from ``jifen.messages``.
Shared options (``--ledger``, ``--format``, ``--lang``) are declared once, below.
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import os
import subprocess
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from jifen import errors, messages
from jifen.model import Event, Problem, Source

app = typer.Typer(
    name="jifen",
    help="党员量化积分台账 — a points ledger for party branches: record, replay, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
member_app = typer.Typer(help="The roster: members (or branches) joining and leaving.", no_args_is_help=True)
scheme_app = typer.Typer(help="Schemes: the scoring rules a ledger is replayed against.", no_args_is_help=True)
app.add_typer(member_app, name="member")
app.add_typer(scheme_app, name="scheme")

ARGS = Source("<arguments>", 0, 0)

# --- shared options, declared once ----------------------------------------------

LedgerOpt = Annotated[
    Optional[Path],
    typer.Option("--ledger", "-l", help="Ledger folder. Default: $JIFEN_LEDGER, else the current folder.",
                 show_default=False),
]
FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help="Output: table, json, csv or markdown.")
]
LangOpt = Annotated[
    Optional[str], typer.Option("--lang", help="Language of messages and headers: zh (default) or en; or $JIFEN_LANG.",
                                show_default=False)
]
DateOpt = Annotated[Optional[str], typer.Option("--date", "-d", help="Date YYYY-MM-DD. Default: today.",
                                                show_default=False)]
ByOpt = Annotated[
    Optional[str],
    typer.Option("--by", help="Who records it. Default: $JIFEN_USER, else git user.name, else the login name.",
                 show_default=False),
]
NoteOpt = Annotated[Optional[str], typer.Option("--note", "-n", help="Reason or evidence, in words.")]


def _lang(lang: str | None) -> str:
    return messages.lang_from_env(lang)


def handled(command: Callable) -> Callable:
    """Run ``command``; a JifenError becomes its message on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = _lang(kwargs.get("lang"))
        try:
            return command(*args, **kwargs)
        except errors.JifenError as exc:
            _fail(exc, lang)
        except OSError as exc:
            typer.echo(f"jifen: {exc.filename or ''}: {exc.strerror}", err=True)
            raise typer.Exit(errors.EXIT_UNUSABLE) from None

    return wrapper


def _fail(exc: errors.JifenError, lang: str) -> None:
    from jifen import render

    if exc.problems:
        typer.echo(render.problems(exc.problems, lang), err=True, nl=False)
    message = messages.text(exc.code, lang, **exc.args_)
    hint = messages.hint(exc.code, lang, **exc.args_)
    typer.echo(f"jifen: {message}" + (f"\n{hint}" if hint else ""), err=True)
    raise typer.Exit(exc.exit_code)


# --- choosing and reading the ledger ------------------------------------------------


def ledger_dir(option: Path | None) -> Path:
    """The ledger folder: ``--ledger``, else $JIFEN_LEDGER, else the current folder if it is one."""
    from jifen import ledger

    chosen = option or (Path(os.environ["JIFEN_LEDGER"]) if os.environ.get("JIFEN_LEDGER") else None)
    if chosen is not None:
        return chosen
    if (Path.cwd() / ledger.FILENAME).is_file():
        return Path.cwd()
    found = sorted(str(p.parent) for p in Path("ledgers").glob(f"*/{ledger.FILENAME}"))
    raise errors.LedgerNotFound("ledger.none-chosen", found=", ".join(found) or "-")


def scheme_search() -> list[Path]:
    """Where scheme ids are looked up: $JIFEN_SCHEMES (os.pathsep-separated), then the shipped ones."""
    from jifen import scheme

    extra = [Path(p) for p in os.environ.get("JIFEN_SCHEMES", "").split(os.pathsep) if p]
    return [*extra, scheme.shipped_dir()]


def _load(option: Path | None):
    from jifen import engine, loader

    ledger, scheme = loader.load_valid(ledger_dir(option), scheme_search())
    return ledger, scheme, engine.replay(ledger.events, scheme)


def _emit(report, fmt: str, lang: str) -> None:
    from jifen import render

    if fmt not in render.FORMATS:
        raise errors.InvalidInput("yaml.want-choice", field="--format", text=fmt, choices=", ".join(render.FORMATS))
    typer.echo(render.render(report, fmt, lang, terminal=sys.stdout.isatty()), nl=False)


# --- argument conversions -------------------------------------------------------------


def _today() -> dt.date:
    return dt.date.today()


def _date(text: str | None) -> dt.date:
    if text is None:
        return _today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise errors.InvalidInput("cli.bad-date", text=text) from None


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise errors.InvalidInput("cli.bad-number", text=text) from None
    if not value.is_finite():
        raise errors.InvalidInput("cli.bad-number", text=text)
    return value


def _period(month: str | None, quarter: str | None, year: str | None):
    from jifen.periods import Period

    given = [(k, v) for k, v in (("month", month), ("quarter", quarter), ("year", year)) if v]
    if len(given) != 1:
        raise errors.InvalidInput("cli.one-period")
    kind, text = given[0]
    try:
        period = Period.parse(text)
    except ValueError:
        raise errors.InvalidInput("cli.bad-period", text=text) from None
    if period.kind != kind:
        raise errors.InvalidInput("cli.bad-period", text=text)
    return period


def _by(option: str | None) -> str:
    if option:
        return option
    if os.environ.get("JIFEN_USER"):
        return os.environ["JIFEN_USER"]
    try:
        name = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    return name or getpass.getuser()


def _subject(members: dict, text: str) -> str:
    from jifen import roster

    found, candidates = roster.resolve(members, text)
    if found is not None:
        return found
    if candidates:
        raise errors.InvalidInput("cli.ambiguous-subject", text=text, ids=", ".join(candidates))
    raise errors.InvalidInput("cli.unknown-subject", text=text)


def _record(option: Path | None, lang: str, kind: str, member: str, date: str | None, by: str | None,
            **fields: Any) -> Event:
    """Append a ``kind`` event about ``member`` (an id or a unique name) with ``fields``."""
    return _append(option, lambda book, members: {
        "date": _date(date), "kind": kind, "subject": _subject(members, member), **fields, "by": _by(by),
    }, lang)


def _append(option: Path | None, fields: Callable[[Any, Any], dict[str, Any]], lang: str) -> Event:
    """Append the event ``fields(ledger, members)`` describes, after checking it; print it."""
    from jifen import ledger as ledger_io
    from jifen import loader, roster, validate

    directory = ledger_dir(option)
    search = scheme_search()

    def build(ledger, next_id: int) -> dict[str, Any]:
        scheme, problems = loader.scheme_of(ledger, search)
        if scheme is None:
            raise errors.InvalidInput("scheme.has-problems", problems=problems, path=ledger.scheme_ref)
        values = fields(ledger, roster.build(ledger.events))
        event = Event(id=next_id, source=ARGS, **values)
        wrong = validate.event_problems(ledger, scheme, event, _today())
        if wrong:
            raise errors.InvalidInput(wrong[0].code, problems=wrong[1:], **wrong[0].args)
        return values

    event = ledger_io.append(directory, build)
    typer.echo(messages.text("cli.appended", lang, id=event.id))
    typer.echo(ledger_io.emit({k: getattr(event, k) for k in ledger_io.FIELD_ORDER}), nl=False)
    return event


# --- commands -----------------------------------------------------------------------


@app.command()
@handled
def init(
    directory: Annotated[Path, typer.Argument(help="Folder of the new ledger, e.g. ledgers/branch-1.")],
    scheme: Annotated[str, typer.Option("--scheme", "-s", help="Scheme id (see jifen scheme list) or a scheme file.")],
    name: Annotated[str, typer.Option("--name", help="The branch's name, as printed on reports.")],
    subjects: Annotated[Optional[str], typer.Option("--subjects", help="Who is scored: members, or branches (a committee's ledger). Default: as the scheme says.", show_default=False)] = None,
    date: DateOpt = None,
    by: ByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Create a branch ledger: a folder with ledger.yaml, whose first event names the scheme."""
    from jifen import ledger as ledger_io
    from jifen import scheme as scheme_io
    from jifen.model import SUBJECT_KINDS

    lang = _lang(lang)
    path = scheme_io.find(scheme, scheme_search(), base=Path.cwd())
    ref = scheme if path.parent in scheme_search() else os.path.relpath(path.resolve(), directory.resolve())
    loaded = scheme_io.load_valid(path)
    subjects = subjects or loaded.subjects
    if subjects not in SUBJECT_KINDS:
        raise errors.InvalidInput("yaml.want-choice", field="--subjects", text=subjects, choices=", ".join(SUBJECT_KINDS))
    if subjects != loaded.subjects:
        raise errors.InvalidInput("cli.subjects-mismatch", scheme=loaded.id, subjects=loaded.subjects, given=subjects)
    fields = {"date": _date(date), "name": name, "scheme": ref, "subjects": subjects, "by": _by(by)}
    if subjects == "members":
        del fields["subjects"]
    ledger_io.create(directory, fields)
    typer.echo(messages.text("cli.created", lang, path=str(directory / ledger_io.FILENAME)))


@member_app.command("add")
@handled
def member_add(
    name: Annotated[str, typer.Argument(help="The member's name (or the branch's, in a committee ledger).")],
    id: Annotated[Optional[str], typer.Option("--id", help="Id to use. Default: the next free m01, m02 … (b01 … for branches).")] = None,
    role: Annotated[Optional[str], typer.Option("--role", help="The member's role, where the scheme has roles (secretary, manager …).", show_default=False)] = None,
    date: DateOpt = None,
    note: NoteOpt = None,
    by: ByOpt = None,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record that a member joined (or transferred in) on a date."""
    lang = _lang(lang)

    def fields(book, members) -> dict[str, Any]:
        subject = id or _next_id(members, "b" if book.subjects == "branches" else "m")
        if id is not None and id in members and members[id].active:
            raise errors.InvalidInput("cli.id-taken", id=id)
        return {"date": _date(date), "kind": "join", "subject": subject, "name": name, "role": role,
                "note": note, "by": _by(by)}

    _append(ledger, fields, lang)


def _next_id(members: dict, prefix: str) -> str:
    number = len(members) + 1
    while f"{prefix}{number:02d}" in members:
        number += 1
    return f"{prefix}{number:02d}"


@member_app.command("leave")
@handled
def member_leave(
    member: Annotated[str, typer.Argument(help="Member id or unique name.")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why: transferred out, died, expelled …")],
    date: DateOpt = None,
    by: ByOpt = None,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record that a member left the branch (transfer out, …); their last day is --date."""
    _record(ledger, _lang(lang), "leave", member, date, by, reason=reason)


@member_app.command("exempt")
@handled
def member_exempt(
    member: Annotated[str, typer.Argument(help="Member id or unique name.")],
    year: Annotated[int, typer.Option("--year", "-y", help="The year the member is not scored.")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why (joined or transferred in under half a year ago …) and who approved it.")],
    date: DateOpt = None,
    by: ByOpt = None,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
) -> None:
    """Exempt a member from a year's scoring (免于考核), where the scheme allows it."""
    _record(ledger, _lang(lang), "exempt", member, date, by, period=str(year), reason=reason)


@member_app.command("list")
@handled
def member_list(ledger: LedgerOpt = None, format: FormatOpt = "table", lang: LangOpt = None) -> None:
    """List everyone who ever belonged to the branch, with their dates."""
    from jifen import reports

    lang = _lang(lang)
    book, scheme, standings = _load(ledger)
    _emit(reports.members_report(book, standings.members), format, lang)


@app.command()
@handled
def add(
    member: Annotated[str, typer.Argument(help="Member id or unique name.")],
    rule: Annotated[str, typer.Argument(help="Rule id of the scheme, e.g. study.absent (see jifen scheme show).")],
    date: DateOpt = None,
    count: Annotated[Optional[int], typer.Option("--count", "-c", min=1, help="Occurrences, for a fixed rule.", show_default=False)] = None,
    points: Annotated[Optional[str], typer.Option("--points", "-p", help="Points, for a discretionary (酌情) rule, e.g. -0.5.", show_default=False)] = None,
    level: Annotated[Optional[str], typer.Option("--level", help="For a graded rule: the level judged (较好, 一般 …).", show_default=False)] = None,
    measure: Annotated[Optional[str], typer.Option("--measure", help="For a rate rule: the measured value, e.g. an attendance rate 93.5.", show_default=False)] = None,
    ref: Annotated[Optional[str], typer.Option("--ref", help="The honour or matter this is about: the same --ref counts once at its highest level.", show_default=False)] = None,
    note: NoteOpt = None,
    by: ByOpt = None,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record a deduction (扣分) or a bonus (加分) for a member under a rule of the scheme."""
    _record(ledger, _lang(lang), "score", member, date, by, rule=rule, count=count, points=_decimal(points),
            level=level, measure=_decimal(measure), ref=ref, note=note)


@app.command("eval")
@handled
def evaluate(
    member: Annotated[str, typer.Argument(help="Member (or branch) id or unique name.")],
    kind: Annotated[str, typer.Option("--kind", "-k", help="The panel: self, peer, masses, democratic, inspection … (see jifen scheme show).")],
    score: Annotated[Optional[str], typer.Option("--score", "-s", help="The score given, on the scheme's scale (usually out of 100).", show_default=False)] = None,
    rating: Annotated[Optional[str], typer.Option("--rating", help="Or the rating given: 优秀, 合格, 基本合格, 不合格 (as the scheme lists).", show_default=False)] = None,
    period: Annotated[Optional[str], typer.Option("--period", help="The period evaluated (2023, 2023Q4 …). Default: the scoring period of --date.", show_default=False)] = None,
    date: DateOpt = None,
    note: NoteOpt = None,
    by: Annotated[Optional[str], typer.Option("--by", help="The evaluator (one event per evaluator; several are averaged). Default as for add.", show_default=False)] = None,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record one evaluator's score or rating of a member (自评、互评、群众评议、民主评议、督查 …)."""
    _record(ledger, _lang(lang), "eval", member, date, by, panel=kind, score=_decimal(score), rating=rating,
            period=_period_text(period), note=note)


def _period_text(text: str | None) -> str | None:
    from jifen.periods import Period

    if text is None:
        return None
    try:
        return str(Period.parse(text))
    except ValueError:
        raise errors.InvalidInput("cli.bad-period", text=text) from None


@app.command()
@handled
def veto(
    member: Annotated[str, typer.Argument(help="Member id or unique name.")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="The breach (违纪、安全责任事故 …).")],
    date: DateOpt = None,
    note: NoteOpt = None,
    by: ByOpt = None,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record a one-vote veto (一票否决); what it zeroes is set by the scheme."""
    _record(ledger, _lang(lang), "veto", member, date, by, reason=reason, note=note)


@app.command()
@handled
def revoke(
    event_id: Annotated[int, typer.Argument(help="Id of the event to cancel (see jifen show).")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why it is cancelled.")],
    date: DateOpt = None,
    by: ByOpt = None,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
) -> None:
    """Cancel an earlier score or veto event. History is kept: this appends a revoke event."""
    lang = _lang(lang)
    _append(ledger, lambda book, members: {
        "date": _date(date), "kind": "revoke", "target": event_id, "reason": reason, "by": _by(by),
    }, lang)


@app.command()
@handled
def report(
    month: Annotated[Optional[str], typer.Option("--month", "-m", help="A month, YYYY-MM (月度登记表).", show_default=False)] = None,
    quarter: Annotated[Optional[str], typer.Option("--quarter", "-q", help="A quarter, YYYYQn (季度公示).", show_default=False)] = None,
    year: Annotated[Optional[str], typer.Option("--year", "-y", help="A year, YYYY.", show_default=False)] = None,
    ledger: LedgerOpt = None,
    format: FormatOpt = "table",
    lang: LangOpt = None,
) -> None:
    """The ranked table of a month, quarter or year: category scores, bonus, total, rank."""
    from jifen import reports

    lang = _lang(lang)
    period = _period(month, quarter, year)
    book, scheme, standings = _load(ledger)
    _emit(reports.period_report(book, standings, period), format, lang)


@app.command()
@handled
def grade(
    year: Annotated[int, typer.Option("--year", "-y", help="The year to grade.")],
    ledger: LedgerOpt = None,
    format: FormatOpt = "table",
    lang: LangOpt = None,
) -> None:
    """Year-end scores by the scheme's formula, grades (优秀 …) and ranks (年度评定)."""
    from jifen import reports

    lang = _lang(lang)
    book, scheme, standings = _load(ledger)
    _emit(reports.grade_report(book, standings, year), format, lang)


@app.command()
@handled
def show(
    member: Annotated[str, typer.Argument(help="Member id or unique name.")],
    year: Annotated[Optional[int], typer.Option("--year", "-y", help="Only this year.", show_default=False)] = None,
    ledger: LedgerOpt = None,
    format: FormatOpt = "table",
    lang: LangOpt = None,
) -> None:
    """One member's statement: every event, what it counted, running and period scores."""
    from jifen import reports

    lang = _lang(lang)
    book, scheme, standings = _load(ledger)
    subject = _subject(standings.members, member)
    _emit(reports.show_report(book, standings, subject, year), format, lang)


@app.command()
@handled
def check(ledger: LedgerOpt = None, lang: LangOpt = None) -> None:
    """Validate the ledger and its scheme; report every problem with FILE:LINE:COL. Exit 1 if any."""
    from jifen import loader

    lang = _lang(lang)
    loaded = loader.load(ledger_dir(ledger), scheme_search(), today=_today())
    _report_problems(loaded.problems, lang, warnings_fail=False)
    typer.echo(messages.text("cli.no-problems", lang, events=len(loaded.ledger.events), scheme=loaded.scheme.id))


def _report_problems(problems, lang: str, warnings_fail: bool) -> None:
    """Print ``problems``; exit 1 if any is an error (or, with ``warnings_fail``, if there are any)."""
    from jifen import render

    if not problems:
        return
    typer.echo(render.problems(problems, lang), nl=False)
    errors_found = [p for p in problems if p.is_error]
    warnings = len(problems) - len(errors_found)
    if errors_found or warnings_fail:
        typer.echo(messages.text("cli.problems", lang, count=len(errors_found) or len(problems)))
        if errors_found and warnings:
            typer.echo(messages.text("cli.warnings", lang, count=warnings))
        raise typer.Exit(errors.EXIT_PROBLEMS)
    typer.echo(messages.text("cli.only-warnings", lang, count=warnings))


@app.command()
@handled
def repair(ledger: LedgerOpt = None, lang: LangOpt = None) -> None:
    """Move a torn (half-written) last event to a backup file, leaving the log at its last whole event."""
    from jifen import ledger as ledger_io

    lang = _lang(lang)
    directory = ledger_dir(ledger)
    stamp = dt.datetime.now().strftime("torn-%Y%m%d-%H%M%S")
    before = ledger_io.locate(directory).read_bytes()
    done = ledger_io.repair(directory, stamp)
    if done is None:
        typer.echo(messages.text("cli.nothing-to-repair", lang))
        return
    moved, backup = done
    line = before.count(b"\n", 0, len(before) - moved) + 1
    typer.echo(messages.text("cli.repaired", lang, bytes=moved, backup=str(backup), line=line))


@scheme_app.command("list")
@handled
def scheme_list(format: FormatOpt = "table", lang: LangOpt = None) -> None:
    """The schemes available: $JIFEN_SCHEMES folders, then the shipped ones."""
    from jifen import reports
    from jifen import scheme as scheme_io

    lang = _lang(lang)
    found = []
    for path in scheme_io.available(scheme_search()):
        loaded, _ = scheme_io.load(path)
        found.append((path.stem, loaded.name if loaded else "?", str(path)))
    _emit(reports.schemes_report(found), format, lang)


@scheme_app.command("show")
@handled
def scheme_show(
    scheme: Annotated[str, typer.Argument(help="Scheme id or file.")],
    format: FormatOpt = "table",
    lang: LangOpt = None,
) -> None:
    """A scheme's categories and rules, with the points each rule is worth."""
    from jifen import reports
    from jifen import scheme as scheme_io

    lang = _lang(lang)
    loaded = scheme_io.load_valid(scheme_io.find(scheme, scheme_search(), base=Path.cwd()))
    _emit(reports.scheme_report(loaded), format, lang)


@scheme_app.command("check")
@handled
def scheme_check(
    scheme: Annotated[str, typer.Argument(help="Scheme id or file.")],
    lang: LangOpt = None,
) -> None:
    """Report every problem of a scheme with FILE:LINE:COL. Exit 1 if any."""
    from jifen import scheme as scheme_io

    lang = _lang(lang)
    path = scheme_io.find(scheme, scheme_search(), base=Path.cwd())
    loaded, problems = scheme_io.load(path)
    _report_problems(problems, lang, warnings_fail=True)
    typer.echo(messages.text("cli.scheme-ok", lang, scheme=loaded.id))


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
