"""jifen status: what is due for a branch on a day, from hand-made ledgers, through the command line."""

from __future__ import annotations

import json

import pytest

from tests.conftest import write

HEAD = """
- id: 1
  date: 2023-01-01
  kind: open
  name: 第二党支部
  scheme: {scheme}
  by: 记分员
- id: 2
  date: 2023-01-01
  kind: join
  subject: m01
  name: 张三
  by: 记分员
- id: 3
  date: 2023-01-01
  kind: join
  subject: m02
  name: 李四
  by: 记分员
"""

WORKFLOW = HEAD.format(scheme="quantified-2023") + """
- id: 4
  date: 2023-02-10
  kind: score
  subject: m01
  rule: study.absent
  by: 记分员
- id: 5
  date: 2023-04-03
  kind: notice
  period: 2023Q1
  by: 记分员
- id: 6
  date: 2023-04-05
  kind: appeal
  target: 4
  subject: m01
  reason: 当天请过假
  by: 张三
- id: 7
  date: 2023-04-20
  kind: declare
  subject: m02
  rule: honor.city
  by: 李四
- id: 8
  date: 2023-05-10
  kind: score
  subject: m02
  rule: work.key
  by: 记分员
- id: 9
  date: 2023-05-11
  kind: score
  subject: m02
  rule: work.daily
  by: 记分员
- id: 10
  date: 2023-06-30
  kind: declare
  subject: m01
  rule: honor.company
  by: 张三
"""


def ledger(tmp_path, text, folder="第二党支部"):
    path = write(tmp_path / folder / "ledger.yaml", text)
    return path.parent


def items(cli, folder, today):
    result = cli("status", "-l", folder, "--today", today, "-f", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["items"]


def test_workflow_items_come_most_urgent_first(tmp_path, cli):
    folder = ledger(tmp_path, WORKFLOW)
    found = items(cli, folder, "2023-7-3")
    assert [(i["item"], i["level"], i.get("id"), i.get("period")) for i in found] == [
        ("appeal", "due", 6, None),  # the appeal against #4, not ruled on
        ("pending", "overdue", 7, None),  # 74 days waiting; #10, 3 days old, is not late yet
        ("close", "overdue", None, "2023Q1"),  # its notice ended 2023-04-09
        ("notice", "overdue", None, "2023Q2"),  # ended without a notice
        ("register", "due", None, "2023-06"),  # due by 2023-07-05
        ("grade", "warning", None, "2023"),  # 李四: Q1 100, Q2 75, Q3 100 so far: 91.67, under 合格 (92)
    ]
    text = cli("status", "-l", folder, "--today", "2023年7月3日").output
    assert text.splitlines()[0] == "第二党支部 待办事项（2023-07-03）"
    assert "1. 【待办】#6 张三 对 #4 的申辩（2023-04-05 提出）尚未裁定" in text
    assert "2. 【逾期】#7 李四 的申报“获得市级荣誉”（2023-04-20）已等待 74 天：jifen approve 7" in text
    assert "3. 【逾期】2023Q1 的公示已于 2023-04-09 结束，季度尚未关闭：jifen close --quarter 2023Q1" in text
    assert "5. 【待办】2023-06 月度登记表应于 2023-07-05 前报送（还有 2 天）" in text


def test_a_ruled_appeal_an_approved_declaration_and_a_closed_quarter_are_not_due(tmp_path, cli):
    folder = ledger(tmp_path, WORKFLOW + """
- id: 11
  date: 2023-04-08
  kind: ruling
  target: 6
  decision: upheld
  reason: 核实属实
  by: 支委会
- id: 12
  date: 2023-04-21
  kind: approve
  target: 7
  by: 支委会
- id: 13
  date: 2023-04-12
  kind: close
  period: 2023Q1
  by: 记分员
""")
    assert [i["item"] for i in items(cli, folder, "2023-7-3")] == ["notice", "register"]
    assert [i["item"] for i in items(cli, folder, "2023-7-6")] == ["notice"]  # the register is no longer asked after the 5th


def test_a_member_below_the_grade_line_so_far_is_warned(tmp_path, cli):
    folder = ledger(tmp_path, WORKFLOW)
    (warning,) = [i for i in items(cli, folder, "2023-5-20") if i["level"] == "warning"]
    assert (warning["item"], warning["member"], warning["score"], warning["grade"], warning["line"]) == (
        "grade", "李四", 87.5, "不合格", 92)  # Q1 100 and Q2 75 so far: the quarters to come do not count yet
    assert "【预警】李四 本年目前 87.5 分，按此将评为“不合格”（合格线 92）" in cli("status", "-l", folder, "--today", "2023-5-20").output
    assert not [i for i in items(cli, folder, "2023-5-9") if i["level"] == "warning"]  # before the deductions
    # a one-vote veto decides the year: the warning says the year's 0, not the 87.5 so far
    assert cli("veto", "李四", "--reason", "受党纪处分", "--date", "2023-05-15", "-l", folder).exit_code == 0
    (vetoed,) = [i for i in items(cli, folder, "2023-5-20") if i["level"] == "warning"]
    assert (vetoed["member"], vetoed["score"], vetoed["grade"]) == ("李四", 0, "不合格")


def test_a_talk_line_is_warned_in_the_year_and_in_the_month(tmp_path, cli):
    yearly = ledger(tmp_path, HEAD.format(scheme="longkou-8") + "".join(f"""
- id: {n}
  date: 2023-12-01
  kind: eval
  subject: m01
  panel: {panel}
  score: 50
  by: 评议组
""" for n, panel in ((4, "self"), (5, "peer"), (6, "masses"))), "科技局支部")
    found = items(cli, yearly, "2023-12-10")
    flag = next(i for i in found if i["item"] == "flag")
    assert (flag["member"], flag["flag"], flag["score"], flag["line"]) == ("张三", "诫勉谈话", 50, 60)
    missing = next(i for i in found if i["item"] == "eval")  # 李四 has no evaluation yet, in December
    assert (missing["member"], missing["panels"], missing["level"]) == ("李四", "自评、互评、群众", "due")
    said = cli("status", "-l", yearly, "--today", "2023-12-10").output  # the command to run, with who and when
    assert "尚缺评议：自评、互评、群众（2023-12-31 前完成）：jifen eval m02 --kind 评议方 --score 分数 --period 2023" in said
    assert not [i for i in items(cli, yearly, "2023-11-10") if i["item"] == "eval"]  # not asked before December
    late = items(cli, yearly, "2024-1-10")
    assert [(i["item"], i["level"], i["member"]) for i in late if i["item"] == "eval"] == [("eval", "overdue", "李四")]
    early = [(i["item"], i["level"]) for i in items(cli, yearly, "2024-1-3")]  # what is late before what is due
    assert early.index(("eval", "overdue")) < early.index(("register", "due")), early
    monthly = ledger(tmp_path, HEAD.format(scheme="bianban-monthly") + """
- id: 4
  date: 2023-03-02
  kind: score
  subject: m02
  rule: minus.event
  by: 记分员
- id: 5
  date: 2023-03-03
  kind: score
  subject: m02
  rule: minus.typo
  by: 记分员
""", "编办支部")
    text = cli("status", "-l", monthly, "--today", "2023-3-20").output
    assert "【预警】李四 2023-03 已扣 11 分，超过“谈心谈话”线 10" in text
    assert "谈心谈话" not in cli("status", "-l", monthly, "--today", "2023-4-20").output


def test_nothing_due_says_so(tmp_path, cli):
    folder = ledger(tmp_path, HEAD.format(scheme="quantified-2023"))
    result = cli("status", "-l", folder, "--today", "2023-2-10")
    assert result.exit_code == 0 and "今天没有待办事项。" in result.output
    assert items(cli, folder, "2023-2-10") == []


@pytest.mark.parametrize("today", ["2023-02-30", "明天"])
def test_a_wrong_today_is_a_clear_error(tmp_path, cli, today):
    folder = ledger(tmp_path, HEAD.format(scheme="quantified-2023"))
    result = cli("status", "-l", folder, "--today", today)
    assert result.exit_code == 2 and "Traceback" not in result.output and "jifen：" in result.output
