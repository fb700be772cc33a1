"""The recorder's desk: bringing in the sheets a branch keeps (``import``), and what is due (``status``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from jifen import errors, messages
from jifen.cli.common import (
    ByOpt,
    CommitOpt,
    DryRunOpt,
    FormatOpt,
    LangOpt,
    LedgerOpt,
    NoteOpt,
    OutputOpt,
    VerboseOpt,
    app,
    caching,
    check_output,
    confirmed,
    emit_report,
    handled,
    lang_of,
    ledger_dir,
    open_book,
    recorder,
    render_line,
    say,
    scheme_search,
    today_date,
    warn_stale,
)
from jifen.cli.record import CountOpt, LevelOpt, MeasureOpt, PointsOpt


@app.command("import")
@handled
def import_(
    file: Annotated[Path, typer.Argument(help="arg.file.import")],
    template: Annotated[bool, typer.Option("--template", help="opt.template")] = False,
    rule: Annotated[str | None, typer.Option("--rule", help="opt.rule.import", show_default=False)] = None,
    date: Annotated[str | None, typer.Option("--date", "-d", help="opt.date.import", show_default=False)] = None,
    count: CountOpt = None,
    points: PointsOpt = None,
    level: LevelOpt = None,
    measure: MeasureOpt = None,
    note: NoteOpt = None,
    by: ByOpt = None,
    blank: Annotated[str | None, typer.Option("--blank", help="opt.blank", show_default=False)] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="opt.yes")] = False,
    commit: CommitOpt = False,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
    dry_run: DryRunOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Import records from a sheet (.xlsx or .csv): previews each row in words and every row it refuses, then appends all or none.

    Headers are matched by name (姓名, 规则/项目, 日期, 次数, 分值, 等次, 备注, 记分员) or field id; --rule, --date …
    fill in what the sheet has no column for, e.g. jifen import 签到表.xlsx --rule 缺席 --date 2023-5-2.
    A row already imported (from this file or a copy of it) is skipped.
    """
    lang = lang_of(lang)
    if template:
        _write_template(file, ledger, lang)
        return
    from jifen import book
    from jifen.book import imports
    from jifen.store import ledger as ledger_io
    from jifen.store import sheets as sheets_io

    directory = ledger_dir(ledger)
    sheets = sheets_io.read(file)
    given = {"rule": rule, "date": date, "count": count, "points": points, "level": level, "measure": measure,
             "note": note}
    words = imports.header_words({name: tuple(messages.text(f"import.header.{name}", code) for code in messages.LANGS)
                                  for name in imports.COLUMNS})
    who = recorder(by)
    today = today_date()
    found: dict[str, Any] = {}

    def rows(spine, members) -> list[dict[str, Any]]:
        scheme, problems = book.scheme_of(spine, scheme_search(), caching())
        if scheme is None:
            raise errors.InvalidInput("scheme.has-problems", problems=problems, path=spine.scheme_ref)
        made = imports.plan(sheets, file.name, spine, members, scheme, today, given, who, words, blank,
                            messages.MESSAGES["import.example-note"][:2])
        found["plan"] = made
        if made.refused and found.get("previewed"):  # the write, planned again under the lock
            raise errors.InvalidInput("import.refused", count=len({(r.sheet, r.row) for r in made.refused}))
        return made.events

    def record(write: bool) -> list:
        return book.record_all(directory, rows, today=today, lang=lang, search=scheme_search(),
                               commit=commit and write, cached=caching(), dry_run=not write, effects=not write)

    preview = record(write=False)
    found["previewed"] = True
    if preview and preview[0].stale:
        warn_stale(str(ledger_io.locate(directory)))
    made = found["plan"]
    if preview:
        typer.echo(messages.text("cli.dry-run", lang) if dry_run else messages.text("import.preview", lang))
    say(preview, lang, verbose)
    refused_rows = len({(r.sheet, r.row) for r in made.refused if not r.whole_sheet})
    refused_sheets = sum(r.whole_sheet for r in made.refused)
    typer.echo(messages.text("import.summary", lang, file=file.name, count=len(preview), already=made.already,
                             refused=refused_rows))
    if blank and not any(r.code == "import.no-blank-column" for r in made.refused):
        typer.echo(messages.text("import.signed", lang, count=made.signed, column=blank))
    if made.examples:
        typer.echo(messages.text("import.examples", lang, count=made.examples))
    if made.refused:
        for refusal in made.refused:
            typer.echo(_refusal_text(refusal, file.name, lang), err=True)
        if refused_rows:
            raise errors.InvalidInput("import.refused", count=refused_rows)
        raise errors.InvalidInput("import.sheets-refused", count=refused_sheets)
    if dry_run:
        return
    if not preview:
        typer.echo(messages.text("import.nothing", lang))
        return
    if not yes and not confirmed(messages.text("import.confirm", lang, count=len(preview)), lang):
        raise errors.Cancelled("import.cancelled")  # nothing written: exit 2, as a cancelled jifen add -i
    done = record(write=True)
    if not done:
        typer.echo(messages.text("import.nothing", lang))
    elif len(done) == 1:
        typer.echo(messages.text("import.done-one", lang, id=done[0].event.id))
    else:
        typer.echo(messages.text("import.done", lang, count=len(done), first=done[0].event.id, last=done[-1].event.id))
    if done and done[0].commit:
        typer.echo(messages.text("cli.committed", lang, sha=done[0].commit, summary=done[0].summary))


def _refusal_text(refusal, file_name: str, lang: str) -> str:
    """A refused row in words: the file, sheet, row and column (its letter and header), why, and how to fix it."""
    from jifen.render import printable
    from jifen.store.sheets import column_letter

    place = messages.text("import.place", lang, file=file_name, sheet=refusal.sheet) if refusal.sheet else file_name
    args = printable(refusal.args)
    message = messages.text(refusal.code, lang, **args)
    if refusal.column:
        header = refusal.header or messages.text(f"import.header.{refusal.field}", lang)
        line = messages.text("import.at", lang, place=place, row=refusal.row, column=column_letter(refusal.column),
                             header=header, message=message)
    elif refusal.field:
        line = messages.text("import.at-field", lang, place=place, row=refusal.row, message=message,
                             header=messages.text(f"import.header.{refusal.field}", lang))
    else:
        line = messages.text("import.at-row", lang, place=place, row=refusal.row, message=message)
    hint = messages.hint(refusal.code, lang, **args)
    return "\n".join(render_line(part) for part in line.split("\n")) + (f"\n  {render_line(hint)}" if hint else "")


def _write_template(file: Path, ledger: Path | None, lang: str) -> None:
    """jifen's import template at ``file``: the headers, and one example row taken from the ledger
    (its first member on the roll and first rule) if there is one, else a made-up one."""
    from jifen.book import imports
    from jifen.store import sheets as sheets_io

    check_output(file)
    if file.exists():
        raise errors.WriteRefused("import.template-exists", path=str(file))
    example: dict[str, Any] = {"member": "张三", "rule": "缺席", "count": 1}
    try:
        opened = open_book(ledger_dir(ledger))
        member = next((m for m in opened.members.values() if m.active), None)
        rule = next((r for r in (opened.scheme.rules if opened.scheme else ()) if r.kind in ("fixed", "progressive")),
                    None)
        if member is not None:
            example["member"] = member.name
        if rule is not None and opened.scheme is not None:
            example["rule"] = f"{opened.scheme.category(rule.category).name}·{rule.name}"
    except errors.JifenError:  # no ledger here: the made-up example
        pass
    example.update(date=today_date(), note=messages.text("import.example-note", lang), by=recorder(None))
    headers = [messages.text(f"import.header.{name}", lang) for name in imports.COLUMNS]
    sheets_io.write_template(file, headers, [example.get(name) for name in imports.COLUMNS],
                             messages.text("import.sheet", lang))
    typer.echo(messages.text("import.template-written", lang, path=str(file)))


@app.command()
@handled
def status(
    today: Annotated[str | None, typer.Option("--today", help="opt.today", show_default=False)] = None,
    format: FormatOpt = "table",
    output: OutputOpt = None,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
) -> None:
    """What is due for the branch today, most urgent first: appeals, declarations, notices, closings, the monthly register, evaluations, and members near a line (预警)."""
    from jifen.core import typed
    from jifen.reports import status_report

    day = typed.date(today, today_date()) if today else today_date()
    opened = open_book(ledger_dir(ledger)).usable()
    emit_report(status_report(opened.ledger, opened.standings, day), format, lang_of(lang), output)
