"""Roles over time, groups and statuses of people (issue 16), end to end through the CLI.

Each test builds a ledger with the real commands; the numbers are worked by hand in the comments
from the source sentence they implement.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from jifen import book
from jifen.core import roster
from tests.conftest import ROOT


class Branch:
    """A ledger under one scheme, driven through the CLI."""

    def __init__(self, cli, folder: Path, scheme: str) -> None:
        self.cli, self.folder = cli, folder
        self.ok("init", folder, "--scheme", scheme, "--name", "测试支部", "--date", "2023-01-01", ledger=False)

    def ok(self, *words, ledger: bool = True):
        result = self.cli(*words, *(["-l", self.folder] if ledger else []))
        assert result.exit_code == 0, result.output
        return result

    def fails(self, *words) -> str:
        """The error of a refused command; nothing is written."""
        before = self.bytes()
        result = self.cli(*words, "-l", self.folder)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert self.bytes() == before
        return result.output

    def bytes(self) -> bytes:
        return (self.folder / "ledger.yaml").read_bytes()

    def member(self, name: str, *extra: str, date: str = "2023-01-01") -> None:
        self.ok("member", "add", name, "--date", date, *extra)

    def scores(self, *period: str, group: str | None = None) -> dict[str, object]:
        words = ["report", *period, "-f", "json", *(["--group", group] if group else [])]
        return {r["member"]: r["score"] for r in json.loads(self.ok(*words).stdout)["rows"]}

    def rows(self, *words: str) -> list[dict]:
        return json.loads(self.ok(*words, "-f", "json").stdout)["rows"]


@pytest.fixture
def make(cli, tmp_path):
    def build(scheme: str) -> Branch:
        return Branch(cli, tmp_path / "党支部", scheme)

    return build


# --- roles over time -------------------------------------------------------------------------


def test_two_secretaries_in_one_year_shares_follow_the_holder_on_each_date(make):
    """bianban (seed 001): 在计分规则中引入"顺三七"和"倒三七": 30% of a member's bonus to the
    secretary (顺三七), 70% of a member's deduction to the secretary (倒三七) — the secretary of
    the event's date."""
    b = make("bianban-monthly")
    b.member("老书记", "--role", "支部书记")  # the role by its name in the scheme
    b.member("新书记")
    b.member("党员甲")
    b.ok("add", "党员甲", "plus.award", "--points", "10", "--date", "2023-03-10")  # 甲 +7, 老书记 +3
    # 换届 on 2023-07-01, in one command: the old secretary is relieved on the same date
    out = b.ok("member", "role", "新书记", "支部书记", "--replace", "--date", "2023-07-01").output
    assert "老书记(m01) 卸任 支部书记" in out and "新书记(m02) 任 支部书记" in out
    b.ok("add", "党员甲", "plus.award", "--points", "10", "--date", "2023-07-01")  # 甲 +7, 新书记 +3 (that day)
    b.ok("add", "党员甲", "minus.major", "--points", "-20", "--date", "2023-08-10")  # 甲 −6, 新书记 −14
    assert b.scores("--month", "2023-03") == {"党员甲": 107, "老书记": 103, "新书记": 100}
    assert b.scores("--month", "2023-07") == {"党员甲": 107, "新书记": 103, "老书记": 100}
    assert b.scores("--month", "2023-08") == {"老书记": 100, "党员甲": 94, "新书记": 86}
    # the year: 1200 base each; 甲 +7 +7 −6 = 1208; 老书记 +3 = 1203; 新书记 +3 −14 = 1189
    assert b.scores("--year", "2023") == {"党员甲": 1208, "老书记": 1203, "新书记": 1189}
    # the one function the rest asks: who holds a role on a day, what roles a member holds
    members = book.open(b.folder, [ROOT / "schemes"]).members
    assert roster.holders(members, "secretary", dt.date(2023, 6, 30)) == ["m01"]
    assert roster.holders(members, "secretary", dt.date(2023, 7, 1)) == ["m02"]
    assert roster.roles_of(members, "m01", dt.date(2023, 7, 1)) == ()
    assert roster.roles_of(members, "m02", dt.date(2023, 12, 31)) == ("secretary",)


def test_a_second_secretary_beyond_the_limit_is_refused_until_the_first_is_relieved(make):
    """bianban's scheme: secretary: {name: 支部书记, holders: 1}. The natural order of two commands
    (relieve, then appoint, the same date) works as --replace does."""
    b = make("bianban-monthly")
    b.member("张书记", "--role", "secretary")
    b.member("李委员")
    out = b.fails("member", "role", "李委员", "支部书记", "--date", "2024-01-01")
    assert "支部书记已由 张书记(m01) 担任" in out and "至多 1 人" in out
    assert "jifen member role 张书记 支部书记 --end --date 2024-01-01" in out  # what to do
    assert "未知角色 书记" in b.fails("member", "role", "李委员", "书记", "--date", "2024-01-01")
    never = b.fails("member", "role", "李委员", "secretary", "--end", "--date", "2024-01-01")
    assert "李委员（m02）在 2024-01-01 并未担任 支部书记" in never  # the role's name, not its id
    assert "jifen member list" in never and "member show" not in never  # a command that exists
    assert "张书记（m01）在 2024-01-01 已担任 支部书记" in b.fails("member", "role", "张书记", "secretary", "--date", "2024-01-01")
    b.ok("member", "role", "张书记", "secretary", "--end", "--date", "2024-01-01")
    b.ok("member", "role", "李委员", "secretary", "--date", "2024-01-01")
    assert b.ok("check").exit_code == 0
    listed = {r["member"]: r["roles"] for r in b.rows("member", "list")}
    assert listed == {"张书记": "", "李委员": "支部书记"}  # who holds what at the end of the log
    members = book.open(b.folder, [ROOT / "schemes"]).members
    assert roster.holders(members, "secretary", dt.date(2023, 12, 31)) == ["m01"]
    assert roster.holders(members, "secretary", dt.date(2024, 1, 1)) == ["m02"]


def test_a_secretary_dated_before_one_already_recorded_is_refused(make, monkeypatch):
    """A post dated before the one a member already took up overlaps it from that member's day on:
    the log as a whole would find two 支部书记 at once there, so the append is refused (it was
    written, and with the cache on the roster then printed two secretaries where, with it off, the
    whole log's check refused to print anything)."""
    b = make("bianban-monthly")
    for name in ("张三", "李四", "王五", "赵六"):
        b.member(name)
    b.ok("member", "role", "赵六", "secretary", "--date", "2023-06-02")
    out = b.fails("member", "role", "李四", "secretary", "--date", "2023-02-07")
    assert "2023-06-02 支部书记已由 赵六(m04) 担任" in out and "至多 1 人" in out
    assert b.ok("check").exit_code == 0
    cached = b.ok("member", "list").output
    monkeypatch.setenv("JIFEN_CACHE", "off")
    assert b.ok("member", "list").output == cached


def test_a_role_based_flag_follows_whoever_held_the_role_that_year(make):
    """ecommerce (seed 001, 篇三): the flag for 企业管理人员 applies to a member made manager in the
    year, not only to one who joined as a manager."""
    b = make("ecommerce-stars")
    b.member("王经理")
    b.ok("member", "role", "王经理", "企业管理人员", "--date", "2023-05-01")
    members = book.open(b.folder, [ROOT / "schemes"]).members
    assert members["m01"].roles_between(dt.date(2023, 1, 1), dt.date(2023, 12, 31)) == ("manager",)
    assert roster.roles_of(members, "m01", dt.date(2023, 4, 30)) == ()


# --- groups ----------------------------------------------------------------------------------


def test_a_group_deduction_books_one_event_per_member_of_the_group_all_or_none(make):
    """jisheng (seed 003): 未按规定时间汇总上报本科室人员业绩档案材料的,对该科室每人扣5分;
    凡在今后的抽查中查出原调查组未查出的重大问题的,对该调查组全体人员分别扣10分."""
    b = make("jisheng-staff")
    for name in ("甲", "乙", "丙"):
        b.member(name)
    b.member("丁", date="2023-06-01")
    b.ok("member", "group", "甲", "办公室", "--date", "2023-01-01")
    b.ok("member", "group", "乙", "办公室", "--date", "2023-01-01")
    b.ok("member", "group", "丙", "规划科", "--date", "2023-01-01")
    b.ok("member", "group", "乙", "第一调查组", "--date", "2023-01-01")  # 乙 is in a 科室 and an 调查组 at once
    b.ok("member", "group", "丙", "第一调查组", "--date", "2023-01-01")
    out = b.ok("add", "--group", "办公室", "work.late-report", "--date", "2023-04-10").output
    assert "已记录 2 条" in out  # 甲 and 乙, one event each
    b.ok("add", "--group", "第一调查组", "center.missed", "--date", "2023-09-01")  # 乙 and 丙
    # all or none: 丁 was not on the roll on 2023-03-01, so nothing is booked for the group either
    out = b.fails("add", "丁", "--group", "规划科", "work.late-report", "--date", "2023-03-01")
    assert "丁（m04）在 2023-03-01 不在本支部" in out
    assert "没有成员" in b.fails("add", "--group", "第二调查组", "center.missed", "--date", "2023-09-01")
    # 乙 moves to 规划科 on 2023-10-01: a later 规划科 deduction takes in 乙 and 丙, not 甲
    b.ok("member", "group", "乙", "办公室", "--end", "--date", "2023-10-01")
    b.ok("member", "group", "乙", "规划科", "--date", "2023-10-01")
    b.ok("add", "-g", "规划科", "work.late-report", "--date", "2023-11-01")
    rows = {r["member"]: r for r in b.rows("report", "--year", "2023")}
    # 工作业绩 (30): 甲 30 − 5 = 25; 乙 30 − 5 − 5 = 20; 丙 30 − 5 = 25; 丁 30
    # 中心工作 (20): 乙 and 丙 20 − 10 = 10; 甲 and 丁 20
    assert {m: (r["categories"]["work"], r["categories"]["center"]) for m, r in rows.items()} == {
        "甲": (25, 20), "乙": (20, 10), "丙": (25, 10), "丁": (30, 20)}
    assert rows["乙"]["groups"] == "办公室、第一调查组、规划科" and rows["丁"]["groups"] == ""


def test_a_report_cut_by_group_keeps_the_branchs_ranks(make):
    """S5 (seed 004): 党员互评。以党小组为单位 — the table of one 党小组, its members only."""
    b = make("quantified-2023")
    for name in ("张三", "李四", "王五"):
        b.member(name)
    b.ok("member", "group", "张三", "第一党小组", "--date", "2023-01-01")
    b.ok("member", "group", "王五", "第一党小组", "--date", "2023-01-01")
    b.ok("member", "group", "李四", "第二党小组", "--date", "2023-01-01")
    b.ok("add", "张三", "study.absent", "--date", "2023-02-01")
    rows = b.rows("report", "--quarter", "2023Q1", "--group", "第一党小组")
    assert [(r["member"], r["rank"], r["groups"]) for r in rows] == [("王五", 1, "第一党小组"), ("张三", 3, "第一党小组")]
    table = b.ok("report", "--quarter", "2023Q1", "--group", "第一党小组").output
    assert "小组" in table and "李四" not in table and "只列出 第一党小组 的成员" in table
    for command in (("report", "--quarter", "2023Q1"), ("grade", "--year", "2023")):  # a mistyped name was an empty table
        typo = b.cli(*command, "--group", "第三党小组", "-l", b.folder)
        assert typo.exit_code == 2 and "没有小组 第三党小组" in typo.output and "第一党小组、第二党小组" in typo.output


# --- statuses of people ----------------------------------------------------------------------


def test_activists_are_not_scored_unless_the_scheme_says_so(make):
    """The default: members only, as before statuses were recorded (预备党员 are party members)."""
    b = make("quantified-2023")
    b.member("党员甲")
    b.member("积极分子乙", "--status", "入党积极分子")
    b.member("预备党员丙", "--status", "预备党员")
    assert set(b.scores("--year", "2023")) == {"党员甲", "预备党员丙"}
    listed = {r["member"]: r["standing"] for r in b.rows("member", "list")}
    assert listed == {"党员甲": None, "积极分子乙": "activist", "预备党员丙": "probationary"}
    assert "入党积极分子" in b.ok("member", "list").output
    assert "未知身份 群众" in b.fails("member", "status", "积极分子乙", "群众", "--date", "2023-02-01")


def test_ecommerce_scores_activists_beside_members(make):
    """ecommerce (seed 001, 篇三): 预备党员及入党积极分子一并参加考评,确定星级 — ranked together."""
    b = make("ecommerce-stars")
    b.member("党员甲")
    b.member("积极分子乙", "--status", "积极分子")
    b.ok("add", "积极分子乙", "plus.activity", "--date", "2023-01-05")  # 100 + 2 = 102
    rows = b.rows("report", "--month", "2023-01")
    assert [(r["member"], r["status"], r["score"], r["rank"]) for r in rows] == [
        ("积极分子乙", "activist", 102, 1), ("党员甲", "full", 100, 2)]
    assert "入党积极分子" in b.ok("report", "--month", "2023-01").output  # the 身份 column, in words


def test_an_activist_ranked_apart_from_members(cli, tmp_path):
    """A scheme that scores 入党积极分子 but ranks them apart (statuses: ranked: apart): each table has
    its own rank 1, and a status passed in the year is the one held at its end."""
    text = (ROOT / "schemes" / "ecommerce-stars.yaml").read_text(encoding="utf-8")
    scheme = tmp_path / "分开排名.yaml"
    scheme.write_text(text.replace("scored: [入党积极分子, 预备党员, 正式党员]", "scored: [入党积极分子, 发展对象, 预备党员, 正式党员]")
                      .replace("ranked: together", "ranked: apart"), encoding="utf-8")
    b = Branch(cli, tmp_path / "党支部", str(scheme))
    b.member("党员甲")
    b.member("党员乙")
    b.member("积极分子丙", "--status", "入党积极分子")
    b.member("发展对象丁", "--status", "入党积极分子")
    b.ok("member", "status", "发展对象丁", "发展对象", "--date", "2023-01-20")
    b.ok("add", "党员甲", "minus.absent", "--date", "2023-01-05")  # 100 − 5 = 95
    b.ok("add", "积极分子丙", "plus.activity", "--date", "2023-01-05")  # 100 + 2 = 102
    rows = b.rows("report", "--month", "2023-01")
    # activists first (丙 alone, rank 1), then candidates (丁, rank 1), then members (乙 100 rank 1, 甲 95 rank 2)
    assert [(r["member"], r["status"], r["rank"]) for r in rows] == [
        ("积极分子丙", "activist", 1), ("发展对象丁", "candidate", 1), ("党员乙", "full", 1), ("党员甲", "full", 2)]


# --- the scheme check ------------------------------------------------------------------------


def test_scheme_check_knows_roles_with_limits_and_statuses(cli, tmp_path):
    text = (ROOT / "schemes" / "bianban-monthly.yaml").read_text(encoding="utf-8")
    lines = text.replace("holders: 1}", "holders: 0}").splitlines()
    at = next(i for i, line in enumerate(lines) if "holders: 0" in line) + 1
    lines.insert(at, "statuses: {scored: [群众, 正式党员], ranked: apart}")
    scheme = tmp_path / "编办方案.yaml"
    scheme.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("scheme", "check", scheme)
    assert result.exit_code != 0 and "Traceback" not in result.output
    column = lines[at - 1].index("0}") + 1
    assert f"{scheme}:{at}:{column}" in result.output  # holders: 0 is not a number of people
    assert f"{scheme}:{at + 1}:21: 未知身份 群众" in result.output
    scheme.write_text(text + "statuses: {ranked: 分开}\n", encoding="utf-8")
    result = cli("scheme", "check", scheme)
    assert result.exit_code != 0 and "together, apart" in result.output

    lines = text.replace("holders: 1}", "holders: 2}").splitlines()
    scheme.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("scheme", "check", scheme)
    assert result.exit_code != 0 and "secretary 可由 2 人同时担任" in result.output


def test_a_monthly_schemes_card_counted_each_event_twice_in_its_running_score(make):
    """bianban is scored by month: the card's 本月累计 was the month's running score added up once as
    the scoring period's and once as the month's (100 + 3 + 3 = 106). 100 + 3 = 103; the 顺三七 share
    of 乙's event, recorded after it, comes after (103 + 0.9 = 103.9 for the month)."""
    b = make("bianban-monthly")
    b.member("书记甲", "--role", "secretary")
    b.member("党员乙")
    b.ok("add", "书记甲", "党员乙", "plus.exchange", "--date", "2024-03-05")
    card = json.loads(b.ok("show", "书记甲", "-f", "json").stdout)
    assert [(e["id"], e["running"]) for e in card["events"] if e["kind"] == "score"] == [(4, 103)]
    assert card["periods"]["2024-03"] == 103.9


def test_a_role_under_a_scheme_without_roles_says_so(make):
    """It said 未知角色 记分员 / 方案的 roles：-。, naming nothing to do."""
    b = make("quantified-2023")
    b.member("刘芳")
    out = b.fails("member", "role", "刘芳", "记分员", "--date", "2023-05-01")
    assert "方案 quantified-2023 没有规定职务（roles），不能记录 记分员" in out and "jifen scheme adopt" in out
