"""Versions of a branch's scheme (issue 16, 方案不能改写过去): a new version is adopted by an appended
event from the first day of a year; earlier years keep the rules they were scored by.

The scheme is S1 (quantified-2023, seed 000): 理论学习 10 分, "缺席三会一课、培训或主题教育实践活动的,
每次扣1分", 扣完为止; 按季考核; 年度得分为各季度得分的加权平均 (equal weights); 优秀 ≥ 98,
良好 95 ≤ s < 98. Its v2, 新方案.yaml, makes the same absence cost 2 points and drops
study.notes ("理论学习笔记每月少于1篇的扣1分").
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import ROOT

V1 = ROOT / "schemes" / "quantified-2023.yaml"


@pytest.fixture
def v2(tmp_path):
    text = V1.read_text(encoding="utf-8")
    text = text.replace("scheme: quantified-2023", "scheme: quantified-2024", 1)
    text = text.replace("name: 缺席三会一课、培训或主题教育实践活动, kind: fixed, points: -1}",
                        "name: 缺席三会一课、培训或主题教育实践活动, kind: fixed, points: -2}", 1)
    text = "\n".join(line for line in text.split("\n") if "id: study.notes," not in line)
    path = tmp_path / "新规" / "新方案.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


# exit codes (errors.py): 1 problems found (check, scheme check, audit); 2 input refused, nothing written


def score(cli, folder, *period) -> dict:
    result = cli("report", *period, "--format", "json", "-l", folder)
    assert result.exit_code == 0, result.output
    return {row["member"]: row["score"] for row in json.loads(result.output)["rows"]}


def adopt(cli, folder, path, start="2024-01-01", *more):
    return cli("scheme", "adopt", path, "--from", start, "--date", "2023-12-20", "-r", "支委会2023年12月20日决定",
               "-l", folder, *more)


def test_each_year_is_scored_by_the_version_that_governs_it(cli, branch, v2):
    assert cli("add", "张三", "study.absent", "--date", "2023-03-01", "-l", branch).exit_code == 0
    result = adopt(cli, branch, v2, "2024年1月1日")
    assert result.exit_code == 0, result.output
    assert "2024 年起按新版本计分" in result.output and "2023 年及以前仍按原版本" in result.output
    copy = branch / "scheme-2024.yaml"  # beside the log, under a name of its own, byte for byte
    assert copy.read_bytes() == v2.read_bytes()
    assert "effective: 2024-01-01" in (branch / "ledger.yaml").read_text(encoding="utf-8")
    assert cli("add", "张三", "缺席", "--date", "2024-03-01", "-l", branch).exit_code == 0
    # 2023Q1 under v1: 100 − 1 = 99; 2024Q1 under v2: 100 − 2 = 98
    assert score(cli, branch, "-q", "2023Q1")["张三"] == 99
    assert score(cli, branch, "-q", "2024Q1")["张三"] == 98
    # the years: (99 + 100 + 100 + 100) / 4 = 99.75 and (98 + 100 + 100 + 100) / 4 = 99.5
    grade = json.loads(cli("grade", "-y", "2024", "--format", "json", "-l", branch).output)
    assert grade["scheme"] == "quantified-2024"
    assert {r["member"]: r["score"] for r in grade["rows"]} == {"张三": 99.5, "李四": 100}
    card = json.loads(cli("show", "张三", "--format", "json", "-l", branch).output)
    assert card["periods"]["2023"] == 99.75 and card["periods"]["2024"] == 99.5
    assert [e["points"] for e in card["events"] if e["kind"] == "score"] == [-1, -2]
    assert score(cli, branch, "-y", "2023")["张三"] == 99.75  # and again from the cache
    checked = cli("check", "-l", branch)
    assert checked.exit_code == 0 and "quantified-2023(…–2023) → quantified-2024(2024–…)" in checked.output


def test_a_rule_the_new_version_removed_is_a_problem_only_in_its_years(cli, branch, v2):
    assert adopt(cli, branch, v2).exit_code == 0
    refused = cli("add", "张三", "study.notes", "--date", "2024-02-01", "-l", branch)
    assert refused.exit_code == 2 and "quantified-2024 中没有规则 study.notes" in refused.output
    assert cli("add", "张三", "study.notes", "--date", "2023-05-31", "-l", branch).exit_code == 0  # v1's year
    assert score(cli, branch, "-q", "2023Q2")["张三"] == 99


def test_adopting_a_version_that_cannot_score_events_already_recorded_is_refused(cli, branch, v2):
    assert cli("add", "张三", "study.notes", "--date", "2024-01-31", "-l", branch).exit_code == 0
    before = (branch / "ledger.yaml").read_bytes()
    result = adopt(cli, branch, v2)
    assert result.exit_code == 2
    assert "ledger.yaml:" in result.output and "没有规则 study.notes" in result.output and "未写入" in result.output
    assert (branch / "ledger.yaml").read_bytes() == before and not (branch / "scheme-2024.yaml").exists()


def test_a_year_cannot_straddle_two_versions(cli, branch, v2):
    before = (branch / "ledger.yaml").read_bytes()
    result = adopt(cli, branch, v2, "2024年3月1日")
    assert result.exit_code == 2 and "不是一年的第一天" in result.output and "--from 2025-01-01" in result.output
    assert (branch / "ledger.yaml").read_bytes() == before and not (branch / "scheme-2024.yaml").exists()
    for start in ("2023-01-01", "2022-01-01"):  # the year the log was opened in, or before it: would rescore 2023
        early = adopt(cli, branch, v2, start)
        assert early.exit_code == 2 and "不晚于 2023 年" in early.output, early.output
        assert (branch / "ledger.yaml").read_bytes() == before
    assert adopt(cli, branch, v2).exit_code == 0
    again = adopt(cli, branch, v2, "2024-01-01")  # not later than the version in force from 2024
    assert again.exit_code == 2 and "不晚于 2024 年" in again.output


def test_a_closed_quarter_is_never_rescored(cli, branch, v2):
    assert cli("close", "-q", "2024Q1", "--date", "2024-04-10", "-l", branch).exit_code == 0
    result = cli("scheme", "adopt", v2, "--from", "2024-01-01", "--date", "2024-04-11", "-l", branch)
    assert result.exit_code == 2 and "已关闭的 2024Q1" in result.output


def test_an_edited_version_is_refused_and_scheme_check_says_where(cli, branch, v2):
    assert adopt(cli, branch, v2).exit_code == 0
    assert cli("add", "张三", "缺席", "--date", "2024-03-01", "-l", branch).exit_code == 0
    assert score(cli, branch, "-q", "2024Q1")["张三"] == 98  # kept in the cache
    checked = cli("scheme", "check", "-l", branch)
    assert checked.exit_code == 0 and "quantified-2023(…–2023) → quantified-2024(2024–…)" in checked.output
    copy = branch / "scheme-2024.yaml"
    copy.write_text(copy.read_text(encoding="utf-8").replace("points: -2}", "points: -5}", 1), encoding="utf-8")
    report = cli("report", "-q", "2024Q1", "--format", "json", "-l", branch)  # not the text kept before the edit
    assert report.exit_code == 2 and "scheme-2024.yaml 已被改动" in report.output
    lines = (branch / "ledger.yaml").read_text(encoding="utf-8").split("\n")
    line = [n for n, text in enumerate(lines, 1) if text.startswith("  scheme_hash:")][-1]  # the adopt event's
    checked = cli("scheme", "check", "-l", branch)
    assert checked.exit_code == 1 and f"ledger.yaml:{line}:16:" in checked.output
    copy.unlink()
    missing = cli("scheme", "check", "-l", branch)
    assert missing.exit_code == 1 and f"ledger.yaml:{line - 1}:11: 找不到采用的方案文件" in missing.output


def test_scheme_diff_shows_each_member_before_and_after(cli, branch, v2):
    # 张三 misses five meetings in 2023Q1. v1: 10 − 5 = 5 → Q1 95, year (95 + 300) / 4 = 98.75, 优秀;
    # v2: 10 − 10 = 0 → Q1 90, year (90 + 300) / 4 = 97.5, 良好. 李四: 100 either way.
    assert cli("add", "张三", "study.absent", "--count", "5", "--date", "2023-03-01", "-l", branch).exit_code == 0
    result = cli("scheme", "diff", v2, "--year", "2023", "--format", "json", "-l", branch)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["before"], data["after"]) == ("quantified-2023", "quantified-2024")
    first = data["rows"][0]  # grade changes first
    assert (first["member"], first["score_before"], first["score_after"], first["change"]) == ("张三", 98.75, 97.5, -1.25)
    assert (first["grade_before"], first["grade_after"], first["rank_before"], first["rank_after"]) == ("优秀", "良好", 2, 2)
    assert data["rows"][1]["member"] == "李四" and data["rows"][1]["change"] == 0
    assert {(r["change"], r["rule"], r["before"], r["after"]) for r in data["rules"]} == {
        ("changed", "study.absent", "-1", "-2"), ("removed", "study.notes", "-1", "")}
    table = cli("scheme", "diff", V1, v2, "-y", "2023", "-l", branch)
    assert "1 人等级改变" in table.output and "-1 → -2" in table.output and "删除规则 study.notes" in table.output
    assert not (branch / "scheme-2024.yaml").exists()  # a diff adopts nothing


def test_scheme_diff_names_changed_grade_lines_even_when_no_rule_changed(cli, branch, tmp_path):
    """It said 规则没有变化 when only a grade line moved (合格 ≥92 → ≥90), which moves members between grades."""
    lines = tmp_path / "新等级线.yaml"
    lines.write_text(V1.read_text(encoding="utf-8").replace("min: 92}", "min: 90}", 1), encoding="utf-8")
    result = cli("scheme", "diff", lines, "--year", "2023", "-l", branch)
    assert result.exit_code == 0, result.output
    assert "等级线：优秀 ≥98、良好 ≥95、合格 ≥92、不合格 → 优秀 ≥98、良好 ≥95、合格 ≥90、不合格" in result.output
    assert "规则没有变化" not in result.output
    data = json.loads(cli("scheme", "diff", lines, "--year", "2023", "-l", branch, "-f", "json").output)
    assert data["grades"]["after"].startswith("优秀 ≥98") and data["rules"] == []


def test_the_audit_follows_every_version_file(tmp_path, cli, v2, monkeypatch):
    root = tmp_path / "仓库"
    root.mkdir()
    for args in (("init", "-q"), ("config", "user.name", "甲"), ("config", "user.email", "a@example.org")):
        subprocess.run(["git", *args], cwd=root, check=True)
    monkeypatch.chdir(root)
    assert cli("init", "一支部", "--scheme", "quantified-2023", "--name", "一支部", "--date", "2023-01-01").exit_code == 0
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "open"], cwd=root, check=True)
    assert adopt(cli, root / "一支部", v2, "2024-01-01", "--commit").exit_code == 0
    shown = subprocess.run(["git", "show", "--stat", "HEAD"], cwd=root, capture_output=True, text=True).stdout
    assert "scheme-2024.yaml" in shown and "ledger.yaml" in shown  # committed together
    copy = root / "一支部" / "scheme-2024.yaml"
    copy.write_text(copy.read_text(encoding="utf-8").replace("points: -2}", "points: -1}", 1), encoding="utf-8")
    subprocess.run(["git", "commit", "-qam", "quiet"], cwd=root, check=True)
    result = cli("audit", "--lang", "en")
    assert result.exit_code == 1 and "一支部/scheme-2024.yaml" in result.output


def test_a_notice_carries_the_hash_of_the_version_its_period_was_scored_by(cli, branch, v2, tmp_path):
    import re

    from jifen.store import scheme as scheme_io

    assert adopt(cli, branch, v2).exit_code == 0
    assert cli("add", "张三", "缺席", "--date", "2024-03-01", "-l", branch).exit_code == 0
    codes = {}
    for year in ("2023", "2024"):
        page = tmp_path / f"{year}年度公示.html"
        assert cli("grade", "-y", year, "-f", "html", "-o", page, "-l", branch).exit_code == 0
        codes[year] = re.search(r"JF1-[0-9A-Za-z-]+", page.read_text(encoding="utf-8")).group(0)
    assert codes["2023"].split("-")[4] == scheme_io.digest(branch / "scheme.yaml")[:8]
    assert codes["2024"].split("-")[4] == scheme_io.digest(branch / "scheme-2024.yaml")[:8]
    again = cli("verify", codes["2024"], "-l", branch, "-f", "json")
    assert again.exit_code == 0, again.output
    table = json.loads(again.output[again.output.index("{"):])  # after the lines saying the log holds
    assert {r["member"]: r["score"] for r in table["rows"]}["张三"] == 99.5  # (98 + 300) / 4, under v2


def test_a_correction_recorded_in_the_new_year_is_checked_under_its_targets_version(cli, branch, v2):
    # study.notes is v1's (理论学习笔记每月少于1篇, −1) and gone from v2; the score it amends is of 2023
    assert cli("add", "张三", "study.absent", "--date", "2023-11-30", "-l", branch).exit_code == 0
    assert adopt(cli, branch, v2).exit_code == 0
    amended = cli("amend", "4", "--rule", "study.notes", "-r", "记错了规则", "--date", "2024-01-05", "-l", branch)
    assert amended.exit_code == 0, amended.output
    assert cli("check", "-l", branch).exit_code == 0
    assert score(cli, branch, "-q", "2023Q4")["张三"] == 99  # 100 − 1 under v1's study.notes


def test_the_web_card_and_forms_follow_the_version_of_each_year(cli, branch, v2):
    pytest.importorskip("httpx", reason="the web tests need httpx")
    import datetime as dt
    import re
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from jifen.web import accounts
    from jifen.web.app import create_app

    assert cli("add", "张三", "缺席", "--date", "2023-03-01", "-l", branch).exit_code == 0
    assert adopt(cli, branch, v2).exit_code == 0
    assert cli("add", "张三", "缺席", "--date", "2024-03-01", "-l", branch).exit_code == 0
    passwords = {name: pw for name, _, pw in accounts.demo(branch, [("张三", "member", "m01")])}
    c = TestClient(create_app(branch, today=lambda: dt.date(2024, 3, 20)), follow_redirects=False)
    csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/signin").text).group(1)
    assert c.post("/signin", data={"csrf": csrf, "name": "张三", "secret": passwords["张三"]}).status_code == 303
    card = c.get("/card").text
    assert "<th>2023Q1</th><td>99</td>" in card and "<th>2024Q1</th><td>98</td>" in card  # 100 − 1 (v1), 100 − 2 (v2)
    form = c.get("/declare").text  # 2024's rules: v2 has no study.notes
    assert "study.absent" in form and "study.notes" not in form


def test_the_rollup_sums_each_year_under_its_own_version(cli, branch, v2):
    assert cli("add", "张三", "缺席", "--date", "2024-03-01", "-l", branch).exit_code == 0
    assert adopt(cli, branch, v2).exit_code == 0
    years = {}
    for year in ("2023", "2024"):
        result = cli("rollup", branch.parent, "--year", year, "-f", "json", "--jobs", "1")
        assert result.exit_code == 0, result.output
        years[year] = json.loads(result.output)["branches"][0]
    assert years["2023"]["scheme"] == "quantified-2023" and years["2024"]["scheme"] == "quantified-2024"
    assert years["2024"]["average"] == 99.75  # 张三 (98 + 300) / 4 = 99.5 under v2, 李四 100: mean 99.75


def test_an_event_recorded_while_the_adoption_was_checked_stops_it(cli, branch, v2, monkeypatch):
    """The log is checked against the new rules before the lock is taken; a score appended in between
    (under study.notes, which v2 drops, in 2024) must not slip past: nothing is written."""
    from jifen import book

    check = book.refuse_rescoring

    def meanwhile(opened, scheme, start):
        check(opened, scheme, start)
        assert cli("add", "张三", "study.notes", "--date", "2024-01-31", "-l", branch).exit_code == 0

    monkeypatch.setattr(book, "refuse_rescoring", meanwhile)
    before = (branch / "ledger.yaml").read_bytes()
    result = adopt(cli, branch, v2)
    assert result.exit_code == 2 and "又追加到了事件 4" in result.output
    assert not (branch / "scheme-2024.yaml").exists()
    assert (branch / "ledger.yaml").read_bytes().startswith(before) and b"kind: adopt" not in (branch / "ledger.yaml").read_bytes()
    assert cli("check", "-l", branch).exit_code == 0


def test_scheme_show_and_the_handbook_show_the_version_in_force_today(cli, branch, v2):
    assert adopt(cli, branch, v2).exit_code == 0  # today is after 2024-01-01: v2 is in force
    shown = cli("scheme", "show", "-l", branch, "--format", "json")
    assert shown.exit_code == 0 and "quantified-2024" in shown.output and "study.notes" not in shown.output
    handbook = cli("rules", "-l", branch)
    assert handbook.exit_code == 0 and "study.absent" in handbook.output and "study.notes" not in handbook.output


def test_points_that_fit_a_rule_in_one_version_are_checked_again_under_the_next(cli, branch, tmp_path):
    """The whole log's check checks a rule's values once (what fits is kept): kept per version of the
    scheme, as points within study.quality's range in 2023 (-10 ~ -0.5) are outside it in 2024 (-10 ~ -1)."""
    text = V1.read_text(encoding="utf-8").replace("scheme: quantified-2023", "scheme: quantified-2024", 1)
    narrower = text.replace("kind: range, min: -10, max: -0.5}", "kind: range, min: -10, max: -1}", 1)
    assert narrower != text
    path = tmp_path / "新规" / "收紧的方案.yaml"
    path.parent.mkdir()
    path.write_text(narrower, encoding="utf-8")
    assert cli("add", "张三", "study.quality", "--points", "-0.5", "--date", "2023-03-01", "-l", branch).exit_code == 0
    assert adopt(cli, branch, path).exit_code == 0
    refused = cli("add", "张三", "study.quality", "--points", "-0.5", "--date", "2024-03-01", "-l", branch)
    assert refused.exit_code == 2, refused.output
    # the same record written past jifen (an editor, a merge): the check of the whole log finds it
    ledger = branch / "ledger.yaml"
    lines = ledger.read_text(encoding="utf-8").split("\n")
    start = max(i for i, line in enumerate(lines) if line.startswith("- id:") and "study.quality" in "\n".join(
        lines[i:i + 8]))
    block = lines[start:next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- ")), len(lines))]
    last_id = max(int(line.split(":")[1]) for line in lines if line.startswith("- id:"))
    copied = [f"- id: {last_id + 1}", *(line.replace("2023-03-01", "2024-03-01") for line in block[1:] if line)]
    with ledger.open("a", encoding="utf-8") as out:
        out.write("\n".join(copied) + "\n")
    checked = cli("check", "-l", branch)
    assert checked.exit_code == 1, checked.output
    written = ledger.read_text(encoding="utf-8").split("\n")
    where = max(i for i, line in enumerate(written) if line == "  points: -0.5") + 1  # the copy's, not the 2023 one's
    assert f"ledger.yaml:{where}:11: 分值 -0.5 超出规则 study.quality 的范围 -10 到 -1" in checked.output
    assert "发现 1 个问题" in checked.output, checked.output
