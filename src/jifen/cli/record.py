"""Commands that record: init, the roster, scores, declarations, evaluations, vetoes, corrections.

Each appends exactly one event (``init`` creates the ledger with its first),
checked against the scheme and the log first; with ``--commit`` it is also
committed to git.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from jifen import errors, messages
from jifen.cli.common import (
    ByOpt,
    CommitOpt,
    DateOpt,
    DryRunOpt,
    LangOpt,
    LateOpt,
    LateReasonOpt,
    LedgerOpt,
    NoteOpt,
    VerboseOpt,
    app,
    append_event,
    handled,
    lang_of,
    late_reason,
    member_app,
    parse_count,
    parse_date,
    parse_decimal,
    parse_year,
    record_about,
    recorder,
    scheme_search,
)

MemberArg = Annotated[str, typer.Argument(help="arg.subject")]
EventArg = Annotated[int, typer.Argument(help="arg.event-id")]
ReasonOpt = Annotated[str, typer.Option("--reason", "-r", help="opt.reason")]
CountOpt = Annotated[str | None, typer.Option("--count", "-c", help="opt.count", show_default=False)]
PointsOpt = Annotated[str | None, typer.Option("--points", "-p", help="opt.points", show_default=False)]
LevelOpt = Annotated[str | None, typer.Option("--level", help="opt.level", show_default=False)]
MeasureOpt = Annotated[str | None, typer.Option("--measure", help="opt.measure", show_default=False)]
RefOpt = Annotated[str | None, typer.Option("--ref", help="opt.ref", show_default=False)]
NewRuleOpt = Annotated[str | None, typer.Option("--rule", help="opt.rule", show_default=False)]


PINNED_SCHEME = "scheme.yaml"  # the copy of its scheme a ledger is scored by, beside ledger.yaml

@app.command()
@handled
def init(
    directory: Annotated[Path, typer.Argument(help="arg.directory")],
    scheme: Annotated[str, typer.Option("--scheme", "-s", help="opt.scheme")],
    name: Annotated[str, typer.Option("--name", help="opt.name")],
    subjects: Annotated[str | None, typer.Option("--subjects", help="opt.subjects", show_default=False)] = None,
    above: Annotated[str | None, typer.Option("--above", help="opt.above", show_default=False)] = None,
    date: DateOpt = None,
    by: ByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Create a branch ledger: a folder with ledger.yaml, whose first event names the scheme."""
    from jifen.core.kinds import SUBJECT_KINDS
    from jifen.store import ledger as ledger_io
    from jifen.store import scheme as scheme_io

    lang = lang_of(lang)
    path = scheme_io.find(scheme, scheme_search(), base=Path.cwd())
    loaded = scheme_io.load_valid(path)
    subjects = subjects or loaded.subjects
    if subjects not in SUBJECT_KINDS:
        raise errors.InvalidInput("yaml.want-choice", field="--subjects", text=subjects, choices=", ".join(SUBJECT_KINDS))
    if subjects != loaded.subjects:
        raise errors.InvalidInput("cli.subjects-mismatch", scheme=loaded.id, subjects=loaded.subjects, given=subjects)
    # the scheme is copied beside the log and pinned by its hash: a later edit of the shipped (or any)
    # file cannot rescore the past; a new version is adopted by an event of its own
    if (directory / ledger_io.FILENAME).exists():
        raise errors.WriteRefused("ledger.exists", path=str(directory / ledger_io.FILENAME))
    directory.mkdir(parents=True, exist_ok=True)
    pinned = directory / PINNED_SCHEME
    if pinned.exists() and pinned.read_bytes() != path.read_bytes():  # never overwrite a file the tool did not write
        raise errors.WriteRefused("cli.scheme-copy-exists", path=str(pinned))
    if not pinned.exists():
        pinned.write_bytes(path.read_bytes())
    ref = PINNED_SCHEME
    fields = {"date": parse_date(date), "name": name, "scheme": ref, "scheme_hash": scheme_io.digest(pinned),
              "subjects": subjects, "above": above, "by": recorder(by)}
    if subjects == "members":
        del fields["subjects"]
    if not above:
        del fields["above"]
    ledger_io.create(directory, fields)
    typer.echo(messages.text("cli.created", lang, path=str(directory / ledger_io.FILENAME)))


@member_app.command("add")
@handled
def member_add(
    name: Annotated[str, typer.Argument(help="arg.name.member-add")],
    id: Annotated[str | None, typer.Option("--id", help="opt.id")] = None,
    role: Annotated[str | None, typer.Option("--role", help="opt.role.member-add", show_default=False)] = None,
    same_name: Annotated[bool, typer.Option("--same-name", help="opt.same-name")] = False,
    date: DateOpt = None,
    note: NoteOpt = None,
    by: ByOpt = None,
    late: LateOpt = False,
    reason: LateReasonOpt = None,
    commit: CommitOpt = False,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
    dry_run: DryRunOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Record that a member joined (or transferred in) on a date."""
    from jifen import book

    def fields(spine, members) -> dict[str, Any]:
        subject = id or _next_id(members, "b" if spine.subjects == "branches" else "m")
        if id is not None and id in members and members[id].active:
            raise errors.InvalidInput("cli.id-taken", id=id)
        if not same_name:
            book.refuse_same_name(members, name, parse_date(date))
        return {"date": parse_date(date), "kind": "join", "subject": subject, "name": name, "role": role,
                "note": note, "late": late_reason(late, reason), "by": recorder(by)}

    append_event(ledger, fields, lang_of(lang), commit, dry_run, verbose)


def _next_id(members: dict, prefix: str) -> str:
    number = len(members) + 1
    while f"{prefix}{number:02d}" in members:
        number += 1
    return f"{prefix}{number:02d}"


@member_app.command("leave")
@handled
def member_leave(
    member: MemberArg,
    reason: Annotated[str, typer.Option("--reason", "-r", help="opt.reason.member-leave")],
    date: DateOpt = None,
    by: ByOpt = None,
    late: LateOpt = False,
    commit: CommitOpt = False,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
    dry_run: DryRunOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Record that a member left the branch (transfer out, …); their last day is --date."""
    record_about(ledger, lang_of(lang), "leave", member, date, by, commit, dry_run=dry_run, verbose=verbose, reason=reason, late=late_reason(late, reason))


@member_app.command("exempt")
@handled
def member_exempt(
    member: MemberArg,
    year: Annotated[int, typer.Option("--year", "-y", help="opt.year.member-exempt")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="opt.reason.member-exempt")],
    date: DateOpt = None,
    by: ByOpt = None,
    late: LateOpt = False,
    commit: CommitOpt = False,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
    dry_run: DryRunOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Exempt a member from a year's scoring (免于考核), where the scheme allows it."""
    record_about(ledger, lang_of(lang), "exempt", member, date, by, commit, dry_run=dry_run, verbose=verbose, period=str(parse_year(year)), reason=reason,
            late=late_reason(late, reason))


def _scored_command(kind: str, doc: str):
    """A command that records a ``kind`` event under a rule: ``add`` (score) and ``declare``."""

    def command(
        words: Annotated[list[str], typer.Argument(
            help="arg.words",
            metavar="MEMBER... RULE", show_default=False)],
        date: DateOpt = None,
        count: CountOpt = None,
        points: PointsOpt = None,
        level: LevelOpt = None,
        measure: MeasureOpt = None,
        ref: RefOpt = None,
        note: NoteOpt = None,
        by: ByOpt = None,
        late: LateOpt = False,
        reason: LateReasonOpt = None,
        commit: CommitOpt = False,
        ledger: LedgerOpt = None,
        lang: LangOpt = None,
        dry_run: DryRunOpt = False,
        verbose: VerboseOpt = False,
    ) -> None:
        if len(words) < 2:
            raise errors.InvalidInput("cli.needs-member-and-rule")
        *members, rule = words
        record_about(ledger, lang_of(lang), kind, members, date, by, commit, dry_run=dry_run, verbose=verbose, rule=rule, count=parse_count(count),
                points=parse_decimal(points), level=level, measure=parse_decimal(measure), ref=ref, note=note,
                late=late_reason(late, reason))

    command.__doc__ = doc
    return handled(command)


add = app.command("add")(_scored_command(
    "score", "Record a deduction (扣分) or a bonus (加分) for a member under a rule of the scheme."))
declare = app.command("declare")(_scored_command(
    "declare", "A member declares an item (自主申报); it counts only once approved (jifen approve)."))


@app.command("eval")
@handled
def evaluate(
    member: MemberArg,
    kind: Annotated[str, typer.Option("--kind", "-k", help="opt.kind")],
    score: Annotated[str | None, typer.Option("--score", "-s", help="opt.score", show_default=False)] = None,
    rating: Annotated[str | None, typer.Option("--rating", help="opt.rating", show_default=False)] = None,
    period: Annotated[str | None, typer.Option("--period", help="opt.period", show_default=False)] = None,
    date: DateOpt = None,
    note: NoteOpt = None,
    by: Annotated[str | None, typer.Option("--by", help="opt.by.evaluate", show_default=False)] = None,
    late: LateOpt = False,
    reason: LateReasonOpt = None,
    commit: CommitOpt = False,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
    dry_run: DryRunOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Record one evaluator's score or rating of a member (自评、互评、群众评议、民主评议、督查 …)."""
    from jifen.core.kinds import panel

    record_about(ledger, lang_of(lang), "eval", member, date, by, commit, dry_run=dry_run, verbose=verbose, panel=panel(kind), score=parse_decimal(score), rating=rating,
            period=_period_text(period), note=note, late=late_reason(late, reason))


def _period_text(text: str | None) -> str | None:
    from jifen.cli.common import today_date
    from jifen.core import typed

    return None if text is None else str(typed.period(text, today_date()))


@app.command()
@handled
def veto(
    member: MemberArg,
    reason: Annotated[str, typer.Option("--reason", "-r", help="opt.reason.veto")],
    date: DateOpt = None,
    note: NoteOpt = None,
    by: ByOpt = None,
    late: LateOpt = False,
    commit: CommitOpt = False,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
    dry_run: DryRunOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Record a one-vote veto (一票否决); what it does is set by the scheme."""
    record_about(ledger, lang_of(lang), "veto", member, date, by, commit, dry_run=dry_run, verbose=verbose, reason=reason, note=note, late=late_reason(late, reason))


def record_on(kind: str, target: int, date, by, commit, ledger, lang, dry_run: bool = False, verbose: bool = False,
              **fields: Any) -> None:
    append_event(ledger, lambda spine, members: {"date": parse_date(date), "kind": kind, "target": target, **fields, "by": recorder(by)},
            lang_of(lang), commit, dry_run, verbose)


@app.command()
@handled
def revoke(
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
    """Cancel an earlier score, declaration, veto or evaluation. History is kept: this appends a revoke event."""
    record_on("revoke", event_id, date, by, commit, ledger, lang, dry_run=dry_run, verbose=verbose, reason=reason, late=late_reason(late, reason))


@app.command()
@handled
def amend(
    event_id: EventArg,
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
    """Correct an earlier score: it is replaced (same member and date) by one with the values given."""
    record_on("amend", event_id, date, by, commit, ledger, lang, dry_run=dry_run, verbose=verbose, reason=reason, rule=rule, count=parse_count(count),
              points=parse_decimal(points), level=level, measure=parse_decimal(measure), late=late_reason(late, reason))
