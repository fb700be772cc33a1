"""Year-end outcomes (jifen.outcomes): quotas, a disqualifying veto, stars, eligibility and flags."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jifen.core import engine, outcomes
from jifen.core.periods import Period
from jifen.store import scheme as scheme_io
from tests.conftest import write
from tests.test_engine import happening, running_log

SCHEME = """
scheme: test-outcomes
name: 测试年终结果
subjects: members
precision: 2
period: year
categories:
  - id: points
    name: 基础分加累计分
    type: points
    base: 60
    rules:
      - {id: points.activity, name: 参加活动, kind: fixed, points: 2}
      - {id: points.absent, name: 无故缺席, kind: fixed, points: -2}
grades:
  - {name: 优秀, min: 66, quota: 1/3}
  - {name: 合格, min: 60}
  - {name: 不合格}
stars:
  - {name: ★★, min: 68}
  - {name: ★}
veto:
  effect: disqualify
eligible: {min: 64}
flags:
  - {flag: 表扬奖励, top: 1}
  - {flag: 提醒谈话, bottom: 1, ineligible: true}
  - {flag: 诫勉谈话, below: 60}
  - {flag: 谈心谈话, per: month, deductions_over: 3}
"""


@pytest.fixture
def scheme(tmp_path):
    return scheme_io.load_valid(write(tmp_path / "test-outcomes.yaml", SCHEME))


@pytest.fixture
def year(log, scheme):
    """Six members under the scheme above; their 2023 outcomes by name."""
    for name in ("甲", "乙", "丙", "丁", "戊", "己"):
        log.join(name)
    log.score("甲", "points.activity", "2023-02-01", count=5)  # 60 + 5 × 2 = 70
    log.score("乙", "points.activity", "2023-02-01", count=4)  # 60 + 4 × 2 = 68
    log.score("丙", "points.activity", "2023-05-01", count=4)  # 68: tied with 乙
    log.score("丁", "points.activity", "2023-06-01")  # 62
    log.score("戊", "points.absent", "2023-03-10", count=2)  # 60 − 2 × 2 = 56; 4 deducted in March
    log.score("己", "points.activity", "2023-02-01", count=5)  # 70, then a veto
    log.veto("己", "2023-11-01")
    results = outcomes.annual(engine.replay(log.events, scheme), 2023)
    return {r.subject: r for r in results}


def test_scores_and_ranks_best_first_with_ties_sharing_a_rank(year):
    assert [r.rank for r in year.values()] == [1, 1, 3, 3, 5, 6]
    assert {s: (r.shown, r.rank) for s, r in year.items()} == {
        "甲": (70, 1), "己": (70, 1), "乙": (68, 3), "丙": (68, 3), "丁": (62, 5), "戊": (56, 6),
    }


def test_quota_keeps_a_tie_at_the_cut_out_and_a_disqualifying_veto_bars_the_top_band(year):
    # 1/3 of 6 is 2 places of 优秀. 己 (70) is barred by its veto (disqualify: the score stands);
    # 甲 takes one place; 乙 and 丙 tie at 68 and would take three: neither is promoted.
    grades = {s: (r.grade, r.flags) for s, r in year.items()}
    assert grades["甲"] == ("优秀", ("表扬奖励",))
    assert grades["己"] == ("合格", ("表扬奖励", "veto"))
    assert grades["乙"] == grades["丙"] == ("合格", ("quota",))
    assert grades["丁"][0] == "合格" and grades["戊"][0] == "不合格"


def test_stars_are_banded_on_the_shown_score(year):
    assert {s: r.stars for s, r in year.items()} == {"甲": "★★", "己": "★★", "乙": "★★", "丙": "★★", "丁": "★", "戊": "★"}


def test_eligibility_needs_the_minimum_no_veto_and_no_ineligible_flag(year):
    # 丁 62 < 64; 戊 56 < 64 and last (提醒谈话 is ineligible); 己 has a veto
    assert {s for s, r in year.items() if r.eligible} == {"甲", "乙", "丙"}


def test_year_and_month_flags(year):
    # the last one (bottom 1), below 60, and more than 3 points deducted in March (4)
    assert year["戊"].flags == ("提醒谈话", "诫勉谈话", "谈心谈话")
    assert year["戊"].flag_months == {"谈心谈话": ["2023-03"]}
    assert year["甲"].flag_months == {}


def test_has_eligibility(scheme, s1):
    assert outcomes.has_eligibility(engine.replay([], scheme)) is True
    assert outcomes.has_eligibility(engine.replay([], s1)) is False  # S1 says nothing about awards


def test_a_tie_at_a_bottom_cut_flagged_only_some_of_the_tied(log, tmp_path):
    """chaiqian's 后三位 提醒谈话: a bottom-N cut took the tied members by id; the top-N cut took all of them.
    Equal scores get equal treatment at every cut (DOMAIN.md)."""
    scheme = scheme_io.load_valid(write(tmp_path / "bottom.yaml", SCHEME.replace(
        "{flag: 表扬奖励, top: 1}", "{flag: 表扬奖励, top: 2}").replace("bottom: 1,", "bottom: 2,")))
    for name in ("甲", "乙", "丙", "丁"):
        log.join(name)
    log.score("甲", "points.activity", "2023-02-01", count=3)  # 66
    log.score("乙", "points.activity", "2023-02-01", count=1)  # 62
    log.score("丙", "points.activity", "2023-02-01", count=1)  # 62
    log.score("丁", "points.activity", "2023-02-01", count=1)  # 62: three tied at 62
    results = {r.subject: r for r in outcomes.annual(engine.replay(log.events, scheme), 2023)}
    # the last two places are held by three members tied at 62: all three are flagged, and 甲 is not
    assert {s for s, r in results.items() if "提醒谈话" in r.flags} == {"乙", "丙", "丁"}
    # the top-2 cut: 甲 first, then the three tied at 62 share second place: all four
    assert {s for s, r in results.items() if "表扬奖励" in r.flags} == {"甲", "乙", "丙", "丁"}


def test_members_kept_out_of_the_top_band_by_its_quota_carried_its_flag(log, tmp_path):
    """yongzhou: 表彰的优秀党员在优秀等次党员中产生 — a flag that says ``grade: 优秀`` falls only on
    those who hold 优秀 after the quota."""
    scheme = scheme_io.load_valid(write(tmp_path / "within.yaml", SCHEME.replace(
        "{flag: 表扬奖励, top: 1}", "{flag: 表扬奖励, top: 4, grade: 优秀}")))
    for name in ("甲", "乙", "丙", "丁", "戊", "己"):
        log.join(name)
    log.score("甲", "points.activity", "2023-02-01", count=5)  # 70: 优秀 (1 of the 2 places of 1/3 × 6)
    log.score("乙", "points.activity", "2023-02-01", count=4)  # 68
    log.score("丙", "points.activity", "2023-02-01", count=4)  # 68: tied with 乙, both kept out by the quota
    results = {r.subject: r for r in outcomes.annual(engine.replay(log.events, scheme), 2023)}
    assert results["乙"].grade == results["丙"].grade == "合格"
    assert {s for s, r in results.items() if "表扬奖励" in r.flags} == {"甲"}


def test_a_flag_naming_a_grade_the_scheme_lacks_is_a_scheme_problem(tmp_path):
    path = write(tmp_path / "bad.yaml", SCHEME.replace("{flag: 表扬奖励, top: 1}", "{flag: 表扬奖励, top: 1, grade: 特优}"))
    _, problems = scheme_io.load(path)
    assert [(p.code, p.args["grade"]) for p in problems] == [("scheme.unknown-grade", "特优")]


@pytest.mark.parametrize("apart", [False, True])
def test_a_subjects_grade_and_rank_alone_are_the_ones_annual_decides(log, tmp_path, apart):
    """``placed`` (what a statement shows) gives each subject the grade and rank ``annual`` gives them:
    a tie, a veto, the unranked, a quota; with statuses ranked apart, each status's quota its own."""
    statuses = f"statuses: {{scored: [入党积极分子, 预备党员, 正式党员]{', ranked: apart' if apart else ''}}}\n"
    scheme = scheme_io.load_valid(write(tmp_path / "test-outcomes.yaml", SCHEME + statuses))
    for name in ("甲", "乙", "丙", "丁"):
        log.join(name)
    log._add("status", "2023-01-01", subject="丙", status="activist")
    log._add("status", "2023-01-01", subject="丁", status="activist")
    log.score("甲", "points.activity", "2023-02-01")  # 62
    log.score("乙", "points.activity", "2023-02-01")  # 62: tied
    log.score("丙", "points.activity", "2023-02-01", count=5)  # 70: the only one in 优秀's range
    log.veto("丁", "2023-11-01")
    log.join("庚", "2024-01-01")  # not in 2023: not ranked
    standings = engine.replay(log.events, scheme)
    annual = {r.subject: (r.grade, r.rank) for r in outcomes.annual(standings, 2023)}
    # 1/3 of four is one: 丙's; ranked apart among the two activists, 1/3 of two is nobody
    assert annual["丙"] == (("合格", 1) if apart else ("优秀", 1)) and annual["甲"] == annual["乙"]
    for subject in standings.members:
        assert outcomes.placed(standings, 2023, subject) == annual.get(subject)


@pytest.mark.parametrize("scheme_id", sorted(path.stem for path in scheme_io.shipped_dir().glob("*.yaml")))
@settings(max_examples=25, deadline=None)
@given(happenings=st.lists(happening, max_size=30))
def test_placed_equals_annual_on_generated_logs(scheme_id, happenings):
    """The same over generated logs under every shipped scheme: evaluations still missing, a yearly
    review, vetoes, corrections, statuses ranked apart, stars and quotas."""
    scheme = scheme_io.load_valid(scheme_io.shipped_dir() / f"{scheme_id}.yaml")
    standings = engine.replay(running_log(scheme, happenings), scheme)
    for year in (2023, 2024):
        annual = {r.subject: (r.grade, r.rank) for r in outcomes.annual(standings, year)}
        for subject in standings.members:
            assert outcomes.placed(standings, year, subject) == annual.get(subject)


def _plain_grades(bands, ranked):
    """Each subject's band index after quotas the plain way: each rank's tie in turn, promoted only if
    the whole tie fits in what the quota has left (``_grades`` without its vetoes and names)."""
    import math

    placed = {p.subject: (engine.band_index(p.shown, bands), None) for p in ranked}
    for index, band in enumerate(bands):
        if band.quota is None:
            continue
        allowed = math.floor(band.quota * len(ranked))
        holders = [p for p in ranked if placed[p.subject][0] == index]
        taken = 0
        for rank in sorted({p.rank for p in holders}):
            group = [p for p in holders if p.rank == rank]
            if taken + len(group) <= allowed:
                taken += len(group)
                continue
            for place in group:
                placed[place.subject] = (index + 1 if index + 1 < len(bands) else None, outcomes.QUOTA_FLAG)
            allowed = taken
    return {s: (bands[i].name if i is not None else None, why) for s, (i, why) in placed.items()}


@settings(max_examples=60, deadline=None)
@given(shown=st.lists(st.integers(min_value=50, max_value=72), max_size=60))
def test_quotas_cut_ties_as_the_plain_rule_does(tmp_path_factory, shown):
    """Two bands with quotas (优秀 at most 1/3, 良好 at most 1/2 of the rest's count) over generated
    scores with many ties: ``_grades`` (one pass over each band's holders, tie by tie) decides as a
    pass over every distinct rank does."""
    from decimal import Decimal
    from types import SimpleNamespace

    from jifen.core.model import Score

    text = SCHEME.replace("  - {name: 合格, min: 60}", "  - {name: 良好, min: 63, quota: 1/2}\n  - {name: 合格, min: 60}")
    scheme = scheme_io.load_valid(write(tmp_path_factory.mktemp("方案") / "test-outcomes.yaml", text))
    scores = {f"党员{i:02d}": Score(f"党员{i:02d}", Period(2023, "year", 1), Decimal(v), {}, False) for i, v in enumerate(shown)}
    ranked = [engine.Standing(scores[s], scores[s].total, rank)  # best first, ties by id
              for s, rank in engine.ranks({s: score.total for s, score in scores.items()}).items()]
    standings = SimpleNamespace(scheme=scheme)
    assert outcomes._grades(standings, ranked) == _plain_grades(scheme.grades, ranked)


def _plain_period_flags(standings, subject, year, rule):
    """The months or halves of ``year`` a month or half flag ``rule`` falls on ``subject``, the plain
    way: each subject's places counted from the last, and whether everyone ties, found again from
    the whole ranking (what ``annual`` works out once a period)."""
    hits, run = [], 0
    if rule.per == "half":
        for half in Period(year, "year", 1).parts("half"):
            place = standings.standing(subject, half)
            if (rule.half is None or half.index == rule.half) and place is not None and outcomes._year_flag(
                    rule, place, outcomes._from_bottom(standings.ranked(half))[subject], None):
                hits.append(str(half))
        return hits
    for month in Period(year, "year", 1).parts("month"):
        if not standings.members[subject].in_span(month.start, month.end):
            run = 0
            continue
        meets = rule.deductions_over is not None and -standings.deductions(subject, month) > rule.deductions_over
        if rule.below is not None:
            meets = meets or engine.shown(standings.score(subject, month).total, standings.scheme.precision) < rule.below
        if not meets and rule.rank_at_most is not None:
            place, ranked = standings.standing(subject, month), standings.ranked(month)
            meets = place is not None and place.rank <= rule.rank_at_most and (
                len(ranked) < 2 or any(p.rank != place.rank for p in ranked))
        run = run + 1 if meets else 0
        if run >= rule.months_running:
            hits.append(str(month))
    return hits


YEAR_2023 = Period(2023, "year", 1)


@pytest.mark.parametrize("scheme_id", ["ecommerce-stars", "bianban-monthly"])
@settings(max_examples=40, deadline=None)
@given(happenings=st.lists(happening, max_size=40), members=st.integers(min_value=1, max_value=3))
def test_month_and_half_flags_fall_as_the_plain_scan_of_each_ranking_finds(scheme_id, happenings, members):
    """First in a month (not all tied), bottom three of a half, deductions over a bound: ``annual``
    finds each period's cuts once for everyone; each subject scanning the whole ranking again finds
    the same, with one, two or three members ranked."""
    scheme = scheme_io.load_valid(scheme_io.shipped_dir() / f"{scheme_id}.yaml")
    kept = {f"m{i}" for i in range(members)}
    events = [e for e in running_log(scheme, [h for h in happenings if h[0] < members])
              if e.subject in kept or e.subject is None]
    standings = engine.replay(events, scheme)
    for result in outcomes.annual(standings, 2023):
        for rule in scheme.flags:
            if rule.per in ("month", "half") and (rule.role is None or rule.role in standings.members[
                    result.subject].roles_between(YEAR_2023.start, YEAR_2023.end)):
                assert result.flag_months.get(rule.flag, []) == _plain_period_flags(standings, result.subject, 2023, rule)
