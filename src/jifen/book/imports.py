"""Rows of a sheet a branch keeps, made score events: what ``jifen import`` appends and what it refuses.

``plan`` reads each sheet's header row (names as a recorder writes them: 姓名, 规则 or
项目, 日期, 次数, 分值, 等次, 备注, 记分员, or the fields' English ids), then each row
below it: the member by id or name, the rule as people name it (``book.find_rule``),
the date and numbers as people type them (``jifen.core.typed``). Values the sheet has
no column for come from ``given`` (``--rule``, ``--date`` … on the command line: a
sign-in sheet is a column of names). Each row is checked as ``jifen add`` checks an
event, against the log and the rows before it; a row that cannot be recorded is a
``Refusal`` naming its sheet, row and column.

Each event remembers its row: ``origin`` is ``<file>#<sheet>!<row>:<hash>``, where the
hash is of what the row records (member, rule, date, values, note), not of where it
stands, so a sheet saved again, renamed or re-sorted is still recognised; a row already
imported (its hash on one of the member's events) is counted in ``already`` and skipped.
Identical rows in one file are told apart by their order (the second 缺席 of the same
member on the same day is another record), so they are imported, and recognised, each once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jifen.book import find_rule
from jifen.core import roster, typed, validate
from jifen.core.model import Event, Member, Scheme, Source, Spine
from jifen.errors import JifenError
from jifen.store.sheets import Sheet

# What a column may hold, in the order the template writes them; ``member_id`` is read, not written.
COLUMNS = ("member", "rule", "date", "count", "points", "level", "measure", "ref", "note", "by")
# Header words a recorder's sheet may use for each field, besides the template's own (the catalogue's
# ``import.header.<field>`` in either language) and the field's id.
ALIASES: dict[str, tuple[str, ...]] = {
    "member": ("姓名", "党员姓名", "党员", "成员", "名字", "name"),
    "member_id": ("编号", "党员编号", "成员编号", "id", "member_id"),
    "rule": ("规则", "项目", "积分项目", "记分项目", "扣分项目", "加分项目", "规则编号", "规则名称", "rule_name"),
    "date": ("日期", "时间", "记录日期", "发生日期", "会议日期"),
    "count": ("次数", "数量"),
    "points": ("分值", "分数", "积分", "扣分", "加分"),
    "level": ("等次", "等级", "级别"),
    "measure": ("测量值", "比率", "出勤率"),
    "ref": ("同一事项", "荣誉", "事项编号"),
    "note": ("备注", "说明", "事由", "原因", "情况说明"),
    "by": ("记分员", "记录人", "登记人"),
}
TOTALS = ("得分", "总分", "合计", "排名", "score", "rank")  # a register's columns: totals, not records
# the detail sheet jifen writes beside a register: what each record counted, not what was recorded
COUNTED = ("计入", "counted")
HEADER_ROWS = 10  # the header is looked for in the first rows (a form's title and unit come first)
HASH_LENGTH = 16  # hex digits of a row's hash kept in ``origin``
_TIME = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")  # a time after a date (a date cell with a time, as CSV)

# Which column a check of the event blames, by the problem's code; the rule's by default.
_BLAMED = {"event.closed-period": "date", "event.future": "date", "event.unknown-subject": "member",
           "event.not-member-then": "member", "rule.range-needs-points": "points", "rule.range-outside": "points",
           "rule.fixed-takes-no-points": "points", "rule.zero-points": "points", "rule.bad-step": "points",
           "rule.range-takes-no-count": "count", "rule.count-too-big": "count", "rule.graded-needs-level": "level",
           "event.graded-twice": "level", "rule.rate-needs-measure": "measure"}


SHEET_CODES = frozenset(("import.no-header", "import.no-blank-column", "import.register", "import.detail"))  # a whole sheet


@dataclass(frozen=True)
class Refusal:
    """A row that cannot be recorded: where (sheet, 1-based row, 1-based column or 0 when the value
    came from the command line or is missing), the column's header as written ("" if none) and the
    field it holds, and why (a catalogue code)."""

    sheet: str
    row: int
    column: int
    header: str
    field: str
    code: str

    @property
    def whole_sheet(self) -> bool:
        """Whether this refuses a sheet as a whole (its header), not one of its rows."""
        return self.code in SHEET_CODES
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """What importing the sheets would do: the events to append, the rows refused, the rows already
    imported, and those left out because the ``blank`` column was filled in."""

    events: list[dict[str, Any]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    already: int = 0
    signed: int = 0
    examples: int = 0  # rows still holding the template's example (its note unchanged): never imported
    rules: dict[str, str] = field(default_factory=dict, repr=False)  # rule texts → the ids they name


def header_words(lang_words: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Each header word (normalised) → the field it names: ``lang_words`` (the template's headers
    in every language, by field), the aliases and the ids."""
    found: dict[str, str] = {}
    for name in (*COLUMNS, "member_id"):
        for word in (*lang_words.get(name, ()), *ALIASES.get(name, ()), name):
            found.setdefault(normal(word), name)
    return found


def normal(header: str) -> str:
    """A header as compared: ASCII forms, no spaces, no remark in brackets, lower case.

    >>> normal(" 分值（扣分写负数） "), normal("Member"), normal("日 期")
    ('分值', 'member', '日期')
    """
    text = typed.plain(header)
    text = re.sub(r"[(\[].*?[)\]]", "", text)
    return re.sub(r"\s+", "", text).lower()


def layout(sheet: Sheet, words: Mapping[str, str], blank: str | None) -> tuple[int, dict[str, int], int] | Refusal:
    """The header row of ``sheet`` (1-based), the column of each field found in it (1-based), and the
    ``blank`` column's (0 if none); a Refusal if no row of the first ones names the member."""
    for index, row in enumerate(sheet.rows[:HEADER_ROWS], start=1):
        found: dict[str, int] = {}
        for column, text in enumerate(row, start=1):
            name = words.get(normal(text))
            if name is not None and name not in found:
                found[name] = column
        if "member" in found or "member_id" in found:
            marked = next((c for c, t in enumerate(row, start=1) if blank and normal(t) == normal(blank)), 0)
            if blank and not marked:
                return Refusal(sheet.name, index, 0, blank, "", "import.no-blank-column", {"column": blank})
            if "rule" not in found and any(normal(t) in TOTALS for t in row):
                return Refusal(sheet.name, index, 0, "", "", "import.register")
            if any(normal(t) in COUNTED for t in row):
                return Refusal(sheet.name, index, 0, "", "", "import.detail")
            return index, found, marked
    return Refusal(sheet.name, 1, 0, "", "", "import.no-header")


def plan(sheets: list[Sheet], file_name: str, spine: Spine, members: Mapping[str, Member], scheme: Scheme,
         today: dt.date, given: Mapping[str, str | None], recorder: str, words: Mapping[str, str],
         blank: str | None = None, example_notes: tuple[str, ...] = ()) -> Plan:
    """What importing ``sheets`` (of the file called ``file_name``) into the log ``spine`` outlines
    would append and refuse (see the module's text). ``given``: a value for each field the sheet
    has no column for, or no value in; ``recorder``: who records a row that names nobody;
    ``example_notes``: the notes of the template's example row, a row still holding one is skipped."""
    found = Plan()
    known: dict[str, set[str]] = {}  # member → hashes of the rows already imported about them
    seen: dict[str, int] = {}  # a row's content → how many times it came before, in this file
    whole: dict[str, Any] = {}  # the whole log, if it had to be read
    for sheet in sheets:
        if not any(any(row) for row in sheet.rows):
            continue
        shape = layout(sheet, words, blank)
        if isinstance(shape, Refusal):
            found.refused.append(shape)
            continue
        top, columns, marked = shape
        headers = sheet.rows[top - 1]
        for number, row in enumerate(sheet.rows[top:], start=top + 1):
            cells = {name: row[c - 1].strip() if c - 1 < len(row) else "" for name, c in columns.items()}
            if not any(cells.values()):
                continue
            if marked and marked - 1 < len(row) and row[marked - 1].strip():
                found.signed += 1
                continue
            if cells.get("note") and cells["note"] in example_notes:  # the template's example, left in
                found.examples += 1
                continue
            made = _row(sheet, number, cells, columns, headers, members, scheme, today, given, recorder, found)
            if made is None:
                continue
            content = _content(made)
            order = seen[content] = seen.get(content, -1) + 1
            digest = _digest(f"{content}\n{order}")
            subject = made["subject"]
            if subject not in known:
                known[subject] = _imported(spine, subject, whole)
            if digest in known[subject]:
                found.already += 1
                continue
            place = f"{file_name}#{sheet.name}!{number}" if sheet.name else f"{file_name}!{number}"
            made["origin"] = f"{place}:{digest}"
            event = Event(id=spine.last_id + 1, source=Source("<import>", 0, 0), **made)
            wrong = validate.event_problems(spine, scheme, event, today, members)
            if wrong:
                for problem in wrong:
                    name = _BLAMED.get(problem.code, "rule")
                    found.refused.append(_refusal(sheet, number, name, columns, headers, problem.code, problem.args))
                continue
            found.events.append(made)
            known[subject].add(digest)
            spine = spine.plus(event)
    return found


def _row(sheet: Sheet, number: int, cells: dict[str, str], columns: Mapping[str, int], headers: tuple[str, ...],
         members: Mapping[str, Member], scheme: Scheme, today: dt.date, given: Mapping[str, str | None],
         recorder: str, found: Plan) -> dict[str, Any] | None:
    """The fields of the event row ``number`` records; None (and its refusals added) if it has none."""
    text = {name: cells.get(name) or (given.get(name) or "") for name in COLUMNS}
    wrong: list[Refusal] = []

    def refuse(name: str, code: str, **args: Any) -> None:
        wrong.append(_refusal(sheet, number, name, columns, headers, code, args))

    subject = None
    who, by_id = (cells["member_id"], "member_id") if cells.get("member_id") else (text["member"], "member")
    if not who:
        refuse("member", "import.missing", field=_field_word("member"))
    else:
        subject, candidates = roster.resolve(members, who)
        if subject is None and candidates:
            refuse(by_id, "cli.ambiguous-subject", text=who, ids=", ".join(candidates))
        elif subject is None:
            refuse(by_id, "cli.unknown-subject", text=who)
    rule = None
    if not text["rule"]:
        refuse("rule", "import.missing", field=_field_word("rule"))
    else:
        try:
            rule = _rule_id(scheme, text["rule"], found.rules)
        except JifenError as exc:
            refuse("rule", exc.code, **exc.args_)
    values: dict[str, Any] = {}
    readers = {"date": lambda t: typed.date(_TIME.sub("", t), today), "count": lambda t: typed.whole(t, field="count"),
               "points": typed.number, "measure": typed.number}
    for name, read in readers.items():
        if not text[name]:
            continue
        try:
            values[name] = read(text[name])
        except JifenError as exc:
            refuse(name, exc.code, **exc.args_)
    if not text["date"]:
        refuse("date", "import.missing", field=_field_word("date"))
    if wrong:
        found.refused.extend(wrong)
        return None
    return {"date": values["date"], "kind": "score", "subject": subject, "rule": rule,
            "count": values.get("count"), "points": values.get("points"), "level": text["level"] or None,
            "measure": values.get("measure"), "ref": text["ref"] or None, "note": text["note"] or None,
            "by": text["by"] or recorder}


def _imported(spine: Spine, subject: str, whole: dict[str, Any]) -> set[str]:
    """The row hashes on ``subject``'s events in the log: from the spine's index of them, or, where
    an event cannot be read alone, from the log itself (read once; under the append lock it cannot change)."""
    try:
        events: Any = spine.about(subject)
    except LookupError:
        if "events" not in whole:
            from pathlib import Path

            from jifen.store import ledger as ledger_io

            whole["events"] = ledger_io.parse(spine.path, Path(spine.path).read_bytes())[0].events
        events = [e for e in whole["events"] if e.subject == subject]
    return {e.origin.rsplit(":", 1)[-1] for e in events if e.origin}


def _rule_id(scheme: Scheme, text: str, known: dict[str, str]) -> str:
    """The id of the rule ``text`` names (``book.find_rule``), ``text`` if none does; ``known``: those
    found before (a sheet names the same few rules on many rows)."""
    if text not in known:
        found = find_rule(scheme, text)
        known[text] = found.id if found is not None else text
    return known[text]


def _field_word(name: str) -> Any:
    from jifen.messages import Word

    return Word(f"import.header.{name}")


def _refusal(sheet: Sheet, number: int, name: str, columns: Mapping[str, int], headers: tuple[str, ...],
             code: str, args: Mapping[str, Any]) -> Refusal:
    column = columns.get(name, 0)
    header = headers[column - 1] if column else ""
    return Refusal(sheet.name, number, column, header, "member" if name == "member_id" else name, code, dict(args))


def _content(fields: Mapping[str, Any]) -> str:
    """What a row records, as the text its hash is made of: every field but the recorder, numbers
    as their value (``-0.50`` is ``-0.5``), dates as ``YYYY-MM-DD``.

    >>> _content({"date": dt.date(2023, 5, 2), "subject": "m01", "points": Decimal("-0.50"), "by": "刘芳", "note": None})
    '{"date": "2023-05-02", "points": "-0.5", "subject": "m01"}'
    """
    plain = {k: format(v.normalize(), "f") if isinstance(v, Decimal) else str(v)
             for k, v in sorted(fields.items()) if k != "by" and v is not None}
    return json.dumps(plain, ensure_ascii=False)


def _digest(text: str) -> str:
    import blake3

    return blake3.blake3(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]
