"""The replay against scheme S1: the issue's worked examples, then properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jifen.core import engine
from jifen.core.periods import Period

Q = [Period.parse(f"2023Q{i}") for i in range(1, 5)]
YEAR = Period.parse("2023")


def quarters(standings, subject):
    return [standings.score(subject, q).total for q in Q]


def test_example_a_categories_bonus_dedupe_and_year(log, s1):
    log.join("A")
    log.score("A", "study.absent", "2023-01-10", count=2)
    log.score("A", "service.complaint", "2023-02-03")
    log.score("A", "honor.provincial", "2023-03-01", ref="award")
    log.score("A", "honor.city", "2023-03-02", ref="award")
    standings = engine.replay(log.events, s1)
    q1 = standings.score("A", Q[0])
    assert q1.categories == {
        "study": 8, "service": 18, "duty": 20, "work": 30, "integrity": 10, "pledge": 10, "bonus": 5,
    }
    assert quarters(standings, "A") == [101, 100, 100, 100]
    year = standings.score("A", YEAR).total
    assert year == Decimal("100.25")
    assert engine.grade(engine.shown(year, 2), s1.grades) == "优秀"


def test_example_a_lower_level_after_higher_adds_nothing(log, s1):
    log.join("A")
    log.score("A", "honor.city", "2023-03-01", ref="award")
    log.score("A", "honor.provincial", "2023-03-02", ref="award")
    log.score("A", "honor.city", "2023-03-03", ref="award")
    assert engine.replay(log.events, s1).score("A", Q[0]).total == 105


def test_example_b_category_floors_at_zero(log, s1):
    log.join("B")
    for rule in ("work.key", "work.daily", "work.temporary", "work.daily"):
        log.score("B", rule, "2023-02-01")
    q1 = engine.replay(log.events, s1).score("B", Q[0])
    assert q1.categories["work"] == 0
    assert q1.total == 70


def test_example_c_bonus_caps_quarter_and_year(log, s1):
    log.join("C")
    for i in range(3):
        log.score("C", "honor.national", "2023-02-01", ref=f"award-{i}")
    log.score("C", "honor.provincial", "2023-05-01", ref="award-q2")
    standings = engine.replay(log.events, s1)
    assert standings.score("C", Q[0]).categories["bonus"] == 20
    assert standings.score("C", Q[1]).categories["bonus"] == 0
    assert quarters(standings, "C") == [120, 100, 100, 100]


def test_year_cap_credits_in_date_order_across_quarters(log, s1):
    log.join("C")
    log.score("C", "honor.national", "2023-02-01", ref="a")
    log.score("C", "honor.national", "2023-05-01", ref="b")
    log.score("C", "honor.national", "2023-08-01", ref="c")  # 8 + 8 = 16: only 4 of these left
    log.score("C", "honor.company", "2023-11-01", ref="d")
    standings = engine.replay(log.events, s1)
    assert [standings.score("C", q).categories["bonus"] for q in Q] == [8, 8, 4, 0]


def test_example_d_veto_zeroes_quarter_and_year(log, s1):
    log.join("D")
    log.veto("D", "2023-08-01")
    standings = engine.replay(log.events, s1)
    assert quarters(standings, "D") == [100, 100, 0, 100]
    assert standings.score("D", YEAR).total == 0
    assert standings.score("D", YEAR).veto
    assert engine.grade(Decimal(0), s1.grades) == "不合格"


def test_example_e_revoke_restores(log, s1):
    log.join("A")
    log.score("A", "study.absent", "2023-01-10", count=2)
    complaint = log.score("A", "service.complaint", "2023-02-03")
    log.score("A", "honor.provincial", "2023-03-01", ref="award")
    log.score("A", "honor.city", "2023-03-02", ref="award")
    log.revoke(complaint.id)
    standings = engine.replay(log.events, s1)
    assert standings.score("A", Q[0]).total == 103
    assert engine.grade(engine.shown(standings.score("A", YEAR).total, 2), s1.grades) == "优秀"


def test_revoked_veto_does_not_count(log, s1):
    log.join("D")
    veto = log.veto("D", "2023-08-01")
    log.revoke(veto.id)
    assert engine.replay(log.events, s1).score("D", YEAR).total == 100


def test_discretionary_points_and_half_points(log, s1):
    log.join("A")
    log.score("A", "study.quality", "2023-01-05", points="-0.5")
    log.score("A", "service.other", "2023-01-06", points="-1.5")
    assert engine.replay(log.events, s1).score("A", Q[0]).total == Decimal("98")


def test_month_table_is_scored_on_its_own_events(log, s1):
    log.join("A")
    log.score("A", "study.absent", "2023-01-10")
    log.score("A", "study.absent", "2023-02-10", count=3)
    standings = engine.replay(log.events, s1)
    assert standings.score("A", Period.parse("2023-01")).total == 99
    assert standings.score("A", Period.parse("2023-02")).total == 97
    assert standings.score("A", Period.parse("2023-03")).total == 100
    assert standings.score("A", Q[0]).total == 96


def test_member_who_joined_mid_year_is_averaged_over_quarters_belonged(log, s1):
    log.join("N", "2023-07-10")
    log.score("N", "study.absent", "2023-08-01", count=4)
    standings = engine.replay(log.events, s1)
    assert standings.subjects(Q[0]) == []
    assert standings.subjects(Q[2]) == ["N"]
    year = standings.score("N", YEAR)
    assert year.parts == {"2023Q3": 96, "2023Q4": 100}
    assert year.total == 98


def test_member_who_left_is_not_in_later_periods(log, s1):
    log.join("L")
    log.leave("L", "2023-09-30")
    standings = engine.replay(log.events, s1)
    assert standings.subjects(Q[2]) == ["L"]
    assert standings.subjects(Q[3]) == []
    assert list(standings.score("L", YEAR).parts) == ["2023Q1", "2023Q2", "2023Q3"]


def test_weights_of_the_scheme_are_used(log, s1):
    import dataclasses

    weighted = dataclasses.replace(s1, weights={1: Decimal(1), 2: Decimal(1), 3: Decimal(1), 4: Decimal(2)})
    log.join("A")
    log.score("A", "work.temporary", "2023-11-01")
    assert engine.replay(log.events, weighted).score("A", YEAR).total == Decimal("98")  # (300 + 2*95) / 5


def test_running_score_until_an_event(log, s1):
    log.join("A")
    first = log.score("A", "study.absent", "2023-01-10")
    log.score("A", "study.absent", "2023-01-20")
    standings = engine.replay(log.events, s1)
    assert standings.score("A", Q[0], until=first).total == 99
    assert standings.score("A", Q[0]).total == 98


def test_shown_rounds_half_up_and_ranks_share():
    assert engine.shown(Decimal("92.445"), 2) == Decimal("92.45")
    assert engine.shown(Decimal("92.444"), 2) == Decimal("92.44")
    assert engine.shown(Decimal("0.5"), 0) == Decimal("1")
    assert engine.ranks({"a": Decimal(1), "b": Decimal(1), "c": Decimal(0)}) == {"a": 1, "b": 1, "c": 3}


def test_grade_band_edges(s1):
    cases = {"98": "优秀", "97.99": "良好", "95": "良好", "94.99": "合格", "92": "合格", "91.99": "不合格", "0": "不合格"}
    for score, name in cases.items():
        assert engine.grade(Decimal(score), s1.grades) == name, score


# --- properties ---------------------------------------------------------------

RULES = ["study.absent", "service.complaint", "duty.speech", "work.key", "work.daily", "integrity.complaints",
         "pledge.broken", "honor.national", "honor.provincial", "honor.city", "study.quality"]
MEMBERS = ["m1", "m2", "m3"]

record = st.tuples(
    st.sampled_from(MEMBERS),
    st.sampled_from(RULES + ["veto", "revoke"]),
    st.dates(min_value=__import__("datetime").date(2023, 1, 1), max_value=__import__("datetime").date(2023, 12, 31)),
    st.integers(min_value=1, max_value=4),
    st.sampled_from(["r1", "r2", None]),
)


def build(log, records):
    for member in MEMBERS:
        log.join(member)
    for member, rule, day, count, ref in records:
        date = day.isoformat()
        if rule == "veto":
            log.veto(member, date)
        elif rule == "revoke":
            targets = [e.id for e in log.events if e.kind in ("score", "veto")]
            if targets:
                log.revoke(targets[count % len(targets)], date)
        elif rule == "study.quality":
            log.score(member, rule, date, points=f"-{count}.5")
        elif rule.startswith("honor."):
            log.score(member, rule, date, ref=ref)
        else:
            log.score(member, rule, date, count=count)
    return log.events


def all_scores(standings):
    periods = [*Q, YEAR, *(Period(2023, "month", m) for m in range(1, 13))]
    return {(m, str(p)): standings.score(m, p).total for m in MEMBERS for p in periods}


@settings(max_examples=60, deadline=None)
@given(st.lists(record, max_size=40))
def test_s1_scores_stay_within_0_and_120(records):
    from jifen.store import scheme
    from tests.conftest import Log

    s1 = scheme.load_valid(scheme.shipped_dir() / "quantified-2023.yaml")
    standings = engine.replay(build(Log(), records), s1)
    for value in all_scores(standings).values():
        assert 0 <= value <= 120


@settings(max_examples=60, deadline=None)
@given(st.lists(record, max_size=40), st.randoms(use_true_random=False))
def test_order_of_same_day_events_does_not_change_scores(records, rnd):
    from jifen.store import scheme
    from tests.conftest import Log

    s1 = scheme.load_valid(scheme.shipped_dir() / "quantified-2023.yaml")
    records = [r for r in records if r[1] != "revoke"]
    events = build(Log(), records)
    by_day: dict = {}
    for event in events:
        by_day.setdefault(event.date, []).append(event)
    shuffled = []
    for day in sorted(by_day):
        group = by_day[day][:]
        rnd.shuffle(group)
        shuffled += group
    # same-day events recorded in another order get other ids: renumber in the new order
    import dataclasses

    renumbered = [dataclasses.replace(e, id=i + 1) for i, e in enumerate(shuffled)]
    assert all_scores(engine.replay(events, s1)) == all_scores(engine.replay(renumbered, s1))


@settings(max_examples=60, deadline=None)
@given(st.lists(record, max_size=40), st.integers(min_value=0, max_value=45))
def test_prefix_then_rest_equals_whole(records, cut):
    from jifen.store import scheme
    from tests.conftest import Log

    s1 = scheme.load_valid(scheme.shipped_dir() / "quantified-2023.yaml")
    events = build(Log(), records)
    cut = min(cut, len(events))
    whole = engine.replay(events, s1)
    stepwise = engine.replay(events[:cut], s1).extend(events[cut:])
    assert all_scores(stepwise) == all_scores(whole)


def test_extend_in_date_order_keeps_booked_state(log, s1):
    log.join("C")
    log.score("C", "honor.national", "2023-02-01", ref="a")
    first = engine.replay(log.events, s1)
    log.score("C", "honor.national", "2023-02-02", ref="b")
    log.score("C", "honor.national", "2023-02-03", ref="c")
    later = first.extend(log.events[-2:])
    assert later.score("C", Q[0]).categories["bonus"] == 20
    assert first.score("C", Q[0]).categories["bonus"] == 8  # the earlier standings are untouched



# --- running scores (``Standings.running``) against ``score(until=…)`` ---------------------------------

# quarterly S1 (bonus caps, ref-dedupe, veto zeroes the quarter), the monthly schemes (secretary's
# shares, items), clear-year vetoes, progressive rules with items, evaluations and a required total
RUNNING_SCHEMES = ["quantified-2023", "bianban-monthly", "yongzhou-2018", "chaiqian-2019", "dongli-branch-2023",
                   "township-branch", "longkou-8"]
ACTIONS = ["score"] * 6 + ["veto", "revoke", "amend", "declare", "approve", "eval"]

happening = st.tuples(
    st.integers(min_value=0, max_value=2),  # who
    st.sampled_from(ACTIONS),
    st.dates(min_value=__import__("datetime").date(2023, 1, 1), max_value=__import__("datetime").date(2024, 3, 31)),
    st.integers(min_value=0, max_value=1000),  # which rule, target, panel…
    st.integers(min_value=0, max_value=1000),  # how much
)


def _scored_fields(rule, how: int) -> dict:
    """Fields of a valid score event under ``rule``, picked by ``how``."""
    params = rule.params
    if rule.kind == "range":
        low, high = params["min"], params["max"]
        return {"points": low + (high - low) * (how % 5) / 4}
    if rule.kind == "graded":
        return {"level": sorted(params["levels"])[how % len(params["levels"])]}
    if rule.kind == "rate":
        return {"measure": params["threshold"] - Decimal(how % 7)}
    return {"count": how % 3 + 1}


def _replayed(scheme_id: str, happenings) -> tuple:
    """The shipped scheme ``scheme_id``, the log ``running_log`` makes of ``happenings`` under it, and its replay."""
    from jifen.store import scheme as scheme_io

    scheme = scheme_io.load_valid(scheme_io.shipped_dir() / f"{scheme_id}.yaml")
    events = running_log(scheme, happenings)
    return scheme, events, engine.replay(events, scheme)


def running_log(scheme, happenings) -> list:
    """A log of three members (the first a secretary, the second of the first role the scheme's bases
    name, if any) and ``happenings`` turned into valid events."""
    from tests.conftest import Log

    log = Log()
    log._add("join", "2023-01-01", subject="m0", name="m0", role="secretary")
    roles = [r for c in scheme.categories for r in c.base if r]  # a base the scheme gives by role (soe-monthly's base80)
    log._add("join", "2023-01-01", subject="m1", name="m1", **({"role": roles[0]} if roles else {}))
    log.join("m2")
    score_rules = [r for c in scheme.categories for r in c.rules]
    panels = [(c, p) for c in scheme.categories if c.type == "evaluation" for p in c.panels]
    for who, action, day, pick, how in happenings:
        subject, date = f"m{who}", day.isoformat()
        scores = [e.id for e in log.events if e.kind in ("score", "declare")]
        if action in ("score", "declare"):
            rule = score_rules[pick % len(score_rules)]
            ref = f"r{how % 3}" if how % 4 else None
            log._add(action, date, subject=subject, rule=rule.id, ref=ref, **_scored_fields(rule, how))
        elif action == "veto":
            log.veto(subject, date)
        elif action in ("revoke", "approve") and scores:
            log._add(action, date, target=scores[pick % len(scores)], reason="r")
        elif action == "amend" and scores:
            rule = score_rules[how % len(score_rules)]
            log._add("amend", date, target=scores[pick % len(scores)], rule=rule.id, reason="r",
                     **_scored_fields(rule, how))
        elif action == "eval" and panels:
            category, panel = panels[pick % len(panels)]
            period = [None, f"{day.year}", f"{day.year}Q{(day.month - 1) // 3 + 1}", f"{day.year}-{day.month:02d}"]
            given = {"rating": sorted(category.ratings)[how % len(category.ratings)]} if category.ratings and how % 2 else {
                "score": Decimal(how % (int(category.out_of) + 1))}
            if category.aspects and how % 3:  # a form aspect by aspect: whole, or (every fourth) lacking its last aspect
                names = list(category.aspects)[: len(category.aspects) - (how % 4 == 0)]
                given = {"aspects": " ".join(f"{n}={(how + i) % (int(category.aspects[n]) + 1)}" for i, n in enumerate(names))}
            log._add("eval", date, subject=subject, panel=panel, period=period[how % 4], **given)
    return log.events


def test_running_scores_keep_a_panel_with_a_form_lacking_aspects_missing():
    """A peer's longkou form without 服务社会 keeps the peer panel 未评 in the running scores as in
    ``score`` (a case the generated logs of the test below reach only now and then)."""
    import datetime as dt

    from jifen.store import scheme as scheme_io

    scheme = scheme_io.load_valid(scheme_io.shipped_dir() / "longkou-8.yaml")
    events = running_log(scheme, [(1, "eval", dt.date(2023, 5, 1), 1, 4)])  # how 4: a form lacking its last aspect
    assert events[-1].aspects is not None and "服务社会" not in events[-1].aspects
    standings = engine.replay(events, scheme)
    for event, (fast,) in standings.running("m1", events, ["year"]):
        assert fast == standings.score("m1", Period(2023, "year", 1), until=event)
    assert fast.missing == ("self", "peer", "masses")


@pytest.mark.parametrize("scheme_id", RUNNING_SCHEMES)
@settings(max_examples=40, deadline=None)
@given(happenings=st.lists(happening, max_size=50))
def test_running_scores_equal_score_until_each_event(scheme_id, happenings):
    scheme, events, standings = _replayed(scheme_id, happenings)
    kinds = [k for k in ("year", "quarter", "month") if Period(2023, k, 1).is_within(scheme.period)]
    # every event as a point in time, and the scores an amendment stands for (dated as their target)
    until = [*events, *standings.resolution.counted]
    for subject in ("m0", "m1", "m2"):
        for event, scores in standings.running(subject, until, kinds):
            for kind, fast in zip(kinds, scores):
                slow = standings.score(subject, Period.of(event.date, kind), until=event)
                assert (fast, str(fast.total)) == (slow, str(slow.total)), (subject, event, kind)


# --- every score against the plain sum of its entries (``score``'s shortcuts) -----------------------


def plain_score(standings, subject, period, until=None):
    """``subject``'s score over ``period`` worked out the plain way, with none of ``score``'s shortcuts
    (no values kept per role, no parts skipped for having no vetoes): each category's value from the
    sum of the entries booked inside ``period``, weighted into the total; a longer period combines
    its scoring periods by the annual method."""
    from jifen.core import categories
    from jifen.core.model import Score
    from jifen.core.numbers import shown

    scheme, zero = standings.scheme, Decimal(0)
    if not period.is_within(scheme.period):
        member = standings.members.get(subject)
        parts = [p for p in period.parts(scheme.period) if member is not None and member.in_span(p.start, p.end)]
        scores = [plain_score(standings, subject, p, until) for p in parts]
        weights = [scheme.weights.get(p.index, Decimal(1)) for p in parts]

        def combine(values):
            values = [shown(v, scheme.precision) for v in values] if scheme.annual_on_shown else values
            if scheme.annual_method == "sum":
                return sum(values, zero)
            weight = sum(weights, zero)
            return sum((v * w for v, w in zip(values, weights)), zero) / weight if values and weight else zero

        total = zero if standings._zeroed(subject, period, until) else combine([s.total for s in scores])
        return Score(subject, period, total, {c.id: combine([s.categories[c.id] for s in scores]) for c in scheme.categories},
                     standings.vetoed(subject, period, until), {str(s.period): s.total for s in scores},
                     tuple(dict.fromkeys(p for s in scores for p in s.missing)))
    sums, items = {}, {}
    for entry in standings.entries(subject):
        if period.contains(entry.event.date) and (until is None or entry.event.order <= until.order):
            sums[entry.category] = sums.get(entry.category, zero) + entry.value
            if entry.item is not None:
                items[(entry.category, entry.item)] = items.get((entry.category, entry.item), zero) + entry.value
    member = standings.members.get(subject)
    role = member.role if member is not None else None
    values, missing = {}, []
    for category in scheme.categories:
        kind = categories.of(category)
        if kind.evaluated:
            values[category.id], panels = standings._evaluated(subject, category, period, until,
                                                               period.kind == scheme.period)
            missing += panels
        else:
            values[category.id] = kind.value(category, sums.get(category.id, zero), items, role)
    total = sum((c.weight * values[c.id] for c in scheme.categories if c.requires_total is None), zero)
    for category in scheme.categories:
        if category.requires_total is not None:
            values[category.id] = values[category.id] if total >= category.requires_total else zero
            total += category.weight * values[category.id]
    total = zero if standings._zeroed(subject, period, until) else total
    return Score(subject, period, total, values, standings.vetoed(subject, period, until), missing=tuple(missing))


def _shipped_ids() -> list[str]:
    from jifen.store import scheme as scheme_io

    return sorted(p.stem for p in scheme_io.shipped_dir().glob("*.yaml"))


@pytest.mark.parametrize("scheme_id", _shipped_ids())
@settings(max_examples=25, deadline=None)
@given(happenings=st.lists(happening, max_size=40))
def test_every_score_equals_the_plain_sum_of_its_entries(scheme_id, happenings):
    _, events, standings = _replayed(scheme_id, happenings)
    periods = [Period(y, k, i) for y in (2023, 2024) for k, n in (("year", 1), ("half", 2), ("quarter", 4), ("month", 12))
               for i in range(1, n + 1)]
    for subject in ("m0", "m1", "m2"):
        for until in (None, *events[3::5]):
            for period in periods:
                fast, slow = standings.score(subject, period, until), plain_score(standings, subject, period, until)
                assert (fast, str(fast.total), list(fast.categories), [str(v) for v in fast.categories.values()]) == (
                    slow, str(slow.total), list(slow.categories), [str(v) for v in slow.categories.values()]), (
                    subject, str(period), until)


# --- standings kept as data (the cache's replay state) against a whole replay ------------------------


def _everything(standings, scheme) -> dict:
    """What a report can read of ``standings``: every period's ranking (asked first: a restored replay
    ranks on the totals it kept, and makes a place's score only when asked), every subject's score in
    every period of 2023–2024, the booked entries with what each counted and why, evaluations,
    vetoes, exemptions."""
    periods = [Period(y, k, i) for y in (2023, 2024) for k, n in (("year", 1), ("quarter", 4), ("month", 12))
               for i in range(1, n + 1)]
    subjects = sorted(standings.members)
    return {
        "ranked": {str(p): [(r.subject, str(r.shown), r.rank, r.score) for r in standings.ranked(p)] for p in periods},
        "grouped": standings.grouped,
        "scores": {(s, str(p)): (standings.score(s, p), str(standings.score(s, p).total))
                   for s in subjects for p in periods},
        "booked": {s: [(b.event.id, b.category, str(b.value), b.item, b.why) for b in standings.entries(s)]
                   for s in subjects},
        "evals": {s: list(standings.evals.get(s, ())) for s in subjects},
        "vetoes": {s: [v.id for v in standings.vetoes.get(s, ())] for s in subjects},
        "exempt": {s: set(standings.exempt.get(s, ())) for s in subjects},
        "subjects": {str(p): standings.subjects(p) for p in periods},
    }


def _as_kept(data: dict) -> dict:
    """``Standings.data`` as the cache keeps it (``cache.keep_replay``): each subject's booked entries,
    and each period's scores, as ``marshal`` bytes of their own, then the whole through marshal."""
    import marshal

    def packed(rows: dict) -> dict:
        return {k: row if isinstance(row, bytes) else marshal.dumps(row) for k, row in rows.items()}

    kept = {**data, "booker": {**data["booker"], "subjects": packed(data["booker"]["subjects"])},
            "scores": packed(data["scores"]), "totals": packed(data["totals"])}
    return marshal.loads(marshal.dumps(kept))


appended = happening.filter(lambda h: h[1] in ("score", "declare", "veto", "eval"))  # what an append adds
# or one of the kept happenings again (its subject, rule, ref and amount: repeats, dedupe and caps), some days later
again = st.tuples(st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=40))


@pytest.mark.parametrize("scheme_id", RUNNING_SCHEMES)
@settings(max_examples=40, deadline=None)
@given(happenings=st.lists(happening, max_size=30), later=st.lists(appended, max_size=6),
       repeats=st.lists(again, max_size=6), dated=st.booleans(), asked=st.booleans())
def test_standings_kept_as_data_then_extended_equal_a_whole_replay(scheme_id, happenings, later, repeats, dated,
                                                                   asked):
    """The replay of a log's start kept as data (marshal, as the cache keeps it), restored, then extended
    by what was appended, is the replay of the whole log: with the appended events later than every
    one kept (extended on the kept state) and in any order (booked again)."""
    import datetime as dt

    from jifen.store import scheme as scheme_io

    scheme = scheme_io.load_valid(scheme_io.shipped_dir() / f"{scheme_id}.yaml")
    if dated:  # recorded in date order, as most logs are
        happenings = sorted(happenings, key=lambda h: h[2])
    last = happenings[-1][2] if happenings else dt.date(2023, 1, 1)
    scored = [h for h in happenings if h[1] in ("score", "declare")]
    later = [*later, *((*scored[i % len(scored)][:2], last + dt.timedelta(days=d), *scored[i % len(scored)][3:])
                       for i, d in repeats if scored)]
    if dated:
        later = sorted((h for h in later if h[2] >= last), key=lambda h: h[2])
    cut = len(running_log(scheme, happenings))
    events = running_log(scheme, happenings + later)
    first = engine.replay(events[:cut], scheme)
    if asked:  # the scores asked of it are kept with it: after the append, those of the untouched are reused
        _everything(first, scheme)
    kept = _as_kept(first.data())
    restored = engine.Standings.restore(scheme, tuple(events[:cut]), kept)
    assert _everything(restored, scheme) == _everything(engine.replay(events[:cut], scheme), scheme)
    extended = engine.Standings.restore(scheme, tuple(events[:cut]), kept).extend(events[cut:])
    assert _everything(extended, scheme) == _everything(engine.replay(events, scheme), scheme)
    kept_again = _as_kept(extended.data())  # kept again, made only in part: the same
    assert _everything(engine.Standings.restore(scheme, tuple(events), kept_again), scheme) == _everything(
        engine.replay(events, scheme), scheme)


@pytest.mark.parametrize("scheme_id, rule, ref, dates", [
    ("dongli-branch-2023", "key.accident", None, ["2023-03-01", "2023-04-01", "2023-05-01"]),  # progressive: −5, −10
    ("quantified-2023", "honor.provincial", "省级表彰", ["2023-03-01", "2023-03-02", "2023-03-03"]),  # same ref
    ("quantified-2023", "honor.national", None, ["2023-02-01", "2023-02-02", "2023-02-03"]),  # the bonus caps
])
def test_a_kept_replay_remembers_repeats_refs_and_caps(log, scheme_id, rule, ref, dates):
    """The state an appended event is valued against survives being kept: earlier repeats of a
    progressive rule, the best of a ref so far, what a cap has used up."""
    import marshal

    from jifen.store import scheme as scheme_io

    scheme = scheme_io.load_valid(scheme_io.shipped_dir() / f"{scheme_id}.yaml")
    log.join("张三")
    for day in dates:
        log.score("张三", rule, day, ref=ref)
    kept = marshal.loads(marshal.dumps(engine.replay(log.events[:-1], scheme).data()))
    extended = engine.Standings.restore(scheme, tuple(log.events[:-1]), kept).extend(log.events[-1:])
    whole = engine.replay(log.events, scheme)
    assert [b.value for b in extended.entries("张三")] == [b.value for b in whole.entries("张三")]
    assert [b.why for b in extended.entries("张三")] == [b.why for b in whole.entries("张三")]


@pytest.mark.parametrize("change", ["leave", "join", "status"])
def test_the_subjects_kept_with_a_replay_are_asked_again_after_a_roster_change(log, s1, change):
    """Who is scored in a period is kept with the replay (the roster's alone); a member who left, joined
    or changed status since is scored, ranked and left out exactly as in a whole replay."""
    import marshal

    for name in ("张三", "李四", "王五"):
        log.join(name)
        log.score(name, "study.absent", "2023-02-01")
    first = engine.replay(log.events, s1)
    june = Period(2023, "month", 6)
    assert first.subjects(june) == ["张三", "李四", "王五"] and len(first.ranked(june)) == 3
    kept = marshal.loads(marshal.dumps(first.data()))
    cut = len(log.events)
    if change == "leave":
        log.leave("李四", "2023-05-31")  # left before June: not scored in it
    elif change == "join":
        log.join("赵六", "2023-03-01")
    else:
        log._add("status", "2023-03-01", subject="王五", status="activist")  # not a party member: the scheme scores none
    extended = engine.Standings.restore(s1, tuple(log.events[:cut]), kept).extend(log.events[cut:])
    whole = engine.replay(log.events, s1)
    assert extended.subjects(june) == whole.subjects(june) != first.subjects(june)
    assert [(r.subject, r.rank) for r in extended.ranked(june)] == [(r.subject, r.rank) for r in whole.ranked(june)]


def test_standings_kept_for_other_events_are_refused(log, s1):
    log.join("甲")
    log.score("甲", "study.absent", "2023-01-10")
    kept = engine.replay(log.events, s1).data()
    with pytest.raises(ValueError):
        engine.Standings.restore(s1, tuple(log.events[:-1]), kept)


def test_a_kept_replay_knows_who_is_exempt_without_making_their_entries(log):
    """Ranking a year asks everyone whether they are exempt: a restored replay answers from what it
    kept, for those whose entries it has not made, and after they are made, as before."""
    import marshal

    from jifen.store import scheme as scheme_io

    scheme = scheme_io.load_valid(scheme_io.shipped_dir() / "yongzhou-2018.yaml")
    for name in ("张三", "李四"):
        log.join(name)
    log._add("exempt", "2023-03-01", subject="张三", period="2023", reason="转入未满半年")
    year = Period(2023, "year", 1)
    kept = marshal.loads(marshal.dumps(engine.replay(log.events, scheme).data()))
    restored = engine.Standings.restore(scheme, tuple(log.events), kept)
    assert [restored.is_exempt(s, year) for s in ("张三", "李四")] == [True, False]
    assert [s.subject for s in restored.ranked(year)] == ["李四"]
    restored.entries("张三")  # made now
    assert restored.is_exempt("张三", year) and not restored.is_exempt("张三", Period(2024, "year", 1))


def test_a_booked_entry_made_fast_is_the_one_its_constructor_makes():
    import datetime as dt

    from jifen.core.model import Event, Source

    event = Event(7, dt.date(2023, 5, 4), "score", Source("台账.yaml", 40), subject="m01", rule="荣誉.市级", ref="表彰")
    why = ("booked.cap", {"period": "year", "cap": Decimal(10)})
    fast = engine.Booked.of(event, "荣誉", Decimal("-1.5"), "市级", why)
    slow = engine.Booked(event, "荣誉", Decimal("-1.5"), "市级", why)
    assert fast == slow and repr(fast) == repr(slow)
    assert all(getattr(fast, name) == getattr(slow, name) for name in engine.Booked.__slots__)  # each slot set
    assert engine.Booked.of(event, "荣誉", Decimal(3), None, None) == engine.Booked(event, "荣誉", Decimal(3))


def test_the_decimals_a_kept_score_is_made_of_are_made_once_and_kept_within_bounds(monkeypatch):
    """Kept scores are typed through one table of decimals (the same text, the same value), which a
    long-running server never lets grow past ``KEPT`` entries."""
    monkeypatch.setattr(engine._Decimals, "KEPT", 3)
    table = engine._Decimals()
    assert table["92.5"] is table["92.5"] and table["92.5"] == Decimal("92.5")
    for text in ("1", "-0.50", "100", "7"):
        assert table[text] == Decimal(text) and str(table[text]) == text
    assert len(table) <= 3
