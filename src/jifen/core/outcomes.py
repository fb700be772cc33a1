"""Year-end outcomes: grades with quotas, stars, eligibility for awards, and flags.

``annual(standings, year)`` ranks everyone scored in the year and decides, on
the shown score, what the scheme says follows from it. Pure, like the engine.

Quotas (at most 1/3 优秀): subjects are taken in rank order; a group tied at the
cut that would break the quota is not promoted, and each of them is flagged
``quota``; they get the next band down.
"""

from __future__ import annotations

import itertools
import math
import operator
from dataclasses import dataclass, field
from decimal import Decimal

from jifen.core import engine
from jifen.core.model import FlagRule, Score
from jifen.core.periods import Period

QUOTA_FLAG = "quota"
VETO_FLAG = "veto"
REVIEW_FLAG = "review"  # the yearly review's rating lowered the grade
UNREVIEWED_FLAG = "unreviewed"  # the grade waits for the yearly review


@dataclass(frozen=True)
class Outcome:
    """One subject's year: score, rank and what follows from them."""

    subject: str
    score: Score
    shown: Decimal
    rank: int
    grade: str | None
    stars: str | None
    eligible: bool
    flags: tuple[str, ...]
    flag_months: dict[str, list[str]] = field(default_factory=dict)


def annual(standings: engine.Standings, year: int) -> list[Outcome]:
    """Every subject scored in ``year``, best first, with grade, stars, eligibility and flags."""
    scheme = standings.scheme
    period = Period(year, "year", 1)
    ranked = standings.ranked(period)
    grades: dict[str, tuple[str | None, str | None]] = {}
    from_bottom: dict[str, int] = {}
    for ranking in standings.rankings(period):  # statuses ranked apart get their quotas and cuts apart
        grades.update(_reviewed(standings, _grades(standings, ranking), year))
        from_bottom.update(_from_bottom(ranking))
    cuts = _Cuts(standings)
    results = []
    for place in ranked:
        flags: list[str] = []
        months: dict[str, list[str]] = {}
        for rule in scheme.flags:
            if rule.role is not None and rule.role not in standings.members[place.subject].roles_between(period.start, period.end):
                continue
            if rule.per in ("month", "half"):
                hit = (_month_flag if rule.per == "month" else _half_flag)(standings, place.subject, year, rule, cuts)
                if hit:
                    flags.append(rule.flag)
                    months[rule.flag] = hit
            elif _year_flag(rule, place, from_bottom[place.subject], grades[place.subject][0]):
                flags.append(rule.flag)
        grade, demoted = grades[place.subject]
        if demoted in (QUOTA_FLAG, VETO_FLAG, REVIEW_FLAG, UNREVIEWED_FLAG):
            flags.append(demoted)
        results.append(
            Outcome(
                subject=place.subject,
                score=place.score,
                shown=place.shown,
                rank=place.rank,
                grade=grade,
                stars=engine.grade(place.shown, scheme.stars) if scheme.stars else None,
                eligible=_eligible(standings, place, flags),
                flags=tuple(flags),
                flag_months=months,
            )
        )
    return results


def placed(standings: engine.Standings, year: int, subject: str) -> tuple[str | None, int] | None:
    """``subject``'s grade and rank in ``year``, as ``annual`` decides them (None if not ranked), without
    deciding everyone else's flags, stars and eligibility: a statement shows only its own."""
    period = Period(year, "year", 1)
    place = standings.standing(subject, period)
    if place is None:
        return None
    # statuses ranked apart are graded apart (found by identity: an equality test would make every score)
    ranking = next(r for r in standings.rankings(period) if any(p is place for p in r))
    grade, _ = _reviewed(standings, _grades(standings, ranking), year)[subject]
    return grade, place.rank


def _grades(standings: engine.Standings, ranked: list[engine.Standing]) -> dict[str, tuple[str | None, str | None]]:
    """Each subject's band, after veto disqualification and quotas; and why it was lowered, if it was."""
    bands = standings.scheme.grades
    placed: dict[str, tuple[int | None, str | None]] = {}
    for place in ranked:
        index = engine.band_index(place.shown, bands)
        reason = None
        if index == 0 and len(bands) > 1 and _disqualified(standings, place):
            index, reason = 1, VETO_FLAG
        placed[place.subject] = (index, reason)
    for index, band in enumerate(bands):
        if band.quota is None:
            continue
        allowed = math.floor(band.quota * len(ranked))
        holders = sorted((p for p in ranked if placed[p.subject][0] == index), key=operator.attrgetter("rank"))
        taken = 0
        for _, tied in itertools.groupby(holders, key=operator.attrgetter("rank")):  # best first, a tie at a time
            group = list(tied)
            if taken + len(group) <= allowed:
                taken += len(group)
                continue
            for place in group:
                lower = index + 1 if index + 1 < len(bands) else None
                placed[place.subject] = (lower, QUOTA_FLAG)
            allowed = taken  # nobody below the cut may take the places either
    return {s: (bands[i].name if i is not None else None, why) for s, (i, why) in placed.items()}


def reviews(standings: engine.Standings, year: int) -> dict[str, str]:
    """Each member's rating in the scheme's yearly review of ``year`` (the first that counts)."""
    review = standings.scheme.review
    found: dict[str, str] = {}
    if review is None:
        return found
    for event in standings.resolution.counted:
        if event.kind == "eval" and event.panel == review.panel and event.period == str(year) and event.rating:
            found.setdefault(event.subject or "", event.rating)
    return found


def _reviewed(standings: engine.Standings, grades: dict[str, tuple[str | None, str | None]],
              year: int) -> dict[str, tuple[str | None, str | None]]:
    """The grades combined with the yearly review, where the scheme has one: the lower of the points'
    band (after quotas) and the rating; no grade until the rating is in. A place a rating takes out of
    a band with a quota is not given to anyone else: the quota is of the points' bands."""
    review = standings.scheme.review
    if review is None:
        return grades
    names = [b.name for b in standings.scheme.grades]
    given = reviews(standings, year)
    combined: dict[str, tuple[str | None, str | None]] = {}
    for subject, (grade, why) in grades.items():
        rating = given.get(subject)
        if rating is None:
            combined[subject] = (None, UNREVIEWED_FLAG)
        elif grade is not None and names.index(rating) > names.index(grade):
            combined[subject] = (rating, REVIEW_FLAG)
        else:
            combined[subject] = (grade, why)
    return combined


def _disqualified(standings: engine.Standings, place: engine.Standing) -> bool:
    return standings.scheme.veto_effect == "disqualify" and place.score.veto


def _eligible(standings: engine.Standings, place: engine.Standing, flags: list[str]) -> bool:
    scheme = standings.scheme
    if place.score.veto:
        return False
    if scheme.eligible_min is not None and place.shown < scheme.eligible_min:
        return False
    if scheme.eligible_min_base and place.score.total < standings.base(place.subject, place.score.period):
        return False
    return not any(rule.ineligible and rule.flag in flags for rule in scheme.flags)


def has_eligibility(standings: engine.Standings) -> bool:
    """Whether the scheme says anything about eligibility for awards."""
    scheme = standings.scheme
    return (
        scheme.eligible_min is not None
        or scheme.eligible_min_base
        or scheme.veto_effect == "disqualify"
        or any(rule.ineligible for rule in scheme.flags)
    )


def _from_bottom(ranked: list[engine.Standing]) -> dict[str, int]:
    """Each subject's place counted from the bottom, equal scores sharing it (1, 2, 2, 4 from the last):
    so that a bottom-N cut, like a top-N one, takes in everyone tied at it."""
    places: dict[str, int] = {}
    below = 0  # subjects scoring less than the ones being placed
    for index, place in enumerate(reversed(ranked)):
        if index and place.shown != ranked[len(ranked) - index].shown:
            below = index
        places[place.subject] = below + 1
    return places


def _year_flag(rule: FlagRule, place: engine.Standing, from_bottom: int, grade: str | None) -> bool:
    """Whether a year's flag falls on ``place`` (``from_bottom``: its place counted from the last;
    ``grade``: the band it holds after quotas)."""
    if rule.grade is not None and grade != rule.grade:
        return False
    if rule.veto and place.score.veto:
        return True
    if rule.below is not None and place.shown < rule.below:
        return True
    if rule.top is not None and place.rank <= rule.top:
        return True
    return rule.bottom is not None and from_bottom <= rule.bottom


class _Cuts:
    """What every subject's month and half flags ask of a period's whole ranking, worked out once a
    period: each subject going through everyone's places again made a year's flags quadratic in the
    members (2,000 members under ecommerce-stars: 3.4 s)."""

    def __init__(self, standings: engine.Standings) -> None:
        self.standings = standings
        self._from_bottom: dict[Period, dict[str, int]] = {}
        self._tied: dict[Period, bool] = {}

    def from_bottom(self, period: Period) -> dict[str, int]:
        """Each subject ranked in ``period`` by its place counted from the last (``_from_bottom``)."""
        if period not in self._from_bottom:
            self._from_bottom[period] = _from_bottom(self.standings.ranked(period))
        return self._from_bottom[period]

    def all_tied(self, period: Period) -> bool:
        """Whether two or more are ranked in ``period``, all of the same rank (one alone ties with nobody)."""
        if period not in self._tied:
            ranked = self.standings.ranked(period)
            self._tied[period] = len(ranked) > 1 and len({place.rank for place in ranked}) == 1
        return self._tied[period]


def _half_flag(standings: engine.Standings, subject: str, year: int, rule: FlagRule, cuts: _Cuts) -> list[str]:
    """The halves (YYYYH1, YYYYH2) of ``year`` in which ``subject``'s half-year score meets ``rule``
    (半年测评: below, or top/bottom N by the half's rank, ties at the cut all in); only ``rule.half`` if given."""
    hits = []
    for half in Period(year, "year", 1).parts("half"):
        if rule.half is not None and half.index != rule.half:
            continue
        place = standings.standing(subject, half)
        if place is not None and _year_flag(rule, place, cuts.from_bottom(half)[subject], None):
            hits.append(str(half))
    return hits


def _month_flag(standings: engine.Standings, subject: str, year: int, rule: FlagRule, cuts: _Cuts) -> list[str]:
    """The months (YYYY-MM) that complete a run of ``rule.months_running`` months meeting the rule."""
    hits: list[str] = []
    run = 0
    member = standings.members[subject]
    for month in Period(year, "year", 1).parts("month"):
        if not member.in_span(month.start, month.end):
            run = 0
            continue
        run = run + 1 if _month_meets(standings, subject, month, rule, cuts) else 0
        if run >= rule.months_running:
            hits.append(str(month))
    return hits


def _month_meets(standings: engine.Standings, subject: str, month: Period, rule: FlagRule, cuts: _Cuts) -> bool:
    if rule.deductions_over is not None and -standings.deductions(subject, month) > rule.deductions_over:
        return True
    if rule.below is not None:
        shown = engine.shown(standings.score(subject, month).total, standings.scheme.precision)
        if shown < rule.below:
            return True
    if rule.rank_at_most is not None:
        place = standings.standing(subject, month)
        if place is None or place.rank > rule.rank_at_most:
            return False
        # a month in which everyone ranked ties (nothing recorded that sets anyone apart) ranks nobody
        # first: otherwise a run of quiet months flags the whole branch
        return not cuts.all_tied(month)
    return False
