"""Tables as data (jifen.reports), from a small inline ledger under S1, numbers worked out by hand."""

from __future__ import annotations

import pytest

from jifen import book, reports
from jifen.core.periods import Period
from tests.conftest import SCHEMES, write

LEDGER = """
- {id: 1, date: 2023-01-01, kind: open, name: 测试支部, scheme: quantified-2023, by: 记分员}
- {id: 2, date: 2023-01-01, kind: join, subject: m01, name: 张三, by: 记分员}
- {id: 3, date: 2023-01-01, kind: join, subject: m02, name: 李四, by: 记分员}
- {id: 4, date: 2023-04-01, kind: join, subject: m03, name: 王五, by: 记分员}
- {id: 5, date: 2023-01-10, kind: score, subject: m01, rule: study.absent, count: 2, by: 记分员}
- {id: 6, date: 2023-02-01, kind: score, subject: m01, rule: honor.provincial, ref: 省劳模, by: 记分员}
- {id: 7, date: 2023-02-03, kind: score, subject: m02, rule: service.complaint, by: 记分员}
- {id: 8, date: 2023-05-05, kind: score, subject: m02, rule: work.key, by: 记分员}
- {id: 9, date: 2023-03-01, kind: revoke, target: 7, reason: 投诉不属实, by: 记分员}
- {id: 10, date: 2023-10-01, kind: leave, subject: m03, reason: 调出, by: 记分员}
"""
# 张三 m01  Q1 100 − 1 × 2 (study.absent) + 5 (honor.provincial) = 103; Q2–Q4 100
#           year (103 + 100 + 100 + 100) / 4 = 100.75 → 优秀
# 李四 m02  Q1 100 (the complaint, −2, was revoked); Q2 100 − 15 (work.key) = 85; Q3, Q4 100
#           year 385 / 4 = 96.25 → 良好 (95 ≤ 96.25 < 98)
# 王五 m03  joined 2023-04-01, left 2023-10-01: Q2, Q3, Q4 100 → 100 → 优秀


@pytest.fixture(scope="module")
def branch(tmp_path_factory):
    folder = write(tmp_path_factory.mktemp("reports") / "测试支部" / "ledger.yaml", LEDGER).parent
    opened = book.open(folder, [SCHEMES], cached=False).usable()
    return opened.ledger, opened.standings


def test_period_report_ranks_the_members_of_the_period(branch):
    report = reports.period_report(*branch, Period.parse("2023Q1"))
    rows = {r["member"]: r for r in report.data["rows"]}
    assert set(rows) == {"张三", "李四"}  # 王五 joined in April
    assert (rows["张三"]["score"], rows["张三"]["rank"], rows["张三"]["bonus"]) == (103, 1, 5)
    assert rows["张三"]["categories"]["study"] == 8
    assert (rows["李四"]["score"], rows["李四"]["rank"]) == (100, 2)
    assert report.title == ("title.report", {"branch": "测试支部", "period": "2023Q1", "scheme": "quantified-2023"})
    assert [c.key for c in report.columns][:3] == ["rank", "member_id", "member"]
    assert report.rows[0]["categories.study"] == 8  # flattened for the table renderers


def test_period_report_of_an_empty_period_says_so(branch):
    report = reports.period_report(*branch, Period.parse("2022Q4"))
    assert report.rows == () and report.notes == (("cli.no-rows", {}),)


def test_grade_report_scores_grades_and_ranks_the_year(branch):
    report = reports.grade_report(*branch, 2023)
    got = [(r["member"], r["score"], r["rank"], r["grade"]) for r in report.data["rows"]]
    assert got == [("张三", 100.75, 1, "优秀"), ("王五", 100, 2, "优秀"), ("李四", 96.25, 3, "良好")]
    assert report.data["rows"][2]["periods"] == {"2023Q1": 100, "2023Q2": 85, "2023Q3": 100, "2023Q4": 100}
    assert [c.label for c in report.columns if c.literal] == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]


def test_members_report_lists_spells_and_who_is_still_in(branch):
    ledger, standings = branch
    rows = reports.members_report(ledger, dict(standings.members)).data["rows"]
    assert [(r["member"], r["joined"], r["left"], r["active"]) for r in rows] == [
        ("张三", "2023-01-01", None, True),
        ("李四", "2023-01-01", None, True),
        ("王五", "2023-04-01", "2023-10-01", False),
    ]


def test_show_report_marks_the_revoked_event_and_keeps_running_scores(branch):
    report = reports.show_report(*branch, "m02", 2023)
    events = {e["id"]: e for e in report.data["events"]}
    assert events[7]["revoked"] is True and events[7]["points"] == -2  # what it would have been worth
    assert events[8]["revoked"] is False and events[8]["points"] == -15 and events[8]["running"] == 85
    assert report.data["periods"]["2023Q2"] == 85 and report.data["periods"]["2023"] == 96.25
    assert report.data["grade"] == {"year": 2023, "grade": "良好", "rank": 3}


def test_reports_are_plain_data_and_make_their_detail_and_chart_only_when_asked(branch):
    import dataclasses

    plain = reports.grade_report(*branch, 2023)
    assert plain.detail is None and plain.chart is None
    full = reports.grade_report(*branch, 2023, detail=True, chart=True)
    assert [r["member"] for r in full.detail.rows][:1] and full.chart["periods"] == [
        "2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert full.chart["series"]["李四(m02)"] == [100, 85, 100, 100]
    for report in (full, full.detail, reports.period_report(*branch, Period.parse("2023Q1"), detail=True)):
        assert not any(callable(getattr(report, f.name)) for f in dataclasses.fields(report))
