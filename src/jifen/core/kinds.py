"""Event kinds of the log, one entry each, registered in ``KINDS``: what an event *is* and *does*.

An entry says everything the rest of jifen needs to know of a kind:

- ``required`` and ``optional``: its fields, besides those every event has
  (``id``, ``date``, ``kind``, ``by``) and those any event may have (``note``,
  ``late``). Each field's type is in ``FIELDS``, the same for every kind.
- ``counts``: what it is to the replay (``score``, ``veto``, ``eval``,
  ``exempt``), or None. A ``declare`` counts as a score once approved.
- ``member``: whether its ``subject`` must belong to the branch on its date.
- ``targets``: the kinds an event of this kind may name by ``target``, and
  ``effect``, what it does to that target (see ``jifen.core.corrections``).
- ``touches``: which quarters it changes: those of its own date (``date``),
  those its target touches (``target``), or none.
- ``group``: ``bulk`` (the many events no later check looks through),
  ``roster`` (membership is replayed from them) or ``spine`` (the header,
  corrections and workflow: what a check of a new event looks through).

Its words are the catalogue entries ``kind.<name>`` (a label) and
``log.<name>`` (one event as a sentence). Adding a kind is adding an entry
here, its booking in ``jifen.core.engine`` if it counts, its words, and its command.
"""

from __future__ import annotations

from typing import NamedTuple

# Every field an event may have, with its type, in the order the canonical text writes them.
FIELDS: dict[str, str] = {
    "id": "int",
    "date": "date",
    "kind": "text",
    "subject": "text",
    "name": "text",
    "role": "text",
    "group": "text",
    "status": "text",
    "scheme": "text",
    "scheme_hash": "text",
    "effective": "date",
    "subjects": "subjects",
    "above": "text",
    "rule": "text",
    "count": "count",
    "points": "decimal",
    "level": "text",
    "measure": "decimal",
    "panel": "text",
    "score": "decimal",
    "rating": "text",
    "item": "text",
    "aspects": "aspects",
    "period": "period",
    "ref": "text",
    "target": "int",
    "decision": "decision",
    "days": "count",
    "reason": "text",
    "late": "text",
    "note": "text",
    "origin": "text",  # where an imported event came from: "<file>#<sheet>!<row>:<hash of the row>"
    "by": "text",
}
FIELD_ORDER = tuple(FIELDS)
DECIMAL_FIELDS = tuple(name for name, type_ in FIELDS.items() if type_ == "decimal")
DATE_FIELDS = tuple(name for name, type_ in FIELDS.items() if type_ == "date")

# Every event has these; ``by`` (who recorded it) is also the last line of every event the tool
# writes, which is how a torn last event is recognised. Any event may have a note and be late.
COMMON = ("id", "date", "kind", "by")
ANY = ("note", "late")
# What a rule's kind reads from a scored event, and what a correction may change of it.
RULE_VALUES = ("count", "points", "level", "measure")
SCORE_VALUES = (*RULE_VALUES, "ref")  # what a score event may give besides its rule
CHANGES = ("rule", *RULE_VALUES)
SCORED_FIELDS = ("rule", *SCORE_VALUES)

DECISIONS = ("upheld", "rejected")
DECISION_WORDS = {"支持": "upheld", "驳回": "rejected"}  # a decision as a Chinese recorder says it
PANEL_WORDS = {"自评": "self", "互评": "peer", "群众": "masses", "群众评议": "masses", "民主评议": "democratic",
               "督查": "inspection", "考试": "exam"}  # the panels' ids, as a Chinese recorder says them


def decision(text: str) -> str:
    """The decision id of ``text`` (支持 → upheld, 驳回 → rejected; ids as they are)."""
    return DECISION_WORDS.get(text.strip(), text.strip())


def panel(text: str) -> str:
    """The panel id of ``text`` (自评 → self, 互评 → peer, 群众 → masses …; ids as they are)."""
    return PANEL_WORDS.get(text.strip(), text.strip())
SUBJECT_KINDS = ("members", "branches")
# A person's standing towards the party, in the order a person passes through them; a member of the roll
# with no status given is a full member (正式党员), as every member was before statuses were recorded.
STATUSES = ("activist", "candidate", "probationary", "full")
MEMBER_STATUSES = ("probationary", "full")  # who a scheme scores unless it says otherwise: party members
STATUS_WORDS = {"入党积极分子": "activist", "积极分子": "activist", "发展对象": "candidate", "预备党员": "probationary",
                "正式党员": "full"}  # the statuses' ids, as a Chinese recorder says them
FULL = "full"


def status(text: str) -> str:
    """The status id of ``text`` (入党积极分子 → activist, 预备党员 → probationary …; ids as they are)."""
    return STATUS_WORDS.get(text.strip(), text.strip())


class Kind(NamedTuple):
    """One kind of event (see the module's text). A NamedTuple, not a frozen dataclass: defining
    one costs every command ~1 ms on Python 3.11, and this module is read by every jifen add."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    counts: str | None = None
    member: bool = False
    targets: tuple[str, ...] = ()
    effect: str | None = None  # cancel, approve, replace, object, rule
    touches: str | None = None  # date, target
    group: str = "spine"

    @property
    def fields(self) -> frozenset[str]:
        """Every field an event of this kind may have."""
        return frozenset(COMMON + self.required + self.optional + ANY)

    @property
    def needed(self) -> tuple[str, ...]:
        """The fields an event of this kind must have."""
        return COMMON + self.required


SCORED = ("score", "declare", "amend")  # kinds that stand for a score (an amend, for the one it replaces)
CORRECTABLE = ("score", "declare", "veto", "eval", "amend")  # what a revoke or an appeal may name

KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("open", ("name", "scheme"), ("subjects", "above", "scheme_hash")),
    Kind("join", ("subject", "name"), ("role",), group="roster"),
    Kind("leave", ("subject", "reason"), member=True, group="roster"),
    # posts, groups and statuses over time (jifen.core.roster): a role or group held from the date on,
    # until an unrole or ungroup of the same dated when it no longer holds, or a leave
    Kind("role", ("subject", "role"), member=True, group="roster"),
    Kind("unrole", ("subject", "role"), member=True, group="roster"),
    Kind("group", ("subject", "group"), member=True, group="roster"),
    Kind("ungroup", ("subject", "group"), member=True, group="roster"),
    Kind("status", ("subject", "status"), member=True, group="roster"),
    Kind("score", ("subject", "rule"), (*SCORE_VALUES, "origin"), counts="score", member=True, touches="date", group="bulk"),
    Kind("declare", ("subject", "rule"), SCORE_VALUES, member=True, touches="date", group="bulk"),
    Kind("approve", ("target",), targets=("declare",), effect="approve", touches="target"),
    Kind("reject", ("target", "reason"), targets=("declare",), effect="cancel", touches="target"),
    Kind("eval", ("subject", "panel"), ("score", "rating", "aspects", "period"), counts="eval", touches="date", group="bulk"),
    Kind("veto", ("subject", "reason"), counts="veto", member=True, touches="date", group="bulk"),
    Kind("exempt", ("subject", "reason"), ("period",), counts="exempt", member=True, touches="date"),
    Kind("revoke", ("target", "reason"), targets=(*CORRECTABLE, "redeem"), effect="cancel", touches="target"),
    Kind("amend", ("target", "reason"), SCORED_FIELDS, targets=SCORED, effect="replace",
         touches="target"),
    Kind("notice", ("period",), ("days",)),
    Kind("appeal", ("target", "subject", "reason"), member=True, targets=CORRECTABLE, effect="object",
         touches="target"),
    Kind("ruling", ("target", "decision", "reason"), SCORED_FIELDS, targets=("appeal",),
         effect="rule", touches="target"),
    Kind("close", ("period",)),
    Kind("adopt", ("scheme", "scheme_hash", "effective"), ("reason",)),
    # points spent on a gift of the exchange catalogue (积分兑换); ``points`` its price then. Spending counts
    # for the balance (jifen.core.exchange), never for the score that grades
    Kind("redeem", ("subject", "item", "points"), member=True),
)}


def kinds_where(**wanted: object) -> tuple[str, ...]:
    """The names of the kinds whose attributes have the values given, in table order.

    >>> kinds_where(group="roster")[:2], kinds_where(counts="veto")
    (('join', 'leave'), ('veto',))
    """
    return tuple(k.name for k in KINDS.values() if all(getattr(k, a) == v for a, v in wanted.items()))


BULK_KINDS = kinds_where(group="bulk")
ROSTER_KINDS = kinds_where(group="roster")
OUTSIDE_SPINE = BULK_KINDS + ROSTER_KINDS  # the kinds a ``Spine``'s events leave out
COUNTED = tuple(k.name for k in KINDS.values() if k.counts)  # counted as recorded, without approval
TOUCHING = kinds_where(touches="date")  # counted for the period of their own date
REWRITES = tuple(k.name for k in KINDS.values() if k.effect not in (None, "object"))  # change what counts
