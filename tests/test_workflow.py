"""The workflow through the CLI: declarations, notice and appeals, closing, amendments, late corrections."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def run(cli, branch):
    def call(*words, code: int = 0):
        result = cli(*words, "-l", branch)
        assert result.exit_code == code, result.output
        return result

    return call


def scores(run, period="2023Q1"):
    data = json.loads(run("report", "--quarter", period, "-f", "json").output)
    return {r["member"]: r["score"] for r in data["rows"]}, data


def test_declaration_counts_only_once_approved(run):
    run("declare", "张三", "honor.city", "--date", "2023-02-01", "--ref", "市优秀党员")  # event 4
    run("declare", "李四", "honor.company", "--date", "2023-02-02")  # event 5
    board, data = scores(run)
    assert board == {"张三": 100, "李四": 100}
    assert [p["id"] for p in data["pending"]] == [4, 5]
    assert "待审核的申报 #4：张三(m01) honor.city（2023-02-01）" in run("report", "--quarter", "2023Q1").output
    run("approve", "4", "--date", "2023-03-01")
    run("reject", "5", "-r", "无证明材料", "--date", "2023-03-01")
    board, data = scores(run)
    assert board == {"张三": 103, "李四": 100} and data["pending"] == []
    assert "已有决定" in run("approve", "5", "--date", "2023-03-02", code=2).output
    assert "只用于：申报" in run("approve", "2", "--date", "2023-03-02", code=2).output  # a join is not a declaration


def test_notice_appeal_ruling_and_close(run, cli):
    run("add", "张三", "service.complaint", "--date", "2023-02-10")  # 4
    run("add", "李四", "study.absent", "--date", "2023-02-11", "--count", "3")  # 5
    # an objection before the notice is refused
    assert "公示期内" in run("appeal", "4", "--by", "张三", "-r", "投诉不属实", "--date", "2023-03-30", code=2).output
    run("notice", "--quarter", "2023Q1", "--from", "2023-04-01", "--days", "7", "--note", "异议请向纪检委员王五提出")  # 6
    run("appeal", "4", "--by", "张三", "-r", "投诉不属实", "--date", "2023-04-03")  # 7
    run("appeal", "5", "--by", "李四", "-r", "只缺席两次", "--date", "2023-04-05")  # 8
    assert "公示期内" in run("appeal", "5", "--by", "李四", "-r", "x", "--date", "2023-04-08", code=2).output
    _, data = scores(run)
    assert data["notice"] == [{"period": "2023Q1", "from": "2023-04-01", "to": "2023-04-07", "note": "异议请向纪检委员王五提出"}]
    assert [a["id"] for a in data["appeals"]] == [7, 8]
    table = run("report", "--quarter", "2023Q1").output
    assert "公示：2023Q1 2023-04-01 至 2023-04-07。异议请向纪检委员王五提出" in table
    assert "未裁定的异议 #7：张三(m01) 对 #4：投诉不属实" in table
    assert "未裁定的异议" in run("close", "--quarter", "2023Q1", "--date", "2023-04-09", code=2).output
    said = run("ruling", "7", "支持", "-r", "经核实投诉不属实", "--date", "2023-04-10").output  # cancels 4
    assert "异议 #7 裁定 支持" in said and "upheld" not in said
    run("ruling", "8", "upheld", "-r", "核实为缺席两次", "--count", "2", "--date", "2023-04-10")  # amends 5
    assert "已有裁定" in run("ruling", "8", "驳回", "-r", "x", "--date", "2023-04-10", code=2).output
    assert "支持 (upheld)" in run("ruling", "8", "同意", "-r", "x", "--date", "2023-04-10", code=2).output
    board, data = scores(run)
    assert board == {"张三": 100, "李四": 98} and data["appeals"] == []
    run("close", "--quarter", "2023Q1", "--date", "2023-04-11")
    # closed: a new record dated in Q1 is refused, unless recorded as a late correction
    assert "已关闭" in run("add", "张三", "study.notes", "--date", "2023-03-15", code=2).output
    assert "--reason" in run("add", "张三", "study.notes", "--date", "2023-03-15", "--late", code=2).output
    run("add", "张三", "study.notes", "--date", "2023-03-15", "--late", "-r", "上级巡查发现漏记")
    board, data = scores(run)
    assert board["张三"] == 99
    assert [e["reason"] for e in data["late"]] == ["上级巡查发现漏记"]
    assert "逾期更正" in run("report", "--quarter", "2023Q1").output
    # revoking a closed quarter's record is a change to it too
    assert "已关闭" in run("revoke", "5", "-r", "x", code=2).output
    run("add", "张三", "study.notes", "--date", "2023-04-20")  # Q2 is open
    assert run("check").exit_code == 0


def test_amend_replaces_the_target(run):
    run("add", "张三", "study.quality", "--points", "-3", "--date", "2023-02-10")  # 4
    run("amend", "4", "--points", "-1", "-r", "复核后酌减", "--date", "2023-02-20")  # 5
    assert scores(run)[0]["张三"] == 99
    run("amend", "5", "--rule", "study.absent", "--count", "2", "-r", "应按缺席计", "--date", "2023-02-21")  # 6
    assert scores(run)[0]["张三"] == 98
    assert "-11" in run("amend", "6", "--rule", "study.quality", "--points", "-11", "-r", "x", code=2).output
    assert "没有给出任何新值" in run("amend", "6", "-r", "x", code=2).output
    show = json.loads(run("show", "张三", "-f", "json").output)
    assert [(e["id"], e["kind"], e["revoked"]) for e in show["events"] if e["kind"] != "join"] == [
        (4, "score", True), (6, "amend", False),
    ]


def test_concurrent_cli_appends(branch, tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "JIFEN_USER": "并发测试", "JIFEN_LANG": "en"}
    script = "\n".join(
        f"for i in $(seq 1 5); do {sys.executable} -m jifen add {who} study.absent --date 2023-01-1$i -l {branch} >/dev/null || exit 1; done"
        for who in ("m01", "m02", "m01")
    )
    procs = [subprocess.Popen(["bash", "-c", line], env=env) for line in script.splitlines()]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    from jifen.store import ledger

    book, problems = ledger.read(branch)
    assert problems == []
    ids = [e.id for e in book.events]
    assert len(ids) == 3 + 15 and ids == sorted(set(ids))


def test_revoking_an_amendment_restores_the_original(run):
    run("add", "张三", "study.quality", "--points", "-3", "--date", "2023-02-10")  # 4
    run("amend", "4", "--points", "-1", "-r", "复核后酌减", "--date", "2023-02-20")  # 5
    run("revoke", "5", "-r", "更正有误", "--date", "2023-02-21")
    assert scores(run)[0]["张三"] == 97
