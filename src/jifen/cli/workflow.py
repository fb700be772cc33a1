"""Workflow commands: approving declarations, the notice and its appeals, closing a quarter, repair."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from jifen import errors, messages
from jifen.cli.common import (
    ByOpt,
    CommitOpt,
    DateOpt,
    DryRunOpt,
    LangOpt,
    LateOpt,
    LedgerOpt,
    NoteOpt,
    VerboseOpt,
    app,
    append_event,
    handled,
    lang_of,
    late_reason,
    ledger_dir,
    member_id,
    parse_count,
    parse_date,
    parse_decimal,
    recorder,
)
from jifen.cli.completion import complete_events
from jifen.cli.record import (
    CountOpt,
    EventArg,
    LevelOpt,
    MeasureOpt,
    NewRuleOpt,
    PointsOpt,
    ReasonOpt,
    record_on,
)

QuarterOpt = Annotated[str, typer.Option("--quarter", "-q", help="opt.quarter")]


def _quarter(text: str) -> str:
    from jifen.cli.common import today_date
    from jifen.core import typed

    period = typed.period(text, today_date())
    if period.kind != "quarter":
        raise errors.InvalidInput("cli.bad-period", text=text)
    return str(period)


@app.command()
@handled
def approve(
    event_id: EventArg,
    note: NoteOpt = None,
    date: DateOpt = None,
    by: ByOpt = None,
    late: LateOpt = False,
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="opt.late-reason", show_default=False)] = None,
    commit: CommitOpt = False,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
    dry_run: DryRunOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Approve a member's declaration (支委初评): from now on it counts, as of its own date."""
    record_on("approve", event_id, date, by, commit, ledger, lang, dry_run=dry_run, verbose=verbose, note=note, late=late_reason(late, reason))


@app.command()
@handled
def reject(
    event_id: EventArg,
    reason: ReasonOpt,
    date: DateOpt = None,
    by: ByOpt = None,
    late: LateOpt = False,
    commit: CommitOpt = False,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
    dry_run: DryRunOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Reject a member's declaration: it never counts."""
    record_on("reject", event_id, date, by, commit, ledger, lang, dry_run=dry_run, verbose=verbose, reason=reason, late=late_reason(late, reason))


@app.command()
@handled
def notice(
    quarter: QuarterOpt,
    start: Annotated[str, typer.Option("--from", help="opt.from")],
    days: Annotated[int, typer.Option("--days", min=1, help="opt.days")] = 7,
    note: Annotated[str | None, typer.Option("--note", "-n", help="opt.note.notice", show_default=False)] = None,
    by: ByOpt = None,
    commit: CommitOpt = False,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
    dry_run: DryRunOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Open the notice period (公示) of a quarter: members may object (jifen appeal) until it ends."""
    append_event(ledger, lambda spine, members: {"date": parse_date(start), "kind": "notice", "period": _quarter(quarter),
                                           "days": days, "note": note, "by": recorder(by)}, lang_of(lang), commit, dry_run, verbose)


@app.command()
@handled
def appeal(
    event_id: EventArg,
    member: Annotated[str, typer.Option("--by", help="opt.by.appeal")],
    reason: ReasonOpt,
    date: DateOpt = None,
    late: LateOpt = False,
    commit: CommitOpt = False,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
    dry_run: DryRunOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Record a member's objection (申辩/异议) to an event, during the quarter's notice."""
    append_event(ledger, lambda spine, members: {
        "date": parse_date(date), "kind": "appeal", "target": event_id, "subject": member_id(members, member),
        "reason": reason, "late": late_reason(late, reason), "by": recorder(None),
    }, lang_of(lang), commit, dry_run, verbose)


@app.command()
@handled
def ruling(
    appeal_id: Annotated[int, typer.Argument(help="arg.appeal-id", autocompletion=complete_events)],
    decision: Annotated[str, typer.Argument(help="arg.decision",
                                            autocompletion=lambda: ["支持", "驳回"])],
    reason: ReasonOpt,
    points: PointsOpt = None,
    rule: NewRuleOpt = None,
    count: CountOpt = None,
    level: LevelOpt = None,
    measure: MeasureOpt = None,
    date: DateOpt = None,
    by: ByOpt = None,
    late: LateOpt = False,
    commit: CommitOpt = False,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
    dry_run: DryRunOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Decide an appeal. upheld: the appealed event is cancelled, or amended to the values given."""
    from jifen.core.kinds import DECISIONS
    from jifen.core.kinds import decision as decision_id

    decision = decision_id(decision)
    if decision not in DECISIONS:
        raise errors.InvalidInput("yaml.want-choice", field="DECISION", text=decision, choices="支持 (upheld), 驳回 (rejected)")
    record_on("ruling", appeal_id, date, by, commit, ledger, lang, dry_run=dry_run, verbose=verbose, decision=decision, reason=reason, rule=rule,
              count=parse_count(count), points=parse_decimal(points), level=level, measure=parse_decimal(measure), late=late_reason(late, reason))


@app.command()
@handled
def close(
    quarter: QuarterOpt,
    date: DateOpt = None,
    note: NoteOpt = None,
    by: ByOpt = None,
    commit: CommitOpt = False,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
    dry_run: DryRunOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Close a quarter: refused while appeals are open; afterwards its events change only with --late."""
    append_event(ledger, lambda spine, members: {"date": parse_date(date), "kind": "close", "period": _quarter(quarter),
                                           "note": note, "by": recorder(by)}, lang_of(lang), commit, dry_run, verbose)


@app.command()
@handled
def repair(ledger: LedgerOpt = None, lang: LangOpt = None) -> None:
    """Move a torn (half-written) last event to a backup file, leaving the log at its last whole event."""
    from jifen.store import ledger as ledger_io

    lang = lang_of(lang)
    directory = ledger_dir(ledger)
    stamp = dt.datetime.now().strftime("torn-%Y%m%d-%H%M%S")
    before = ledger_io.read_bytes(ledger_io.locate(directory))
    done = ledger_io.repair(directory, stamp)
    if done is None:
        typer.echo(messages.text("cli.nothing-to-repair", lang))
        return
    moved, backup = done
    line = before.count(b"\n", 0, len(before) - moved) + 1
    typer.echo(messages.text("cli.repaired", lang, bytes=moved, backup=str(backup), line=line))
