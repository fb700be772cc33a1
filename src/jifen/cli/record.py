"""Commands that record: init, the roster, scores, declarations, evaluations, vetoes, corrections, exchanges.

Each appends exactly one event (``init`` creates the ledger with its first),
checked against the scheme and the log first; with ``--commit`` it is also
committed to git.
"""

from __future__ import annotations

import sys
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
    append_events,
    caching,
    handled,
    lang_of,
    late_reason,
    ledger_dir,
    member_app,
    member_id,
    parse_count,
    parse_date,
    parse_decimal,
    parse_year,
    record_about,
    recorder,
    scheme_app,
    scheme_search,
    today_date,
)
from jifen.cli.completion import complete_events, complete_members, complete_rules, complete_words

MemberArg = Annotated[str, typer.Argument(help="arg.subject", autocompletion=complete_members)]
EventArg = Annotated[int, typer.Argument(help="arg.event-id", autocompletion=complete_events)]
ReasonOpt = Annotated[str, typer.Option("--reason", "-r", help="opt.reason")]
CountOpt = Annotated[str | None, typer.Option("--count", "-c", help="opt.count", show_default=False)]
PointsOpt = Annotated[str | None, typer.Option("--points", "-p", help="opt.points", show_default=False)]
LevelOpt = Annotated[str | None, typer.Option("--level", help="opt.level", show_default=False)]
MeasureOpt = Annotated[str | None, typer.Option("--measure", help="opt.measure", show_default=False)]
RefOpt = Annotated[str | None, typer.Option("--ref", help="opt.ref", show_default=False)]
NewRuleOpt = Annotated[str | None, typer.Option("--rule", help="opt.rule", show_default=False,
                                                autocompletion=complete_rules)]


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


@scheme_app.command("adopt")
@handled
def scheme_adopt(
    scheme: Annotated[str, typer.Argument(help="arg.scheme.scheme-adopt")],
    effective: Annotated[str, typer.Option("--from", help="opt.from.scheme-adopt")],
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="opt.reason.scheme-adopt", show_default=False)] = None,
    date: DateOpt = None,
    by: ByOpt = None,
    commit: CommitOpt = False,
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
    dry_run: DryRunOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Adopt a new version of the branch's scheme from a year on: earlier years keep the rules they
    were scored by. The file is copied beside the log (never over another) and pinned by its hash."""
    from jifen import book
    from jifen.store import scheme as scheme_io

    lang = lang_of(lang)
    directory = ledger_dir(ledger)
    path = scheme_io.find(scheme, scheme_search(), base=Path.cwd())
    loaded = scheme_io.load_valid(path)
    start = parse_date(effective)
    opened = book.open(directory, scheme_search(), today=today_date()).usable()
    data = path.read_bytes()
    name = scheme_io.version_name(directory, start.year, data)
    book.refuse_rescoring(opened, loaded, start)  # before any file is written
    copy = directory / name
    made = not copy.exists()
    if made and not dry_run:
        copy.write_bytes(data)
    checked_up_to = opened.events[-1].id if opened.events else 0

    def fields(spine, members) -> dict[str, Any]:
        if spine.last_id != checked_up_to:  # appended to since the log was checked against the new rules
            raise errors.InvalidInput("adopt.log-moved", last=spine.last_id, checked=checked_up_to)
        return {"date": parse_date(date), "kind": "adopt", "scheme": name, "scheme_hash": scheme_io.digest(path),
                "effective": start, "reason": reason, "by": recorder(by)}

    try:
        append_event(ledger, fields, lang, commit, dry_run, verbose)
    except errors.JifenError as exc:
        if made and not isinstance(exc, errors.PartlyWritten):
            copy.unlink(missing_ok=True)  # the event was not written: nor is its copy left behind
        raise
    if not dry_run:
        typer.echo(messages.text("cli.adopted", lang, path=str(copy), scheme=loaded.id, year=start.year,
                                 before=start.year - 1))


@member_app.command("add")
@handled
def member_add(
    name: Annotated[str, typer.Argument(help="arg.name.member-add")],
    id: Annotated[str | None, typer.Option("--id", help="opt.id")] = None,
    role: Annotated[str | None, typer.Option("--role", help="opt.role.member-add", show_default=False)] = None,
    same_name: Annotated[bool, typer.Option("--same-name", help="opt.same-name")] = False,
    status: Annotated[str | None, typer.Option("--status", help="opt.status.member-add", show_default=False)] = None,
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
    from jifen.core.kinds import status as status_id

    def fields(spine, members) -> list[dict[str, Any]]:
        subject = id or _next_id(members, "b" if spine.subjects == "branches" else "m")
        if id is not None and id in members and members[id].active:
            raise errors.InvalidInput("cli.id-taken", id=id)
        if not same_name:
            book.refuse_same_name(members, name, parse_date(date))
        join = {"date": parse_date(date), "kind": "join", "subject": subject, "name": name,
                "role": _role_id(spine, role) if role is not None else None,
                "note": note, "late": late_reason(late, reason), "by": recorder(by)}
        if status is None:
            return [join]
        return [join, {"date": join["date"], "kind": "status", "subject": subject, "status": status_id(status),
                       "late": join["late"], "by": join["by"]}]

    append_events(ledger, fields, lang_of(lang), commit, dry_run, verbose)


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
        words: Annotated[list[str] | None, typer.Argument(
            help="arg.words", metavar="MEMBER... RULE", show_default=False, autocompletion=complete_words)] = None,
        interactive: Annotated[bool, typer.Option("--interactive", "-i", help="opt.interactive")] = False,
        date: DateOpt = None,
        count: CountOpt = None,
        points: PointsOpt = None,
        level: LevelOpt = None,
        measure: MeasureOpt = None,
        ref: RefOpt = None,
        group: Annotated[str | None, typer.Option("--group", "-g", help="opt.group.add", show_default=False)] = None,
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
        words = words or []
        needed = 1 if group is not None else 2
        if group is None and (interactive or (len(words) < needed and sys.stdin.isatty() and sys.stdout.isatty())):
            from jifen.cli import ask

            return ask.add(ledger, lang_of(lang), kind, words, date, note, by, commit, late_reason(late, reason),
                           dry_run, verbose)
        if len(words) < needed:
            raise errors.InvalidInput("cli.needs-member-and-rule")
        *members, rule = words
        record_about(ledger, lang_of(lang), kind, members, date, by, commit, dry_run=dry_run, verbose=verbose, of_group=group, rule=rule, count=parse_count(count),
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
    aspect: Annotated[list[str] | None, typer.Option("--aspect", "-a", help="opt.aspect", show_default=False)] = None,
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
    from jifen.core import typed
    from jifen.core.kinds import panel

    aspects = typed.aspects_text(typed.aspects("、".join(aspect))) if aspect else None
    record_about(ledger, lang_of(lang), "eval", member, date, by, commit, dry_run=dry_run, verbose=verbose, panel=panel(kind), score=parse_decimal(score), rating=rating,
            aspects=aspects, period=_period_text(period), note=note, late=late_reason(late, reason))


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


@app.command()
@handled
def redeem(
    member: MemberArg,
    item: Annotated[str, typer.Argument(help="arg.item")],
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
    """Points exchange (积分兑换): a member spends earned points on a prize, at its catalogue price, while
    the exchange is open. Refused if it would take the balance below 0. The score that grades is unchanged."""
    record_about(ledger, lang_of(lang), "redeem", member, date, by, commit, dry_run=dry_run, verbose=verbose, item=item,
                 note=note, late=late_reason(late, reason))


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


# --- roles, groups and statuses over time --------------------------------------------------------

RoleArg = Annotated[str, typer.Argument(help="arg.role")]
GroupArg = Annotated[str, typer.Argument(help="arg.group")]


@member_app.command("role")
@handled
def member_role(
    member: MemberArg,
    role: RoleArg,
    end: Annotated[bool, typer.Option("--end", help="opt.end.member-role")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="opt.replace")] = False,
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
    """Record that a member holds a role (书记, 委员 …) from a date on, or with --end no longer holds it."""
    from jifen.core import roster

    if end and replace:
        raise errors.InvalidInput("cli.end-or-replace")

    def fields(spine, members) -> list[dict[str, Any]]:
        role_id = _role_id(spine, role)
        day = parse_date(date)
        subject = member_id(members, member)
        common = {"date": day, "note": note, "late": late_reason(late, reason), "by": recorder(by)}
        relieved = [h for h in roster.holders(members, role_id, day) if h != subject] if replace else []
        return [*({**common, "kind": "unrole", "subject": h, "role": role_id} for h in relieved),
                {**common, "kind": "unrole" if end else "role", "subject": subject, "role": role_id}]

    append_events(ledger, fields, lang_of(lang), commit, dry_run, verbose)


def _role_id(spine, text: str) -> str:
    """The id of the role ``text`` names in the ledger's scheme: its id, or its name (书记)."""
    from jifen import book

    scheme, problems = book.scheme_of(spine, scheme_search(), cached=caching())
    if scheme is None:
        raise errors.InvalidInput("scheme.has-problems", problems=problems, path=spine.scheme_ref)
    if text in scheme.roles:
        return text
    named = [id for id, name in scheme.roles.items() if name == text.strip()]
    if len(named) == 1:
        return named[0]
    if not scheme.roles:
        raise errors.InvalidInput("event.no-roles", role=text, scheme=scheme.id)
    raise errors.InvalidInput("event.unknown-role", role=text,
                              roles=", ".join(f"{id} ({name})" for id, name in scheme.roles.items()) or "-")


@member_app.command("group")
@handled
def member_group(
    member: MemberArg,
    group: GroupArg,
    end: Annotated[bool, typer.Option("--end", help="opt.end.member-group")] = False,
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
    """Record that a member is in a group (党小组, 科室, 调查组) from a date on, or with --end no longer is."""
    record_about(ledger, lang_of(lang), "ungroup" if end else "group", member, date, by, commit, dry_run=dry_run,
                 verbose=verbose, group=group.strip(), note=note, late=late_reason(late, reason))


@member_app.command("status")
@handled
def member_status(
    member: MemberArg,
    status: Annotated[str, typer.Argument(help="arg.status")],
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
    """Record a person's status from a date on: 入党积极分子 → 发展对象 → 预备党员 → 正式党员."""
    from jifen.core.kinds import status as status_id

    record_about(ledger, lang_of(lang), "status", member, date, by, commit, dry_run=dry_run, verbose=verbose,
                 status=status_id(status), note=note, late=late_reason(late, reason))
