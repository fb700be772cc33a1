"""Every shipped scheme, run end to end through the CLI on worked examples computed by hand.

Each test builds a small ledger with the real commands, then checks the
numbers the seed's rules give (the arithmetic is in the comments), and pins
the whole report and grade JSON as golden files under tests/cases/<scheme>/.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest


class Branch:
    """A ledger under one scheme, driven through the CLI."""

    def __init__(self, cli, folder, scheme: str, subjects: str = "members") -> None:
        self.cli, self.folder = cli, folder
        self.run("init", folder, "--scheme", scheme, "--name", "测试", "--subjects", subjects, "--date", "2023-01-01",
                 ledger=False)

    def run(self, *words, ledger: bool = True):
        result = self.cli(*words, *(["-l", self.folder] if ledger else []))
        assert result.exit_code == 0, result.output
        return result

    def fails(self, *words) -> str:
        result = self.cli(*words, "-l", self.folder)
        assert result.exit_code == 2, result.output
        return result.output

    def member(self, name: str, date: str = "2023-01-01", role: str | None = None) -> None:
        self.run("member", "add", name, "--date", date, *(["--role", role] if role else []))

    def add(self, member: str, rule: str, date: str, *extra: str) -> None:
        self.run("add", member, rule, "--date", date, *extra)

    def eval(self, member: str, kind: str, value: str, date: str = "2024-01-10", period: str = "2023", by: str = "评议人") -> None:
        option = "--rating" if not value[0].isdigit() else "--score"
        self.run("eval", member, "--kind", kind, option, value, "--period", period, "--date", date, "--by", by)

    def json(self, *words) -> dict:
        return json.loads(self.run(*words, "-f", "json").stdout)

    def grade(self, year: int = 2023) -> dict:
        return self.json("grade", "--year", str(year))

    def rows(self, year: int = 2023) -> dict[str, dict]:
        return {r["member"]: r for r in self.grade(year)["rows"]}


@pytest.fixture
def make(cli, tmp_path):
    def build(scheme: str, subjects: str = "members") -> Branch:
        return Branch(cli, tmp_path / scheme, scheme, subjects)

    return build


def dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- S2 -------------------------------------------------------------------------------------


def _ding_year(b) -> None:
    """丁's year under yongzhou-2018: 92, 95, 88 and nine months at 90 →
    (92 + 95 + 88 + 9 × 90) / 12 = 1085 / 12 = 90.4166… → 90.42."""
    b.add("丁", "duty.post", "2023-01-20", "--points", "-8")
    b.add("丁", "duty.post", "2023-02-20", "--points", "-5")
    b.add("丁", "duty.post", "2023-03-20", "--points", "-12")
    for month in range(4, 13):
        b.add("丁", "minus.criticized", f"2023-{month:02d}-15")


def _reviewed(b, names, rating: str = "优秀") -> None:
    """The yearly democratic review (支委会综合民主评议党员和年度党员量化积分的月平均积分评等定级) rating
    each of ``names`` ``rating``: 优秀 leaves the points' band as it is (the grade is the lower of the two)."""
    for name in names:
        b.eval(name, "民主评议", rating)


def test_yongzhou_monthly_average_quota_tie_and_exemption(make, golden):
    b = make("yongzhou-2018")
    for name in ("甲", "乙", "丙", "丁", "戊", "己"):
        b.member(name)
    _ding_year(b)
    # 乙 and 丙 tie at 95 (one month at 40: 100 − 60 = 40 → (11 × 100 + 40) / 12 = 95)
    for name in ("乙", "丙"):
        b.add(name, "duty.post", "2023-05-10", "--points", "-40")
        b.add(name, "minus.other", "2023-05-11", "--points", "-20")
    # 戊: 基础积分 items floor at 0 — 5 dues failures in March take 执行纪律 to 0, not −10
    for _ in range(5):
        b.add("戊", "basic.dues", "2023-03-05")
    b.add("己", "minus.other", "2023-06-01", "--points", "-20")
    b.add("己", "duty.post", "2023-06-02", "--points", "-40")
    b.add("己", "basic.morals", "2023-06-03", "--points", "-15")
    # 庚 transferred in on 2023-09-01: exempt for 2023 (转入未满半年)
    b.member("庚", "2023-09-01")
    b.run("member", "exempt", "庚", "--year", "2023", "-r", "转入未满半年,经支委会、党员大会通过并公示", "--date", "2023-12-20")
    _reviewed(b, ("甲", "乙", "丙", "丁", "戊", "己"))

    march = {r["member"]: r for r in b.json("report", "--month", "2023-03")["rows"]}
    assert march["戊"]["score"] == 85 and march["戊"]["categories"]["basic"] == 45
    assert march["丁"]["score"] == 88

    rows = b.rows()
    assert rows["丁"]["score"] == 90.42
    assert rows["乙"]["score"] == rows["丙"]["score"] == 95
    assert rows["戊"]["score"] == Decimal("98.75")  # (11 × 100 + 85) / 12
    assert rows["己"]["score"] == Decimal("93.75")  # June 100 − 20 − 40 − 15 = 25 → (1100 + 25) / 12
    # six scored members: one third is 2 places of 优秀. 甲 (100, rank 1) takes one; 乙 and 丙 tie at
    # rank 3 behind 戊 (98.75, rank 2)… so: 甲 and 戊 take both places, and the tie is not promoted.
    assert [(r["member"], r["rank"], r["grade"]) for r in b.grade()["rows"][:6]] == [
        ("甲", 1, "优秀"), ("戊", 2, "优秀"), ("乙", 3, "合格"), ("丙", 3, "合格"), ("己", 5, "合格"), ("丁", 6, "合格"),
    ]
    assert all("quota" in rows[n]["flags"] for n in ("乙", "丙", "己", "丁"))
    assert rows["庚"]["exempt"] is True and rows["庚"]["score"] is None
    # an exempt row has every key a scored row has (docs/commands.md promises grade: null)
    assert set(rows["庚"]) == set(rows["甲"]) | {"exempt"} and rows["庚"]["grade"] is None
    assert (rows["庚"]["flags"], rows["庚"]["periods"], rows["庚"]["veto"]) == ([], {}, False)
    # 评先评优对象 (top 3, grade 优秀): 表彰的优秀党员在优秀等次党员中产生, so 乙 and 丙 (rank 3, kept
    # out of 优秀 by the quota) do not carry it
    assert [n for n in rows if "评先评优对象" in rows[n].get("flags", [])] == ["甲", "戊"]
    table = b.run("grade", "--year", "2023").stdout
    assert "因名额限制未评为该等次：乙(m02)、丙(m03)、己(m06)、丁(m04)" in table
    golden("yongzhou-2018/grade-2023.json", dump(b.grade()))
    golden("yongzhou-2018/report-2023-03.json", dump(b.json("report", "--month", "2023-03")))


def test_yongzhou_quota_keeps_one_third_when_the_cut_falls_between_ranks(make):
    b = make("yongzhou-2018")
    for name in ("甲", "乙", "丙", "丁"):
        b.member(name)
    # 丁: one month at 90 and the rest at 100 → 99.17; all four ≥ 90, 4 // 3 = 1 place
    b.add("丁", "minus.criticized", "2023-03-01")
    b.add("丙", "minus.criticized", "2023-03-01")
    b.add("乙", "minus.criticized", "2023-03-01")
    b.add("乙", "minus.criticized", "2023-04-01")
    _reviewed(b, ("甲", "乙", "丙", "丁"))
    grades = {r["member"]: r["grade"] for r in b.grade()["rows"]}
    assert grades == {"甲": "优秀", "丙": "合格", "丁": "合格", "乙": "合格"}


# --- S3 ---------------------------------------------------------------------------------------


def test_juwei_bands_and_the_gap_the_seed_leaves(make, cli, golden):
    result = cli("scheme", "check", "juwei-2019")
    assert result.exit_code == 1
    assert "等级之间有空档" in result.output and "60 ≤ 分数 < 61" in result.output
    b = make("juwei-2019")
    for name in ("优", "合", "缝", "差"):
        b.member(name)
    for _ in range(15):
        b.add("优", "points.activity", "2023-05-01")  # 60 + 30 = 90 → 优秀 (band edge)
    b.add("合", "points.merit", "2023-05-01", "--points", "1")  # 61 → 合格 (edge)
    b.add("缝", "points.activity", "2023-05-01")
    b.add("缝", "points.fault", "2023-06-01", "--points", "-1.5")  # 60.5: in the gap, no grade
    b.add("差", "points.absent", "2023-06-01")  # 58 → 不合格
    rows = b.rows()
    assert {n: (r["score"], r["grade"]) for n, r in rows.items()} == {
        "优": (90, "优秀"), "合": (61, "合格"), "缝": (60.5, None), "差": (58, "不合格"),
    }
    check = cli("check", "-l", b.folder)
    assert check.exit_code == 0 and "60" in check.output
    golden("juwei-2019/grade-2023.json", dump(b.grade()))


def test_chaiqian_big_items_clear_year_and_follow_ups(make, golden):
    b = make("chaiqian-2019")
    for name in "ABCDEF":
        b.member(name)
    b.add("A", "speech", "2023-02-01")
    b.add("A", "lecture", "2023-03-01")  # Q1: 5 + 50
    b.add("A", "suggestion", "2023-05-01")
    b.add("A", "suggestion.adopted", "2023-06-01")  # Q2: 10 + 20 → year 85
    b.add("B", "criticized", "2023-02-01")
    b.add("B", "lecture", "2023-08-01")  # −150 + 50 = −100
    b.add("C", "speech", "2023-02-01")
    b.run("veto", "C", "--date", "2023-08-15", "-r", "违纪")  # clears the year from Q3 on
    b.add("D", "suggestion", "2023-10-01")
    b.add("E", "speech", "2023-11-01")
    q1 = {r["member"]: r["score"] for r in b.json("report", "--quarter", "2023Q1")["rows"]}
    assert q1 == {"A": 55, "B": -150, "C": 5, "D": 0, "E": 0, "F": 0}
    q3 = {r["member"]: r["score"] for r in b.json("report", "--quarter", "2023Q3")["rows"]}
    assert q3["C"] == 0 and q3["B"] == 50
    rows = b.rows()
    assert {n: r["score"] for n, r in rows.items()} == {"A": 85, "D": 10, "E": 5, "C": 0, "F": 0, "B": -100}
    assert rows["A"]["flags"] == ["表扬奖励"] and rows["A"]["eligible"] is True
    assert rows["B"]["flags"] == ["提醒谈话"] and rows["B"]["eligible"] is False
    assert rows["C"]["flags"] == ["表扬奖励", "提醒谈话"] and rows["C"]["eligible"] is False  # tied 4th of 6
    golden("chaiqian-2019/grade-2023.json", dump(b.grade()))


def test_bianban_shares_talks_and_base(make, golden):
    b = make("bianban-monthly")
    b.member("书记", role="secretary")
    b.member("甲")
    b.member("乙")
    b.member("丙", "2023-07-01")
    b.add("甲", "plus.award", "2023-01-10", "--points", "10")  # 顺三七: 甲 +7, 书记 +3
    b.add("乙", "minus.major", "2023-02-10", "--points", "-20")  # 倒三七: 乙 −6, 书记 −14
    b.add("书记", "plus.exchange", "2023-03-10")  # the secretary's own: all +3
    jan = {r["member"]: r["score"] for r in b.json("report", "--month", "2023-01")["rows"]}
    assert jan == {"甲": 107, "书记": 103, "乙": 100}
    feb = {r["member"]: r["score"] for r in b.json("report", "--month", "2023-02")["rows"]}
    assert feb == {"甲": 100, "乙": 94, "书记": 86}
    rows = b.rows()
    assert rows["甲"]["score"] == 1207 and rows["甲"]["eligible"] is True
    assert rows["乙"]["score"] == 1194 and rows["乙"]["eligible"] is False  # below the year's base 1200
    assert rows["书记"]["score"] == 1192 and rows["书记"]["flags"] == ["谈心谈话"]  # 14 > 10 in February
    assert rows["书记"]["flag_months"] == {"谈心谈话": ["2023-02"]}
    assert rows["乙"]["flags"] == []  # 6 is not over 10
    assert rows["丙"]["score"] == 600 and rows["丙"]["eligible"] is True  # six months' base
    golden("bianban-monthly/grade-2023.json", dump(b.grade()))


def test_ecommerce_quiet_months_rank_nobody_first(make):
    """对连续6个月考评排名第一的 … : months in which nothing was recorded tie everyone at rank 1, and six of
    them flagged the whole branch. A month where all who are ranked tie ranks nobody first."""
    b = make("ecommerce-stars")
    for name in ("甲", "乙", "丙"):
        b.member(name)
    b.add("甲", "plus.innovation", "2023-01-06", "--points", "15")  # 甲 first in January alone
    rows = b.rows()
    assert not [n for n, r in rows.items() if "连续6个月第一" in r["flags"]]


def test_ecommerce_stars_runs_and_manager_probation(make, golden):
    b = make("ecommerce-stars")
    b.member("经理", role="manager")
    b.member("甲")
    b.member("乙")
    b.member("丁")
    for month in range(1, 13):
        if month not in (3, 4):
            b.add("经理", "plus.innovation", f"2023-{month:02d}-05", "--points", "10")  # 110, not below
    for month in range(1, 7):
        b.add("甲", "plus.innovation", f"2023-{month:02d}-06", "--points", "15")  # 115: first, Jan–Jun
    b.add("乙", "minus.conduct", "2023-05-06", "--points", "-15")
    for _ in range(4):
        b.add("丁", "minus.conduct", "2023-09-06", "--points", "-30")  # −20 in September: no floor
    sep = {r["member"]: r["score"] for r in b.json("report", "--month", "2023-09")["rows"]}
    assert sep["丁"] == -20
    rows = b.rows()
    assert rows["甲"]["score"] == 107.5 and rows["甲"]["stars"] == "★★★"  # (6 × 115 + 6 × 100) / 12
    assert rows["甲"]["flags"] == ["连续6个月第一"] and rows["甲"]["flag_months"] == {"连续6个月第一": ["2023-06"]}
    assert rows["经理"]["score"] == 108.33 and rows["经理"]["stars"] == "★★★"
    # from July 甲 is back at 100 and 经理, at 110, is first for six months running too
    # 期中测评, the bottom 3 of the first half: 甲 115, 经理 (4 × 110 + 2 × 100) / 6 = 106.67, 丁 100,
    # 乙 (5 × 100 + 85) / 6 = 97.5 → 经理, 丁, 乙 (对上半年月度考评综合排名后3位的党员进行教育谈话)
    assert rows["经理"]["flags"] == ["连续6个月第一", "教育谈话", "察看期", "岗位薪酬降档"]
    assert rows["经理"]["flag_months"] == {
        "连续6个月第一": ["2023-12"], "教育谈话": ["2023H1"], "察看期": ["2023-03", "2023-04"], "岗位薪酬降档": ["2023-04"],
    }
    assert {n for n, r in rows.items() if "教育谈话" in r["flags"]} == {"经理", "丁", "乙"}
    assert rows["乙"]["score"] == 98.75 and rows["乙"]["stars"] == "★★"
    assert rows["丁"]["score"] == 90 and rows["丁"]["stars"] == "★★"  # (1100 − 20) / 12: the band edge
    golden("ecommerce-stars/grade-2023.json", dump(b.grade()))


def test_soe_bases_by_role_and_average_of_published_scores(make, golden):
    b = make("soe-monthly")
    b.member("甲")
    b.member("乙", role="base80")
    b.add("甲", "plus.vanguard", "2023-01-05", "--points", "1.005")
    b.add("甲", "plus.vanguard", "2023-02-05", "--points", "1.005")
    b.add("甲", "plus.vanguard", "2023-03-05", "--points", "1.004")
    b.add("乙", "plus.honor", "2023-01-05")
    b.add("乙", "minus.absent", "2023-02-05")
    months = [b.json("report", "--month", f"2023-{m:02d}")["rows"] for m in (1, 2, 3)]
    assert [{r["member"]: r["score"] for r in rows} for rows in months] == [
        {"甲": 101.01, "乙": 85}, {"甲": 101.01, "乙": 78}, {"甲": 101, "乙": 80},
    ]
    q1 = {r["member"]: r["score"] for r in b.json("report", "--quarter", "2023Q1")["rows"]}
    # the average of the published 101.01, 101.01, 101.00 is 101.0067 → 101.01
    # (the exact scores would give 101.004667 → 101.00)
    assert q1 == {"甲": 101.01, "乙": 81}
    golden("soe-monthly/report-2023Q1.json", dump(b.json("report", "--quarter", "2023Q1")))


def test_dachuan_weights_ratings_quota_and_disqualifying_veto(make, golden):
    b = make("dachuan-weighted")
    for name in "ABCDE":
        b.member(name)
    b.add("A", "daily.meeting", "2023-03-01", "--points", "10")
    b.add("A", "daily.absent", "2023-04-01", "--points", "-2")  # daily 108
    for rating, who in (("优秀", "一"), ("优秀", "二"), ("合格", "三")):
        b.eval("A", "democratic", rating, by=who)  # (10 + 10 + 8) / 3 × 10 = 93.33
    b.eval("A", "masses", "合格", by="一")
    b.eval("A", "masses", "合格", by="二")  # 80
    for name in "BD":
        b.eval(name, "democratic", "优秀")
        b.eval(name, "masses", "优秀")
    b.add("C", "daily.contest", "2023-05-01", "--points", "5")
    b.eval("C", "democratic", "优秀")
    b.eval("C", "masses", "合格")
    b.eval("E", "democratic", "基本合格")
    b.eval("E", "masses", "不合格")
    b.run("veto", "D", "--date", "2023-10-01", "-r", "受到党纪处分(取消评优资格的情形)")
    rows = b.rows()
    # A: 0.4 × 108 + 0.3 × 93.333 + 0.3 × 80 = 43.2 + 28 + 24 = 95.2
    assert {n: r["score"] for n, r in rows.items()} == {"B": 100, "D": 100, "C": 96, "A": 95.2, "E": 70}
    # 40% of 5 is 2 places: D is barred by its veto; B and C take them; A is kept out by the quota
    assert {n: r["grade"] for n, r in rows.items()} == {"B": "优秀", "D": "合格", "C": "优秀", "A": "合格", "E": "合格"}
    assert rows["D"]["flags"] == ["veto"] and rows["D"]["eligible"] is False
    assert rows["A"]["flags"] == ["quota"]
    golden("dachuan-weighted/grade-2023.json", dump(b.grade()))


# --- S4 ---------------------------------------------------------------------------------------


def test_dongli_progressive_items_graded_and_lost(make, golden):
    b = make("dongli-branch-2023", subjects="branches")
    for name in ("一支部", "二支部", "三支部", "四支部"):
        b.member(name)
    for day in ("03-01", "06-01", "09-01"):
        b.add("一支部", "key.accident", f"2023-{day}")  # −5, −10, −15 = −30 → the category's 20 is gone
    b.add("四支部", "key.accident", "2023-03-01", "--count", "2")  # −5 − 10 = −15 in one record
    b.add("二支部", "team.decisions", "2023-04-01", "--level", "一般")  # item 5 → 2
    for _ in range(3):
        b.add("二支部", "team.study", "2023-05-01")  # item 5 − 6 → floors at 0
    b.add("二支部", "branch.meeting", "2023-06-01", "--count", "2")  # item 7 − 4 = 3
    b.add("二支部", "other.judged", "2023-12-01", "--points", "-1.5")  # 3.5
    b.add("二支部", "culture.no-plan", "2023-12-02")  # item 5 lost → culture 15
    report = {r["member"]: r for r in b.json("report", "--year", "2023")["rows"]}
    assert report["一支部"]["categories"]["key"] == 0 and report["一支部"]["score"] == 80
    assert report["四支部"]["categories"]["key"] == 5 and report["四支部"]["score"] == 85
    two = report["二支部"]
    assert two["categories"] == {"key": 20, "team": 7, "branch": 16, "culture": 15, "mass": 15, "other": 3.5, "feature": 5}
    assert two["score"] == 81.5
    assert [(r["member"], r["rank"]) for r in b.grade()["rows"]] == [
        ("三支部", 1), ("四支部", 2), ("二支部", 3), ("一支部", 4),
    ]
    output = b.fails("add", "二支部", "team.decisions", "--date", "2023-04-02", "--level", "很好")
    assert "较好" in output
    golden("dongli-branch-2023/report-2023.json", dump(b.json("report", "--year", "2023")))


def test_township_weights_conditional_capped_bonus(make, golden):
    b = make("township-branch", subjects="branches")
    for name in ("东村", "西村", "南村"):
        b.member(name)
    b.eval("东村", "inspection", "80", date="2023-06-30", by="督查组一")
    b.eval("东村", "inspection", "90", date="2023-09-30", by="督查组二")
    b.eval("东村", "year-end", "70", date="2023-12-28")
    b.add("东村", "honor.city", "2023-05-01", "--ref", "先进基层党组织")
    b.add("东村", "honor.province", "2023-07-01", "--ref", "先进基层党组织")  # same event: 8 in all
    b.add("东村", "honor.town", "2023-08-01", "--ref", "党建示范")  # +2 → 10
    b.add("东村", "honor.promoted", "2023-09-01", "--ref", "经验推广")  # the cap of 10 is reached
    b.eval("西村", "inspection", "50", date="2023-06-30")
    b.eval("西村", "year-end", "55", date="2023-12-28")  # 15 + 38.5 = 53.5 < 60
    b.add("西村", "honor.central", "2023-05-01")  # not counted below 60
    b.eval("南村", "inspection", "60", date="2023-06-30")
    b.eval("南村", "year-end", "60", date="2023-12-28")  # exactly 60: bonus counts
    b.add("南村", "honor.town", "2023-05-01")
    rows = b.rows()
    # 东村: 0.3 × 85 + 0.7 × 70 = 74.5, + 10
    assert {n: (r["score"], r["grade"]) for n, r in rows.items()} == {
        "东村": (84.5, "合格"), "南村": (62, "合格"), "西村": (53.5, "不合格"),
    }
    assert rows["西村"]["flags"] == ["取消主干评先评优资格"] and rows["西村"]["eligible"] is False
    golden("township-branch/grade-2023.json", dump(b.grade()))


def test_jisheng_attendance_rate_and_converted_parts(make, golden):
    b = make("jisheng-staff")
    b.member("甲")
    b.member("乙")
    b.add("甲", "attendance.rate", "2023-12-31", "--measure", "93.5")  # 1.5 points below: one whole point → −3
    b.add("甲", "attendance.late", "2023-03-01", "--count", "2")  # −1
    b.add("甲", "attendance.early", "2023-04-01")  # −1 → 考勤 10
    b.add("甲", "work.error", "2023-05-01")  # 25
    b.add("甲", "bonus.model", "2023-06-01")
    b.add("甲", "bonus.article.city", "2023-07-01")  # +7
    for kind, score in (("report", "90"), ("exam", "85"), ("hygiene", "100"), ("democratic", "80")):
        b.eval("甲", kind, score, date="2023-12-31")
    b.add("乙", "attendance.rate", "2023-12-31", "--measure", "91")  # 4 below → −12
    report = {r["member"]: r for r in b.json("report", "--year", "2023")["rows"]}
    assert report["甲"]["categories"] == {
        "work": 25, "report": 4.5, "integrity": 10, "attendance": 10, "exam": 6.8, "hygiene": 7,
        "center": 20, "democratic": 4,
    }
    assert report["甲"]["bonus"] == 7 and report["甲"]["score"] == 94.3
    assert report["乙"]["categories"]["attendance"] == 3
    # no evaluation of 乙 yet: 未评, not 30 + 10 + 3 + 20 = 63 with the four evaluated parts at 0
    # (DOMAIN.md: "A missing evaluation is missing, not 0"); the parts already known still show
    assert (report["乙"]["score"], report["乙"]["rank"]) == (None, None)
    assert report["乙"]["missing"] == ["report", "exam", "hygiene", "democratic"]
    assert report["乙"]["categories"]["exam"] is None
    output = b.fails("add", "甲", "attendance.rate", "--date", "2023-12-31")
    assert "--measure" in output
    golden("jisheng-staff/report-2023.json", dump(b.json("report", "--year", "2023")))


# --- S3, the community (seed 001): service projects and the points exchange ------------------------


def test_community_service_projects_top_ten_honoured_bottom_three_talked_with(make, golden):
    """S3 社区 (seed 001): "党员参与不同的服务项目便可以得到相应积分" (example values: 政策宣扬 2 a time);
    "每年为一个积分周期,社区对年度奉献积分高的前 10 名党员进行表彰,对积分名次排后 3 位的党员,由社区党委书记
    对其进行帮扶谈话"; "社区每季度组织一次积分兑换" (open the last 10 days of a quarter, an example).
    Thirteen members; the k-th took part k times: 2k points, 2 … 26. Top 10: k = 13 … 4 (26 … 8);
    bottom 3: k = 3, 2, 1 (6, 4, 2). 张 spends 一卷抽纸 (5) of 26 in Q4: the year's score stays 26."""
    b = make("community-service")
    names = "赵钱孙李周吴郑王冯陈褚卫张"
    for name in names:
        b.member(name)
    for k, name in enumerate(names, start=1):
        b.add(name, "政策宣扬", "2023-05-10", "--count", str(k))  # 2k, in Q2; the year sums the quarters
    b.run("redeem", "张", "一卷抽纸", "--date", "2023-12-28")
    # "社区将入党积极分子、发展对象都纳入积分管理": an activist with more points than any member (30 times: 60)
    # is scored, ranked apart (the scheme's choice), and takes none of the members' places
    b.run("member", "add", "积极分子甲", "--status", "入党积极分子", "--date", "2023-01-01")
    b.add("积极分子甲", "政策宣扬", "2023-05-10", "--count", "30")
    rows = b.rows()
    assert [rows[n]["score"] for n in names] == [2 * k for k in range(1, 14)]
    members = {n: r for n, r in rows.items() if n in names}
    assert {n for n, r in members.items() if "表彰" in r["flags"]} == set(names[3:])
    assert {n for n, r in members.items() if "帮扶谈话" in r["flags"]} == set(names[:3])
    assert (rows["张"]["rank"], rows["积极分子甲"]["rank"], rows["积极分子甲"]["score"]) == (1, 1, 60)
    assert (rows["积极分子甲"]["status"], rows["张"]["status"]) == ("activist", "full")
    assert b.json("show", "张")["balance"] == {"earned": 26, "spent": 5, "left": 21}
    golden("community-service/grade-2023.json", dump(b.grade()))
    golden("community-service/balance-2023.json", dump(b.json("balance", "--date", "2023-12-31")))


# --- S5 ---------------------------------------------------------------------------------------


def test_longkou_three_evaluations_bonus_and_eligibility(make, golden):
    b = make("longkou-8")
    for name in "ABCD":
        b.member(name)
    b.eval("A", "self", "95")
    b.eval("A", "peer", "92", by="同事一")
    b.eval("A", "peer", "90", by="同事二")  # peers: 91
    b.eval("A", "masses", "88")
    b.add("A", "bonus.item", "2023-10-01", "--points", "2")  # (95 + 91 + 88) / 3 + 2 = 93.33
    for name, scores in (("B", ("90", "85", "80")), ("C", ("60", "55", "50")), ("D", ("99", "99", "99"))):
        for kind, score in zip(("self", "peer", "masses"), scores):
            b.eval(name, kind, score)
    b.run("veto", "D", "--date", "2023-11-01", "-r", "受党纪处分")
    rows = b.rows()
    assert {n: (r["score"], r["eligible"], r["flags"]) for n, r in rows.items()} == {
        "D": (99, False, []),  # a breach: no awards, whatever the score
        "A": (93.33, True, []),
        "B": (85, False, []),  # below 90
        "C": (55, False, ["诫勉谈话"]),  # below 60
    }
    output = b.fails("eval", "A", "--kind", "boss", "--score", "90", "--period", "2023")
    assert "自评、互评、群众评议" in output
    output = b.fails("eval", "A", "--kind", "self", "--score", "120", "--period", "2023")
    assert "120" in output
    golden("longkou-8/grade-2023.json", dump(b.grade()))


def test_yongzhou_the_issue_example_within_the_quota_is_excellent(make):
    b = make("yongzhou-2018")
    for name in ("丁", "戊", "己"):
        b.member(name)
    _ding_year(b)
    for name in ("戊", "己"):
        for month in range(1, 13):
            b.add(name, "duty.post", f"2023-{month:02d}-15", "--points", "-15")  # 85 every month
    _reviewed(b, ("丁", "戊", "己"))
    rows = b.rows()
    assert (rows["丁"]["score"], rows["丁"]["grade"], rows["丁"]["flags"]) == (90.42, "优秀", ["评先评优对象"])
    assert rows["戊"]["grade"] == "合格"


def test_add_with_a_count_of_a_trillion_on_a_progressive_rule_hung_every_report(make):
    b = make("dongli-branch-2023", subjects="branches")
    b.member("一支部")
    log = b.folder / "ledger.yaml"
    before = log.read_bytes()
    out = b.fails("add", "b01", "key.accident", "--count", "1000000000000", "--date", "2023-03-01")
    assert "次数 1000000000000 超过规则 key.accident 允许的上限 1000" in out
    assert log.read_bytes() == before  # nothing written
    b.add("b01", "key.accident", "2023-03-01", "--count", "1000")  # the limit itself is fine
    # a log that already holds one (written before the limit, or by hand) is reported by check,
    # and a report refuses it at once instead of adding a trillion terms
    log.write_bytes(log.read_bytes().replace(b"count: 1000\n", b"count: 1000000000000\n"))
    checked = b.cli("check", "-l", b.folder)
    assert checked.exit_code == 1 and "超过规则 key.accident 允许的上限 1000" in checked.output
    assert b.cli("report", "--year", "2023", "-l", b.folder).exit_code == 2


def test_longkou_a_missing_evaluation_is_missing_not_zero(make, cli):
    """S5: "党员自评、党员互评、群众参评的平均分,加上加分项得分,为最终分数" — the final score needs all three
    evaluations. DOMAIN.md: "A missing evaluation is missing, not 0: the member is shown as not yet
    evaluated (未评) and gets no grade or flag until every panel the scheme reads is in."""
    b = make("longkou-8")
    for name in "ABC":
        b.member(name)
    for kind, score in (("self", "95"), ("peer", "91"), ("masses", "88")):
        b.eval("A", kind, score)  # (95 + 91 + 88) / 3 = 91.33: complete, eligible (≥ 90), ranked 1
    b.eval("B", "self", "96")
    b.eval("B", "peer", "94")  # two of three: (96 + 94) / 2 = 95 would be "eligible"; the masses are missing
    # C: nobody has evaluated; as 0 it would be "< 60 → 诫勉谈话", wrongly
    rows = b.rows()
    assert (rows["A"]["score"], rows["A"]["rank"], rows["A"]["eligible"]) == (91.33, 1, True)
    assert "missing" not in rows["A"]
    assert {n: (r["score"], r["rank"], r["eligible"], r["flags"], r["missing"]) for n, r in rows.items() if n != "A"} == {
        "B": (None, None, None, [], ["masses"]),
        "C": (None, None, None, [], ["self", "peer", "masses"]),
    }
    table = b.run("grade", "--year", "2023").stdout
    assert "未评" in table and "诫勉谈话" not in table
    assert "自评、互评、群众评议" in table and "masses" not in table  # the panels still missing, in words
    check = cli("check", "-l", b.folder)
    assert check.exit_code == 0, check.output  # a warning: the log itself is fine
    assert "尚未评议" in check.output and "群众评议" in check.output
    assert check.output.count("尚未评议") == 2  # B and C for 2023, each on its join
    assert "未发现错误，2 个提醒：" in check.output and "未发现问题" not in check.output  # one last line, not both
    card = b.json("show", "B", "--year", "2023")  # the card too: no partial year's score for B
    assert (card["periods"], card["missing"]) == ({"2023": None}, {"2023": ["masses"]})
    assert "2023：未评（缺少 群众评议）" in b.run("show", "B", "--year", "2023").stdout
    said = b.run("eval", "B", "--kind", "masses", "--score", "92", "--period", "2023", "--date", "2024-01-10",
                 "--by", "评议人").stdout  # now complete: (96 + 94 + 92) / 3 = 94, ranked 1 above A's 91.33
    assert "（2023 未评 → 94）" in said  # the answer, too, had said the partial 95 → 94
    rows = b.rows()
    assert (rows["B"]["score"], rows["B"]["rank"], rows["A"]["rank"]) == (94, 1, 2)
    assert b.json("show", "B", "--year", "2023")["periods"] == {"2023": 94}


def test_dongli_a_graded_item_is_judged_once(make, cli):
    """S4 (seed 003): "参与较好的得5分; 一般的得2分" — one judgement of the item per branch and year:
    recorded 一般 (item 5 → 2) and then 较好 (→ 5), one of the two was silently kept. The second is
    refused with a hint to amend the first; an existing log holding both is reported by check."""
    b = make("dongli-branch-2023", subjects="branches")
    b.member("二支部")
    b.add("二支部", "team.decisions", "2023-04-01", "--level", "一般")  # event 3: team 15 − (5 − 2) = 12
    output = b.fails("add", "二支部", "team.decisions", "--date", "2023-09-01", "--level", "较好")
    assert "已评过一次" in output and "jifen amend 3" in output
    b.add("二支部", "team.decisions", "2024-04-01", "--level", "较好")  # another year: judged again, fine
    b.run("amend", "3", "--level", "较好", "-r", "支委会复核")  # the way to change it: item 5 → 5, team 15
    assert b.json("report", "--year", "2023")["rows"][0]["categories"]["team"] == 15
    # a log written before this check (or by hand) that judges the item twice
    log = b.folder / "ledger.yaml"
    text = log.read_text(encoding="utf-8")
    last = text[text.rindex("\n- id: ") + 1:]
    number = int(last.split("\n", 1)[0].removeprefix("- id: "))
    twin = text[text.index("\n- id: 3\n") + 1:].split("\n- id: ", 1)[0]
    log.write_text(text + twin.replace("- id: 3", f"- id: {number + 1}", 1) + "\n", encoding="utf-8")
    result = cli("check", "-l", b.folder)
    assert result.exit_code == 1 and "已评过一次" in result.output and f":{text.count(chr(10)) + 1}:" in result.output


def test_a_ledger_pins_its_scheme_and_refuses_an_edited_one(make, cli):
    """DOMAIN.md: "A ledger is scored by the version of the scheme it adopted, pinned by content; a
    new version applies from its effective date, never to periods already past." init copies the
    scheme beside the log and the open event records its BLAKE3 hash; an edit is refused."""
    b = make("quantified-2023")
    pinned = b.folder / "scheme.yaml"
    head = (b.folder / "ledger.yaml").read_text(encoding="utf-8")
    assert pinned.is_file() and "scheme: scheme.yaml" in head
    import blake3

    digest = blake3.blake3(pinned.read_bytes()).hexdigest()
    assert f"scheme_hash: \"{digest}\"" in head
    b.member("甲")
    b.add("甲", "study.absent", "2023-02-01")  # 缺席三会一课 −1: Q1 99, Q2–Q4 100, year (99 + 300) / 4 = 99.75
    assert b.rows()["甲"]["score"] == 99.75
    pinned.write_text(pinned.read_text(encoding="utf-8").replace("total: 100 ", "total: 100.0 "), encoding="utf-8")
    result = cli("grade", "--year", "2023", "-l", b.folder)
    assert result.exit_code != 0 and digest in result.output and "已被改动" in result.output
    assert cli("add", "甲", "study.absent", "--date", "2023-03-01", "-l", b.folder).exit_code != 0


def test_a_committees_tables_were_titled_as_if_party_members_were_scored(make):
    b = make("dongli-branch-2023", "branches")
    b.member("一支部")
    grade = b.run("grade", "--year", "2023").stdout
    report = b.run("report", "--year", "2023").stdout
    assert "党支部考评" in grade and "党员" not in grade.splitlines()[0]
    assert "党支部考评" in report and "党员" not in report.splitlines()[0]
