"""What every command shares: the application, the options declared once (``--ledger``,
``--format``, ``--lang`` …), the conversions of arguments, choosing and opening the ledger,
printing a report and recording an event through the book.

Exit codes are defined in ``jifen.errors``; words come from ``jifen.messages``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jifen import errors, messages
from jifen.cli import words

if TYPE_CHECKING:  # jifen.model is imported where used: defining its classes costs ~15 ms of every start
    from decimal import Decimal

    from jifen.core.model import Event

app = words.Typer(
    name="jifen",
    help="党员量化积分台账 — a points ledger for party branches: record, replay, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: drawing it with rich costs ~140 ms of imports on every start
    context_settings={"help_option_names": ["-h", "--help"]},
)
member_app = words.Typer(help="The roster: members (or branches) joining and leaving, their roles, groups and statuses.", no_args_is_help=True,
                         rich_markup_mode=None)
scheme_app = words.Typer(help="Schemes: the scoring rules a ledger is replayed against.", no_args_is_help=True,
                         rich_markup_mode=None)
hooks_app = words.Typer(help="Git hooks that keep ledgers append-only.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(member_app, name="member")
app.add_typer(scheme_app, name="scheme")
user_app = words.Typer(help="Web accounts: who may sign in to jifen serve.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(hooks_app, name="hooks")
app.add_typer(user_app, name="user")



def _version(shown: bool) -> None:
    """``jifen --version``: the installed version, then exit."""
    if shown:
        from jifen import __version__

        typer.echo(f"jifen {__version__}")
        raise typer.Exit()


@app.callback()
def _top(version: Annotated[bool, typer.Option("--version", help="opt.version", callback=_version, is_eager=True)] = False,
         lang: Annotated[str | None, typer.Option("--lang", help="opt.lang-all", show_default=False)] = None) -> None:
    """党员量化积分台账 — a points ledger for party branches: record, replay, report.

    ``--lang`` here is read from the command line before parsing (``jifen.cli.words``), and
    holds for the help and the messages of the command that follows."""


# --- shared options, declared once ----------------------------------------------

LedgerOpt = Annotated[
    Path | None,
    typer.Option("--ledger", "-l", help="opt.ledger",
                 show_default=False),
]
FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help="opt.format")
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="opt.output", show_default=False)
]
LangOpt = Annotated[
    str | None, typer.Option("--lang", help="opt.lang",
                                show_default=False)
]
DateOpt = Annotated[str | None, typer.Option("--date", "-d", help="opt.date",
                                                show_default=False)]
ByOpt = Annotated[
    str | None,
    typer.Option("--by", help="opt.by",
                 show_default=False),
]
NoteOpt = Annotated[str | None, typer.Option("--note", "-n", help="opt.note")]
LateOpt = Annotated[bool, typer.Option("--late", help="opt.late")]
LateReasonOpt = Annotated[str | None, typer.Option("--reason", "-r", help="opt.late-reason", show_default=False)]
IdsOpt = Annotated[bool, typer.Option("--ids", help="opt.ids")]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="opt.no-color")]
CommitOpt = Annotated[bool, typer.Option("--commit", help="opt.commit")]


def lang_of(lang: str | None) -> str:
    """The language asked for: the command's ``--lang``, else ``jifen --lang``, else $JIFEN_LANG, else zh."""
    return messages.lang_from_env(lang) if lang else words.lang_of()


def coloured(no_color: bool) -> bool:
    """Whether tables on a terminal are coloured: not with ``--no-color``, nor when $NO_COLOR is set
    to anything but the empty string (no-color.org)."""
    return not no_color and not os.environ.get("NO_COLOR")


def terminal_width() -> int | None:
    """The width of the terminal stdout writes to, None if it is not a terminal."""
    import shutil

    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def handled(command: Callable) -> Callable:
    """Run ``command``; a JifenError becomes its message on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = lang_of(kwargs.get("lang"))
        try:
            return command(*args, **kwargs)
        except errors.JifenError as exc:
            _fail(exc, lang)
        except OSError as exc:
            complain(errors.InvalidInput(_os_code(exc), path=str(exc.filename or ""), detail=exc.strerror or str(exc)), lang)
            raise typer.Exit(errors.EXIT_UNUSABLE) from None

    return wrapper


def _os_code(exc: OSError) -> str:
    """The catalogue code that says what the system refused, in the reader's language."""
    for kind, code in ((FileNotFoundError, "os.not-found"), (IsADirectoryError, "os.is-directory"),
                       (NotADirectoryError, "os.not-directory"), (PermissionError, "os.permission"),
                       (FileExistsError, "os.exists")):
        if isinstance(exc, kind):
            return code
    return "os.error"


def _fail(exc: errors.JifenError, lang: str) -> None:
    complain(exc, lang)
    raise typer.Exit(exc.exit_code)


YES = ("是", "是的", "确认", "y", "yes")  # answers to a 是/否 question, as people type them
NO = ("否", "不", "取消", "n", "no")


def yes_or_no(text: str) -> bool | None:
    """``text`` as an answer to a 是/否 question: True, False, or None if it is neither."""
    import unicodedata

    answer = unicodedata.normalize("NFKC", text).strip().lower()
    return True if answer in YES else False if answer in NO else None


def confirmed(question: str, lang: str) -> bool:
    """The recorder's 是 or 否 to ``question``, read from standard input, asked again after anything
    else; no answer (the end of the input, Ctrl-D) is 否."""
    import sys

    while True:
        typer.echo(question + messages.text("cli.yes-no", lang), nl=False)
        line = sys.stdin.readline()
        if not line:
            typer.echo()
            return False
        answer = yes_or_no(line)
        if answer is not None:
            return answer
        complain(errors.InvalidInput("desk.yes-or-no", text=line.strip()), lang)


def complain(exc: errors.JifenError, lang: str) -> None:
    """Say on stderr what ``exc`` reports, and how to fix it, as every command does on failing
    (the interactive add says it, then asks again)."""
    from jifen import render

    if exc.problems:
        typer.echo(render.problems(exc.problems, lang), err=True, nl=False)
    message = messages.text(exc.code, lang, **render.printable(exc.args_))
    hint = messages.hint(exc.code, lang, **render.printable(exc.args_))
    typer.echo(messages.text("cli.said", lang, message=message) + (f"\n{hint}" if hint else ""), err=True)


# --- choosing and reading the ledger ------------------------------------------------


def ledger_dir(option: Path | None) -> Path:
    """The ledger folder: ``--ledger``, else $JIFEN_LEDGER, else the current folder if it is one."""
    from jifen.store import ledger

    chosen = option or (Path(os.environ["JIFEN_LEDGER"]) if os.environ.get("JIFEN_LEDGER") else None)
    if chosen is not None:
        return chosen
    if (Path.cwd() / ledger.FILENAME).is_file():
        return Path.cwd()
    found = sorted(str(p.parent) for p in Path("ledgers").glob(f"*/{ledger.FILENAME}"))
    raise errors.LedgerNotFound("ledger.none-chosen", found=", ".join(found) or "-")


def scheme_search() -> list[Path]:
    """Where scheme ids are looked up (``jifen.book.search_path``)."""
    from jifen import book

    return book.search_path()


def made(option: Path | None, make: Callable[[Any], Any], cached: bool = True) -> Any:
    """``make(book)`` of the usable book of the ledger (``load_book``); then the book's replay is kept
    in the cache with the scores the report asked, for the next run to reuse."""
    from jifen import book

    opened = load_book(option, cached, deferred=True)
    with book.collector_paused():  # a report of a large log still builds many small objects (see there)
        report = make(opened)
        opened.keep()
    return report


def load_book(option: Path | None, cached: bool = True, deferred: bool = False):
    """The usable book of the ledger (``jifen.book``), replayed; a spinner on a terminal while a
    large ledger loads. ``cached`` False: read from the log alone (a handout written with ``-o``);
    ``deferred``: its replay is kept in the cache when the caller says (``Book.keep``)."""
    from jifen.store import ledger as ledger_io

    directory = ledger_dir(option)

    def work():
        opened = open_book(directory, today=today_date(), cached=cached, deferred=deferred).usable()  # a future-dated event is a problem here too
        assert opened.standings is not None  # the replay, under the spinner
        return opened

    path = directory / ledger_io.FILENAME
    if sys.stderr.isatty() and path.is_file() and path.stat().st_size > LARGE:
        from rich.console import Console

        with Console(stderr=True).status(messages.text("cli.loading", lang_of(None), path=str(path))):
            return work()
    return work()


def open_book(directory: Path, today: dt.date | None = None, cached: bool = True, deferred: bool = False):
    """``book.open`` through the cache (unless turned off, or ``cached`` is False), warning if it
    found history edited."""
    from jifen import book

    opened = book.open(directory, scheme_search(), today=today, cached=cached and caching(), deferred=deferred)
    if opened.stale:
        warn_stale(opened.ledger.path)
    return opened


def warn_stale(path: str) -> None:
    typer.echo(messages.text("cache.stale", lang_of(None), path=path), err=True)


def caching() -> bool:
    """Whether the cache beside each ledger is used (jifen.cache); JIFEN_CACHE=off turns it off."""
    return os.environ.get("JIFEN_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


LARGE = 2 * 1024 * 1024  # bytes of ledger above which loading shows a spinner on a terminal


def emit_kept(option: Path | None, words: tuple, make: Callable[[], Any], fmt: str, lang: str,
                 output: Path | None, color: bool = True) -> None:
    """``emit_report(make(), ...)``, or the same text kept from an earlier run on the very same bytes.

    The text is kept (jifen.cache) under a key made of the whole log's BLAKE3 hash, the
    scheme file's, jifen's code, the command's words and everything else the text
    depends on; only text printed to the terminal or a pipe is kept.
    """
    from jifen.store import cache

    directory = ledger_dir(option)
    key = _result_key(directory, words, fmt, lang, color) if output is None and caching() else None
    text = cache.result(directory, key) if key else None
    if isinstance(text, str):
        typer.echo(text, nl=False)
        return
    emit_report(make(), fmt, lang, output, printed=(lambda text: cache.keep(directory, key, text)) if key else None,
                color=color)


def _result_key(directory: Path, words: tuple, fmt: str, lang: str, color: bool) -> str | None:
    """The key of a command's printed text (None if it cannot be told before reading the ledger)."""
    from jifen.store import cache

    terminal = terminal_width() and (terminal_width(), color)
    return cache.result_key(directory, scheme_search(), words, fmt, lang, terminal, today_date().isoformat())


def emit_notice(option: Path | None, what: tuple[str, str], make: Callable[[Any], Any], lang: str,
                output: Path | None, ids: bool) -> None:
    """The notice page of the report ``make(book)`` makes, from the log's bytes read once, carrying
    the verification code of exactly those bytes (``jifen.book.verify``); never kept in the cache,
    as the code also names the git commit."""
    from jifen.book import verify

    opened, stamp = verify.sealed(ledger_dir(option), scheme_search(), what)
    emit_report(make(opened.usable()), "html", lang, output, ids=ids, code=str(stamp))


def emit_report(report, fmt: str, lang: str, output: Path | None = None,
          printed: Callable[[str], None] | None = None, ids: bool = False, code: str | None = None,
          color: bool = True) -> None:
    """Render ``report`` to stdout, or to ``output`` (needed for binary formats); a table on a
    terminal fits its width, coloured if ``color``; ``printed`` is given the text printed to stdout;
    ``ids`` and ``code`` are for the HTML page."""
    from jifen import render

    if fmt not in render.FORMATS:
        raise errors.InvalidInput("yaml.want-choice", field="--format", text=fmt, choices=", ".join(render.FORMATS))
    if output is not None:
        check_output(output)
    if fmt in render.BINARY:
        if output is None:
            raise errors.InvalidInput("cli.binary-to-terminal", fmt=fmt)
        output.write_bytes(render.render_bytes(report, fmt, lang))
    elif output is not None:
        output.write_text(render.render(report, fmt, lang, printed=today_date(), ids=ids, code=code),
                          encoding="utf-8")
    else:
        width = terminal_width()
        text = render.render(report, fmt, lang, terminal=width is not None, printed=today_date(), ids=ids,
                             code=code, width=width, color=color)
        typer.echo(text, nl=False)
        if printed is not None:
            printed(text)
        return
    typer.echo(messages.text("cli.written", lang, path=str(output)), err=True)


def check_output(output: Path) -> None:
    """Refuse to write a report over what jifen reads: a ledger, a scheme or any YAML file
    (no report is YAML), its cache, or anything in a .git folder; also through a symlink."""
    for path in (output, output.resolve()):
        name = path.name.lower()
        parts = {part.lower() for part in path.parts[:-1]}
        if (name.startswith("ledger.yaml") or name.endswith((".yaml", ".yml"))
                or parts & {".git", ".jifen-cache"} or name == ".git"):
            raise errors.InvalidInput("cli.output-refused", path=str(output))


# --- argument conversions -------------------------------------------------------------


def today_date() -> dt.date:
    return dt.date.today()


def parse_date(text: str | None) -> dt.date:
    """A date as people type it (``jifen.core.typed.date``); today if not given."""
    if text is None:
        return today_date()
    from jifen.core import typed

    return typed.date(text, today_date())


def parse_decimal(text: str | None) -> Decimal | None:
    """A number as people type it (``jifen.core.typed.number``), or None."""
    if text is None:
        return None
    from jifen.core import typed

    return typed.number(text)


def parse_count(text: str | None) -> int | None:
    """A count of at least 1 as people type it (``３`` too), or None."""
    if text is None:
        return None
    from jifen.core import typed

    return typed.whole(text, field="--count")


def parse_year(year: int) -> int:
    """``year``, if a calendar can hold it (1 to 9999); InvalidInput otherwise."""
    if not 1 <= year <= 9999:
        raise errors.InvalidInput("cli.bad-year", text=year)
    return year


def parse_period(month: str | None, quarter: str | None, year: str | None, half: str | None = None):

    given = [(k, v) for k, v in (("month", month), ("quarter", quarter), ("year", year), ("half", half)) if v]
    if len(given) != 1:
        raise errors.InvalidInput("cli.one-period")
    kind, text = given[0]
    from jifen.core import typed

    period = typed.period(text, today_date())
    if period.kind != kind:
        raise errors.InvalidInput("cli.bad-period", text=text)
    return period


def late_reason(late: bool, reason: str | None) -> str | None:
    """The late-correction reason to record, if ``--late`` was given (it needs a reason)."""
    if not late:
        return None
    if not reason:
        raise errors.InvalidInput("cli.late-needs-reason")
    return reason


def recorder(option: str | None) -> str:
    if option:
        return option
    if os.environ.get("JIFEN_USER"):
        return os.environ["JIFEN_USER"]
    import getpass
    import subprocess

    try:
        name = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    return name or getpass.getuser()


def member_id(members: dict, text: str) -> str:
    from jifen.core import roster

    found, candidates = roster.resolve(members, text)
    if found is not None:
        return found
    if candidates:
        raise errors.InvalidInput("cli.ambiguous-subject", text=text, ids=", ".join(candidates))
    raise errors.InvalidInput("cli.unknown-subject", text=text)


DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="opt.dry-run")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="opt.verbose")]


def record_about(option: Path | None, lang: str, kind: str, member: str | list[str], date: str | None,
                 by: str | None, commit: bool = False, dry_run: bool = False, verbose: bool = False,
                 of_group: str | None = None, **fields: Any) -> list[Event]:
    """Append a ``kind`` event about each ``member`` (an id or a unique name) and, if ``of_group`` is
    given, each member of that group on the date, with ``fields``: all or none."""
    names = [member] if isinstance(member, str) else member

    def events(spine, members) -> list[dict[str, Any]]:
        day = parse_date(date)
        subjects = [member_id(members, name) for name in names]  # a member named twice is booked twice
        if of_group is not None:
            subjects += [s for s in group_members(members, of_group, day) if s not in subjects]
        return [{"date": day, "kind": kind, "subject": subject, **fields, "by": recorder(by)} for subject in subjects]

    return append_events(option, events, lang, commit, dry_run, verbose)


def group_members(members: Mapping[str, Any], group: str, day: dt.date) -> list[str]:
    """The ids of the members of ``group`` on ``day``; InvalidInput, naming the groups there are, if none."""
    from jifen.core import roster

    found = roster.in_group(members, group.strip(), day)
    if not found:
        raise errors.InvalidInput("cli.empty-group", group=group, date=day.isoformat(),
                                  groups=", ".join(roster.groups(members)) or "-")
    return found


def append_event(option: Path | None, fields: Callable[[Any, Any], dict[str, Any]], lang: str,
                 commit: bool = False, dry_run: bool = False, verbose: bool = False) -> Event:
    """Record the event ``fields(spine, members)`` describes (``jifen.book.record``) and say so."""
    return append_events(option, lambda spine, members: [fields(spine, members)], lang, commit, dry_run, verbose)[0]


def append_events(option: Path | None, fields: Callable[[Any, Any], list[dict[str, Any]]], lang: str,
                  commit: bool = False, dry_run: bool = False, verbose: bool = False) -> list[Event]:
    """Record the events ``fields(spine, members)`` describes (``jifen.book.record_all``), all or
    none, and say in words what each counted."""
    from jifen import book
    from jifen.store import ledger as ledger_io

    done = book.record_all(ledger_dir(option), fields, today=today_date(), lang=lang, search=scheme_search(),
                           commit=commit, cached=caching(), dry_run=dry_run, effects=True)
    if done and done[0].stale:
        warn_stale(str(ledger_dir(option) / ledger_io.FILENAME))
    if dry_run:
        typer.echo(messages.text("cli.dry-run", lang))
    say(done, lang, verbose)
    if len(done) > 1 and not dry_run:
        typer.echo(messages.text("cli.recorded-many", lang, count=len(done)))
    if done and done[0].commit:
        typer.echo(messages.text("cli.committed", lang, sha=done[0].commit, summary=done[0].summary))
    return [recorded.event for recorded in done]


def say(done: list, lang: str, verbose: bool = False) -> None:
    """Each recorded (or previewed) event in words: what it counted, the period's total before → after,
    and why it counted less than its rule."""
    from jifen import book
    from jifen.core.numbers import plain
    from jifen.store import ledger as ledger_io

    for recorded in done:
        effect = recorded.effect
        line = recorded.said
        if effect is not None:
            period = messages.text("label.balance-left", lang) if effect.period == book.BALANCE else effect.period
            total = {at: plain(value) if value is not None else messages.text("label.missing", lang)
                     for at, value in (("before", effect.before), ("after", effect.after))}
            line += messages.text("cli.effect", lang, period=period, **total)
        typer.echo(render_line(line))
        if effect is not None and effect.why is not None:
            code, args = effect.why
            words = {k: plain(v) if not isinstance(v, str) else v for k, v in args.items()}
            if "period" in words:
                words["period"] = messages.text(f"word.{words['period']}", lang)
            typer.echo("  " + render_line(messages.text(code, lang, value=plain(effect.value or 0), **words)))
        if verbose:
            typer.echo(ledger_io.emit(recorded.event.__dict__), nl=False)


def render_line(text: str) -> str:
    """A line of words with control characters made visible."""
    from jifen.render.cells import visible

    return visible(text)
