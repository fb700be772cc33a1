"""Every command from the command line, its output and its errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import typer

from jifen.cli import app, lazy
from tests.conftest import ROOT


def ledger_bytes(folder):
    return (folder / "ledger.yaml").read_bytes()


# --- help --------------------------------------------------------------------------


def all_commands():
    group = typer.main.get_command(app)
    found = [[]]

    def walk(command, path):
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                found.append(path + [name])
                walk(sub, path + [name])

    walk(group, [])
    return found


@pytest.mark.parametrize("words", all_commands(), ids=lambda w: " ".join(w) or "jifen")
def test_every_command_has_help(cli, words):
    """Its own sentence is printed (from the catalogue: help.<path>), and every option and argument
    says what it is for (a catalogue code, said in the reader's language)."""
    from jifen import messages

    command = typer.main.get_command(app)
    for word in words:
        command = command.commands[word]
    result = cli(*words, "--help")
    assert result.exit_code == 0
    assert (command.help or "").strip(), f"jifen {' '.join(words)} has no docstring"
    sentence = messages.text("help." + (".".join(words) or "jifen"), "zh")
    assert "".join(sentence.split()) in "".join(result.output.split())
    for param in command.params:
        if getattr(param, "hidden", False):
            continue
        assert messages.known(getattr(param, "help", None) or ""), f"jifen {' '.join(words)}: {param.name} has no help"
        assert messages.text(param.help, "zh")[:8] in result.output


@pytest.mark.parametrize("words", all_commands(), ids=lambda w: " ".join(w) or "jifen")
def test_lazy_build_gives_the_same_help_as_typer(capsys, words):
    """The entry point builds only the command run (jifen.cli.lazy); its help is what typer builds eagerly."""

    def run(command):
        with pytest.raises(SystemExit) as done:
            command([*words, "--help"], prog_name="jifen")
        return done.value.code, capsys.readouterr().out

    lazy_run, eager_run = run(lazy.group(app)), run(typer.main.get_command(app))
    assert lazy_run == eager_run and lazy_run[0] == 0


def test_lazy_build_runs_commands_and_suggests_names(capsys):
    with pytest.raises(SystemExit) as done:
        lazy.group(app)(["scheme", "list", "-f", "csv"], prog_name="jifen")
    assert done.value.code == 0 and "quantified-2023" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        lazy.group(app)(["ad"], prog_name="jifen")
    assert done.value.code == 2 and "是否要用 'add'？" in capsys.readouterr().err


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "jifen", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "report" in result.stdout


# --- init and the roster ------------------------------------------------------------------


def test_init_writes_the_open_event(tmp_path, cli):
    result = cli("init", tmp_path / "b", "--scheme", "quantified-2023", "--name", "第二支部", "--date", "2023-01-01")
    assert result.exit_code == 0
    text = (tmp_path / "b" / "ledger.yaml").read_text(encoding="utf-8")
    # the scheme is copied beside the log and pinned by its hash (a later edit cannot rescore the past)
    assert "- id: 1\n  date: 2023-01-01\n  kind: open\n  name: 第二支部\n  scheme: scheme.yaml\n  scheme_hash: " in text
    assert (tmp_path / "b" / "scheme.yaml").read_bytes() == (ROOT / "schemes" / "quantified-2023.yaml").read_bytes()
    again = cli("init", tmp_path / "b", "--scheme", "quantified-2023", "--name", "x")
    assert again.exit_code == 2 and "已存在" in again.output


def test_init_unknown_scheme_lists_the_known(tmp_path, cli):
    result = cli("init", tmp_path / "b", "--scheme", "nope", "--name", "x")
    assert result.exit_code == 2
    assert "quantified-2023" in result.output
    assert not (tmp_path / "b").exists()


def test_member_add_list_leave(branch, cli):
    result = cli("member", "list", "-l", branch, "-f", "json")
    rows = json.loads(result.output)["rows"]
    assert [(r["member_id"], r["member"], r["active"]) for r in rows] == [("m01", "张三", True), ("m02", "李四", True)]
    assert cli("member", "leave", "李四", "--date", "2023-06-30", "-r", "转出", "-l", branch).exit_code == 0
    rows = json.loads(cli("member", "list", "-l", branch, "-f", "json").output)["rows"]
    assert rows[1]["left"] == "2023-06-30" and rows[1]["active"] is False


def test_member_add_with_taken_id_is_refused(branch, cli):
    before = ledger_bytes(branch)
    result = cli("member", "add", "王五", "--id", "m01", "--date", "2023-01-01", "-l", branch)
    assert result.exit_code == 2 and "m01" in result.output
    assert ledger_bytes(branch) == before


def test_member_add_of_a_name_on_the_roll_is_refused_with_its_id(branch, cli):
    before = ledger_bytes(branch)
    result = cli("member", "add", "张三", "--date", "2023-02-01", "-l", branch)
    assert result.exit_code == 2 and "m01" in result.output and "--same-name" in result.output
    assert ledger_bytes(branch) == before


def test_member_add_of_a_name_that_left_the_roll_is_taken(branch, cli):
    assert cli("member", "leave", "李四", "--date", "2023-03-31", "-r", "转出", "-l", branch).exit_code == 0
    assert cli("member", "add", "李四", "--date", "2023-06-01", "-l", branch).exit_code == 0


def test_ambiguous_name_asks_for_the_id(branch, cli):
    assert cli("member", "add", "张三", "--same-name", "--date", "2023-02-01", "-l", branch).exit_code == 0
    before = ledger_bytes(branch)
    result = cli("add", "张三", "study.absent", "--date", "2023-03-01", "-l", branch)
    assert result.exit_code == 2
    assert "m01" in result.output and "m03" in result.output
    assert ledger_bytes(branch) == before
    assert cli("add", "m03", "study.absent", "--date", "2023-03-01", "-l", branch).exit_code == 0


# --- recording ----------------------------------------------------------------------------


def test_add_prints_and_appends_the_event(branch, cli):
    before = ledger_bytes(branch)
    result = cli("add", "张三", "study.absent", "--count", "2", "--date", "2023-01-10", "--note", "缺席支部大会",
                 "--by", "刘芳", "-l", branch, "--verbose")
    assert result.exit_code == 0
    expected = ("- id: 4\n  date: 2023-01-10\n  kind: score\n  subject: m01\n  rule: study.absent\n"
                "  count: 2\n  note: 缺席支部大会\n  by: 刘芳\n")
    assert expected in result.output
    assert ledger_bytes(branch) == before + expected.encode("utf-8")


def test_add_answers_in_words_with_the_period_total_before_and_after(branch, cli):
    result = cli("add", "张三", "缺席", "--count", "2", "--date", "2023-5-2", "-l", branch)
    assert result.exit_code == 0
    assert result.output == "#4 2023-05-02 张三 理论学习·缺席三会一课、培训或主题教育实践活动 -2（2023Q2 100 → 98）\n"
    assert "- id:" not in result.output


def test_add_says_why_a_record_counts_less_than_its_rule(branch, cli):
    assert cli("add", "张三", "省级荣誉", "--ref", "先进个人", "-d", "2023-05-03", "-l", branch).exit_code == 0
    result = cli("add", "张三", "国家级荣誉", "--ref", "先进个人", "-d", "2023-05-04", "-l", branch)
    assert "（2023Q2 105 → 108）" in result.output and "本条计 3：同一荣誉（先进个人）已按 5 分计分" in result.output
    for ref in ("a", "b"):
        result = cli("add", "张三", "国家级荣誉", "--ref", ref, "-d", "2023-05-05", "-l", branch)
    assert "本条计 4：本季度加分已达上限 20" in result.output


def test_add_several_members_appends_one_event_each(branch, cli):
    before = ledger_bytes(branch)
    result = cli("add", "张三", "m02", "缺席三会一课", "--date", "2023-05-02", "-l", branch)
    assert result.exit_code == 0 and "已记录 2 条" in result.output
    added = ledger_bytes(branch)[len(before):].decode("utf-8")
    assert added.count("- id:") == 2 and "subject: m01" in added and "subject: m02" in added


def test_add_several_members_with_a_bad_one_writes_nothing(branch, cli):
    before = ledger_bytes(branch)
    result = cli("add", "张三", "王五", "李四", "缺席", "--date", "2023-05-02", "-l", branch)
    assert result.exit_code == 2 and "王五" in result.output
    assert ledger_bytes(branch) == before


def test_add_the_same_member_twice_checks_each_against_the_ones_before(branch, cli):
    result = cli("add", "张三", "张三", "缺席", "--date", "2023-05-02", "-l", branch)
    assert result.exit_code == 0 and "98" in result.output.splitlines()[1]


@pytest.mark.parametrize("command", [
    ("add", "张三", "缺席"), ("declare", "张三", "缺席"), ("veto", "张三", "-r", "违纪"),
    ("member", "add", "王五"), ("member", "leave", "李四", "-r", "转出"), ("revoke", "2", "-r", "错"),
    ("eval", "张三", "--kind", "自评", "--score", "90"),
])
def test_dry_run_checks_prints_and_writes_nothing(branch, cli, command):
    before = ledger_bytes(branch)
    result = cli(*command, "--date", "2023-05-02", "--dry-run", "-l", branch)
    assert "试算，未写入" in result.output or result.exit_code == 2, result.output
    assert ledger_bytes(branch) == before


def test_rules_are_found_by_a_unique_part_of_their_name(branch, cli):
    assert cli("add", "张三", "理论学习 缺席", "-d", "2023-05-02", "-l", branch).exit_code == 0
    assert "rule: study.absent" in ledger_bytes(branch).decode("utf-8")


def test_several_rules_matching_are_listed_and_nothing_is_written(branch, cli):
    before = ledger_bytes(branch)
    result = cli("add", "张三", "笔记", "-d", "2023-05-02", "-l", branch)
    assert result.exit_code == 2
    assert "study.notes" in result.output and "study.quality" in result.output and "-10 ~ -0.5" in result.output
    assert ledger_bytes(branch) == before


def test_no_rule_matching_suggests_the_closest_names(branch, cli):
    result = cli("add", "张三", "缺习", "-d", "2023-05-02", "-l", branch)
    assert result.exit_code == 2 and "study.absent(缺席三会一课" in result.output


@pytest.mark.parametrize(
    "args, words",
    [
        (["王五", "study.absent"], "王五"),
        (["张三", "study.absnt"], "study.absent"),
        (["张三", "study.quality", "--points", "-11"], "-10"),
        (["张三", "study.quality"], "--points"),
        (["张三", "study.absent", "--points", "-1"], "--count"),
        (["张三", "study.absent", "--date", "2099-01-01"], "2099-01-01"),
        (["张三", "study.absent", "--date", "2022-12-31"], "2022-12-31"),
        (["张三", "study.absent", "--date", "2023-02-30"], "2023-02-30"),
        (["张三", "study.quality", "--points", "abc"], "abc"),
        (["张三", "study.quality", "--points", "nan"], "nan"),
    ],
)
def test_add_refuses_without_touching_the_ledger(branch, cli, args, words):
    before = ledger_bytes(branch)
    result = cli("add", *args, "-l", branch)
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output
    assert ledger_bytes(branch) == before


def test_veto_and_revoke(branch, cli):
    assert cli("veto", "李四", "--date", "2023-08-01", "-r", "安全责任事故", "-l", branch).exit_code == 0
    grade = json.loads(cli("grade", "--year", "2023", "-l", branch, "-f", "json").output)
    assert {r["member"]: r["score"] for r in grade["rows"]} == {"张三": 100, "李四": 0}
    assert cli("revoke", "4", "-r", "经复核不属实", "--date", "2023-09-01", "-l", branch).exit_code == 0
    grade = json.loads(cli("grade", "--year", "2023", "-l", branch, "-f", "json").output)
    assert {r["member"]: r["score"] for r in grade["rows"]} == {"张三": 100, "李四": 100}
    again = cli("revoke", "4", "-r", "x", "--date", "2023-09-01", "-l", branch)
    assert again.exit_code == 2 and "已被撤销" in again.output


def test_revoke_refuses_roster_events_and_unknown_ids(branch, cli):
    assert cli("revoke", "2", "-r", "x", "-l", branch).exit_code == 2
    assert cli("revoke", "77", "-r", "x", "-l", branch).exit_code == 2


# --- the worked examples of S1, end to end -------------------------------------------------


def test_worked_examples_through_the_cli(tmp_path, cli):
    folder = tmp_path / "s1"
    cli("init", folder, "--scheme", "quantified-2023", "--name", "示例支部", "--date", "2023-01-01")

    def run(*words):
        result = cli(*words, "-l", folder)
        assert result.exit_code == 0, result.output

    for name in "ABCD":
        run("member", "add", name, "--date", "2023-01-01")
    run("add", "A", "study.absent", "--count", "2", "--date", "2023-01-10")
    run("add", "A", "service.complaint", "--date", "2023-02-03")  # event 7
    run("add", "A", "honor.provincial", "--ref", "劳模", "--date", "2023-03-01")
    run("add", "A", "honor.city", "--ref", "劳模", "--date", "2023-03-02")
    for rule in ("work.key", "work.daily", "work.temporary", "work.daily"):
        run("add", "B", rule, "--date", "2023-02-01")
    for award in ("一", "二", "三"):
        run("add", "C", "honor.national", "--ref", award, "--date", "2023-02-01")
    run("add", "C", "honor.provincial", "--ref", "四", "--date", "2023-05-01")
    run("veto", "D", "--date", "2023-08-01", "-r", "违纪")

    q1 = json.loads(cli("report", "--quarter", "2023Q1", "-l", folder, "-f", "json").output)
    assert {r["member"]: r["score"] for r in q1["rows"]} == {"A": 101, "B": 70, "C": 120, "D": 100}
    a = next(r for r in q1["rows"] if r["member"] == "A")
    assert a["categories"] == {"study": 8, "service": 18, "duty": 20, "work": 30, "integrity": 10, "pledge": 10}
    assert a["bonus"] == 5 and a["veto"] is False
    year = json.loads(cli("grade", "--year", "2023", "-l", folder, "-f", "json").output)
    rows = {r["member"]: (r["score"], r["grade"], r["rank"]) for r in year["rows"]}
    assert rows == {"C": (105, "优秀", 1), "A": (100.25, "优秀", 2), "B": (92.5, "合格", 3), "D": (0, "不合格", 4)}
    q3 = json.loads(cli("report", "--quarter", "2023Q3", "-l", folder, "-f", "json").output)
    assert next(r for r in q3["rows"] if r["member"] == "D") ["veto"] is True

    run("revoke", "7", "-r", "投诉不属实", "--date", "2023-04-01")
    q1 = json.loads(cli("report", "--quarter", "2023Q1", "-l", folder, "-f", "json").output)
    assert {r["member"]: r["score"] for r in q1["rows"]}["A"] == 103
    year = json.loads(cli("grade", "--year", "2023", "-l", folder, "-f", "json").output)
    assert {r["member"]: r["grade"] for r in year["rows"]}["A"] == "优秀"


# --- reading: report, grade, show on the demo ledger -------------------------------------


def test_report_json_contract(cli, demo):
    data = json.loads(cli("report", "--quarter", "2023Q1", "-l", demo, "-f", "json").output)
    assert {"branch", "scheme", "period", "rows"} <= set(data)
    assert {"notice", "appeals", "pending", "late", "closed"} <= set(data)
    assert data["scheme"] == "quantified-2023" and data["period"] == "2023Q1"
    for row in data["rows"]:
        assert set(row) == {"member_id", "member", "score", "rank", "categories", "bonus", "veto", "reasons"}
    assert [r["rank"] for r in data["rows"]] == sorted(r["rank"] for r in data["rows"])


def test_grade_json_contract(cli, demo):
    data = json.loads(cli("grade", "--year", "2023", "-l", demo, "-f", "json").output)
    assert {"branch", "scheme", "year", "rows"} <= set(data)
    for row in data["rows"]:
        assert {"member_id", "member", "score", "rank", "grade"} <= set(row)


def test_show_json_contract(cli, demo):
    data = json.loads(cli("show", "张建国", "--year", "2023", "-l", demo, "-f", "json").output)
    assert {"member_id", "member", "events", "periods"} <= set(data)
    assert data["grade"] == {"year": 2023, "grade": "优秀", "rank": 2}
    assert data["member_id"] == "m01"
    for event in data["events"]:
        assert {"id", "date", "kind", "rule", "points", "note", "by", "revoked"} <= set(event)
    assert data["periods"]["2023Q1"] == 105
    honours = [e for e in data["events"] if e["rule"] and e["rule"].startswith("honor.")]
    assert [e["points"] for e in honours] == [5, 0]


def test_revoked_events_are_shown_as_revoked(cli, demo):
    data = json.loads(cli("show", "吴敏", "-l", demo, "-f", "json").output)
    complaint = next(e for e in data["events"] if e["rule"] == "service.complaint")
    assert complaint["revoked"] is True and complaint["points"] == -2


def test_member_not_in_period_is_not_a_row(cli, demo):
    data = json.loads(cli("report", "--quarter", "2023Q1", "-l", demo, "-f", "json").output)
    assert "孙婷" not in [r["member"] for r in data["rows"]]
    data = json.loads(cli("report", "--quarter", "2023Q4", "-l", demo, "-f", "json").output)
    assert "徐磊" not in [r["member"] for r in data["rows"]]


# The numbers that matter in the demo, worked out by hand from schemes/quantified-2023.yaml
# (each category starts full and loses its rule's points per occurrence; honours with the same
# ref count once, at the highest; the year is the mean of the quarters a member was in; a veto
# zeroes its quarter and the year; 优秀 ≥ 98, 良好 ≥ 95, 合格 ≥ 92) and the events of
# ledgers/demo/ledger.yaml (#id):
#   张建国 m01  Q1 100 + 5 (honor.provincial #45; honor.city #46 has the same ref: dropped) = 105
#              Q2 100 − 1 (study.absent #22) − 1 (service.dress #26) = 98, Q3 100,
#              Q4 100 − 1 (service.dress #39) = 99; year (105 + 98 + 100 + 99) / 4 = 100.5 → 优秀, 2nd
#   黄海燕 m08  Q1 100, Q2 100 − 1 (#23) = 99, Q3 100 − 1 (#34) − 1 (#38) = 98,
#              Q4 100 − 1 (#41) + 8 (honor.national #55) = 107; year 404 / 4 = 101 → 1st
#   王志强 m03  Q1 100 − 1 (study.absent #19) − 10 (work.daily #48) = 89, Q2 100 − 1 (#27) − 2 (#49) = 97,
#              Q3 100 − 1 (#36) = 99, Q4 100; year 385 / 4 = 96.25 → 良好
#   赵伟 m07    Q1 100 − 1 (#14) − 1 (#16) − 1 (#21) = 97, Q2 99 (#25), Q3 98 (#33, #37),
#              Q4 100 − 1 (#40) − 15 (work.key #54) = 84; year 378 / 4 = 94.5 → 合格
#   周杰 m09    veto #62 on 2023-12-05: Q4 0 and the year 0 → 不合格, last (12th)
#   吴敏 m10    Q1 100 − 1 (pledge.late #57) − 1 (service.deadline #17) = 98, Q2 100 (the complaint #60
#              was revoked by #61), Q3 100, Q4 99 (#44); year 397 / 4 = 99.25 → 优秀, 7th behind 101,
#              100.5, 100 (刘芳), 99.67 (徐磊), 99.5 (李秀英), 99.38 (杨丽)
#   徐磊 m11    left on 2023-09-30 (#59): Q1 100 − 1 (#18) = 99, Q2 100, Q3 100; 299 / 3 = 99.67
#   August     刘芳 100 − 1 (study.absent #31) = 99; 杨丽 100 − 1 (study.notes #32) − 1.5 (study.quality
#              #53) = 97.5, 理论学习 10 − 2.5 = 7.5
#   year report (categories and bonus: the mean of the quarters) 黄海燕 理论学习 (10 + 9 + 8 + 10) / 4 = 9.25,
#              加分 8 / 4 = 2; 张建国 优质服务 (20 + 19 + 20 + 19) / 4 = 19.5, 加分 5 / 4 = 1.25


def cells(output: str, member: str) -> list[str]:
    """The cells of the one row of a table, CSV or markdown that names ``member``."""
    [line] = [line for line in output.splitlines() if member in line]
    return [c for c in line.replace("|", " ").replace(",", " ").split()]


def by_hand_report_q1_txt(output):
    assert cells(output, "张建国")[:2] + cells(output, "张建国")[-2:] == ["1", "m01", "5", "105"]
    assert cells(output, "王志强")[0] == "11" and cells(output, "王志强")[-1] == "89"
    assert "孙婷" not in output  # joined on 2023-07-10


def by_hand_report_q1_json(output):
    rows = {r["member"]: r for r in json.loads(output)["rows"]}
    assert (rows["张建国"]["score"], rows["张建国"]["bonus"], rows["张建国"]["rank"]) == (105, 5, 1)
    assert rows["王志强"]["score"] == 89 and rows["王志强"]["categories"]["work"] == 20
    assert rows["吴敏"]["score"] == 98 and rows["吴敏"]["categories"]["pledge"] == 9


def by_hand_report_08_md(output):
    assert cells(output, "刘芳")[-1] == "99"
    assert cells(output, "杨丽")[3] == "7.5" and cells(output, "杨丽")[-1] == "97.5"
    assert cells(output, "张建国")[-1] == "100"


def by_hand_report_year_csv(output):
    assert cells(output, "黄海燕") == ["1", "m08", "黄海燕", "9.25", "19.75", "20", "30", "10", "10", "2", "101"]
    assert cells(output, "张建国")[4] == "19.5" and cells(output, "张建国")[-2:] == ["1.25", "100.5"]


def by_hand_grade_txt(output):
    assert cells(output, "黄海燕") == ["1", "m08", "黄海燕", "100", "99", "98", "107", "101", "优秀"]
    assert cells(output, "张建国") == ["2", "m01", "张建国", "105", "98", "100", "99", "100.5", "优秀"]
    assert cells(output, "王志强")[-2:] == ["96.25", "良好"] and cells(output, "赵伟")[-2:] == ["94.5", "合格"]
    assert cells(output, "周杰")[0] == "12" and cells(output, "周杰")[-3:] == ["0", "不合格", "是"]


def by_hand_grade_json(output):
    rows = {r["member"]: r for r in json.loads(output)["rows"]}
    assert rows["张建国"]["periods"] == {"2023Q1": 105, "2023Q2": 98, "2023Q3": 100, "2023Q4": 99}
    assert (rows["张建国"]["score"], rows["张建国"]["rank"], rows["张建国"]["grade"]) == (100.5, 2, "优秀")
    assert (rows["吴敏"]["score"], rows["吴敏"]["rank"]) == (99.25, 7)
    assert rows["徐磊"]["score"] == 99.67 and "2023Q4" not in rows["徐磊"]["periods"]
    assert (rows["周杰"]["score"], rows["周杰"]["grade"], rows["周杰"]["veto"]) == (0, "不合格", True)


def by_hand_grade_en_txt(output):
    assert cells(output, "赵伟") == ["11", "m07", "赵伟", "97", "99", "98", "84", "94.5", "合格"]


def by_hand_show_m10(output):
    assert "2023Q1:98" in output and "2023Q2:100" in output and "2023:99.25" in output
    assert "优秀（第 7 名）" in output
    assert cells(output, "service.complaint")[-1] == "是"  # revoked


def by_hand_members(output):
    assert cells(output, "徐磊") == ["m11", "徐磊", "2023-01-01", "2023-09-30"]
    assert cells(output, "孙婷") == ["m12", "孙婷", "2023-07-10", "是"]


@pytest.mark.parametrize(
    "name, args, by_hand",
    [
        ("demo/report-2023Q1.txt", ["report", "--quarter", "2023Q1"], by_hand_report_q1_txt),
        ("demo/report-2023Q1.json", ["report", "--quarter", "2023Q1", "-f", "json"], by_hand_report_q1_json),
        ("demo/report-2023-08.md", ["report", "--month", "2023-08", "-f", "markdown"], by_hand_report_08_md),
        ("demo/report-2023.csv", ["report", "--year", "2023", "-f", "csv"], by_hand_report_year_csv),
        ("demo/grade-2023.txt", ["grade", "--year", "2023"], by_hand_grade_txt),
        ("demo/grade-2023.json", ["grade", "--year", "2023", "-f", "json"], by_hand_grade_json),
        ("demo/grade-2023-en.txt", ["grade", "--year", "2023", "--lang", "en"], by_hand_grade_en_txt),
        ("demo/show-m10.txt", ["show", "m10"], by_hand_show_m10),
        ("demo/members.txt", ["member", "list"], by_hand_members),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_golden_tables(cli, golden, name, args, by_hand, demo):
    result = cli(*args, "-l", demo)
    assert result.exit_code == 0
    by_hand(result.output)
    golden(name, result.output)


def test_scheme_show_golden(cli, golden):
    shown = cli("scheme", "show", "quantified-2023", "-f", "markdown").output
    # from schemes/quantified-2023.yaml: study.absent points −1, work.key −15, study.quality a range −10 … −0.5
    assert cells(shown, "study.absent")[-1] == "-1" and cells(shown, "work.key")[-1] == "-15"
    assert cells(shown, "study.quality")[-3:] == ["-10", "~", "-0.5"]
    golden("scheme/quantified-2023.md", shown)


@pytest.mark.parametrize(
    "args, words",
    [
        (["report"], "--month"),
        (["report", "--quarter", "2023Q1", "--month", "2023-01"], "--month"),
        (["report", "--quarter", "2023Q5"], "2023Q5"),
        (["report", "--quarter", "2023-01"], "2023-01"),
        (["report", "--quarter", "2023Q1", "-f", "pdf"], "pdf"),
        (["show", "无名氏"], "无名氏"),
    ],
)
def test_reading_commands_refuse_bad_arguments(cli, args, words, demo):
    result = cli(*args, "-l", demo)
    assert result.exit_code == 2
    assert words in result.output


def test_empty_period_says_so(cli, demo):
    result = cli("report", "--quarter", "2019Q1", "-l", demo)
    assert result.exit_code == 0 and "没有成员" in result.output


# --- check ------------------------------------------------------------------------------------


def test_check_clean_demo(cli, demo):
    result = cli("check", "-l", demo)
    assert result.exit_code == 0 and "未发现问题" in result.output


def test_check_reports_every_problem_with_place_quote_and_hint(branch, cli):
    with open(branch / "ledger.yaml", "a", encoding="utf-8") as handle:
        handle.write("- id: 4\n  date: 2023-01-05\n  kind: score\n  subject: m01\n  rule: study.absnt\n  by: x\n")
        handle.write("- id: 5\n  date: 2023-01-06\n  kind: score\n  subject: m07\n  rule: study.absent\n  by: x\n")
        handle.write("- id: 6\n  date: 2023-01-07\n  kind: score\n  subject: m01\n  rule: study.absent\n  cnt: 1\n  by: x\n")
    result = cli("check", "-l", branch, "--lang", "en")
    assert result.exit_code == 1
    path = str(branch / "ledger.yaml")
    assert f"{path}:27:9: scheme quantified-2023 has no rule study.absnt" in result.output
    assert "Did you mean study.absent?" in result.output
    assert f"{path}:32:12: unknown member m07" in result.output
    assert f"{path}:40:3: unknown key cnt" in result.output
    assert "40 |   cnt: 1\n   |   ^" in result.output
    assert "3 problem(s) found" in result.output
    report = cli("report", "--quarter", "2023Q1", "-l", branch)
    assert report.exit_code == 2 and "jifen check" in report.output


def test_check_reports_a_broken_scheme(tmp_path, cli):
    folder = tmp_path / "b"
    scheme = (ROOT / "schemes" / "quantified-2023.yaml").read_text(encoding="utf-8")
    (tmp_path / "mine.yaml").write_text(scheme.replace("total: 100", "total: 99"), encoding="utf-8")
    (tmp_path / "good.yaml").write_text(scheme, encoding="utf-8")
    assert cli("init", folder, "--scheme", tmp_path / "good.yaml", "--name", "x", "--date", "2023-01-01").exit_code == 0
    assert "scheme: scheme.yaml" in (folder / "ledger.yaml").read_text(encoding="utf-8")
    (tmp_path / "good.yaml").write_text(scheme.replace("total: 100", "total: 99"), encoding="utf-8")
    assert cli("check", "-l", folder).exit_code == 0  # the ledger is scored by its own copy
    (folder / "scheme.yaml").write_text(scheme.replace("total: 100", "total: 99"), encoding="utf-8")
    result = cli("check", "-l", folder)
    assert result.exit_code == 1 and "scheme.yaml:" in result.output and "99" in result.output


# --- schemes ---------------------------------------------------------------------------------------


def test_scheme_list_and_check(cli, tmp_path):
    listed = json.loads(cli("scheme", "list", "-f", "json").output)
    assert "quantified-2023" in [s["scheme"] for s in listed]
    assert cli("scheme", "check", "quantified-2023").exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("scheme: x\nname: y\nperiod: quarter\ncategories: []\ngrades:\n  - {name: a, min: 5}\n",
                   encoding="utf-8")
    result = cli("scheme", "check", bad)
    assert result.exit_code == 1 and f"{bad}:6:5" in result.output


def test_scheme_search_path(cli, tmp_path, monkeypatch):
    scheme = (ROOT / "schemes" / "quantified-2023.yaml").read_text(encoding="utf-8")
    (tmp_path / "local-1.yaml").write_text(scheme.replace("scheme: quantified-2023", "scheme: local-1"), encoding="utf-8")
    monkeypatch.setenv("JIFEN_SCHEMES", str(tmp_path))
    listed = json.loads(cli("scheme", "list", "-f", "json").output)
    assert {"local-1", "quantified-2023"} <= {s["scheme"] for s in listed}


# --- choosing the ledger -------------------------------------------------------------------------------


def test_ledger_from_environment_and_current_folder(cli, monkeypatch, tmp_path, demo):
    monkeypatch.setenv("JIFEN_LEDGER", str(demo))
    assert cli("check").exit_code == 0
    monkeypatch.delenv("JIFEN_LEDGER")
    monkeypatch.chdir(demo)
    assert cli("check").exit_code == 0
    monkeypatch.chdir(demo.parents[1])  # holds ledgers/demo, as the repository does
    result = cli("check")
    assert result.exit_code == 2 and "ledgers/demo" in result.output
    monkeypatch.chdir(tmp_path)
    assert cli("check").exit_code == 2


def test_no_traceback_for_user_mistakes(tmp_path):
    env = {**os.environ, "JIFEN_LANG": "en"}
    (tmp_path / "ledger.yaml").write_bytes(b"\xef\xbb\xbf- id: 1\n")
    for words in (["report", "-q", "2023Q1", "-l", str(tmp_path)], ["check", "-l", str(tmp_path / "none")],
                  ["add", "x", "y", "-l", str(tmp_path)], ["grade", "--year", "abc", "-l", str(tmp_path)]):
        result = subprocess.run([sys.executable, "-m", "jifen", *words], capture_output=True, text=True, env=env)
        assert result.returncode == 2, (words, result.stderr)
        assert "Traceback" not in result.stderr


def test_check_reports_a_torn_tail_and_repair_fixes_it(branch, cli):
    path = branch / "ledger.yaml"
    whole = path.read_bytes()
    assert cli("add", "张三", "study.absent", "--date", "2023-01-10", "-l", branch).exit_code == 0
    path.write_bytes(path.read_bytes()[:-9])  # power lost during the write
    result = cli("check", "-l", branch, "--lang", "en")
    assert result.exit_code == 1 and f"{path}:23:1: the last event is incomplete" in result.output
    assert "jifen repair" in result.output
    refused = cli("add", "李四", "study.absent", "--date", "2023-01-11", "-l", branch)
    assert refused.exit_code == 2 and "jifen repair" in refused.output
    assert "只缺结尾的换行，手工补上换行" in refused.output  # repair is not the only way: it said only "run repair"
    fixed = cli("repair", "-l", branch, "--lang", "en")
    assert fixed.exit_code == 0 and "line 23" in fixed.output
    assert path.read_bytes() == whole
    assert len(list(branch.glob("ledger.yaml.torn-*"))) == 1
    assert cli("check", "-l", branch).exit_code == 0
    assert "无需修复" in cli("repair", "-l", branch).output


def test_terminal_table_colours_grades_and_counts_them(demo):
    from jifen import book, render, reports
    from tests.conftest import SCHEMES

    opened = book.open(demo, [SCHEMES], cached=False).usable()
    report = reports.grade_report(opened.ledger, opened.standings, 2023)
    drawn = render.render(report, "table", "zh", terminal=True)
    assert "\x1b[" in drawn  # coloured
    assert "优秀 9  良好 1  合格 1  不合格 1" in drawn
    plain = render.render(report, "table", "zh", terminal=False)
    assert "\x1b[" not in plain


# --- a hostile tester's findings ------------------------------------------------------


def test_yaml_nested_1000_deep_is_a_positioned_problem_in_every_command(branch, cli, tmp_path):
    path = branch / "ledger.yaml"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("- id: 9\n  note: " + "[" * 1000 + "]" * 1000 + "\n  by: x\n")
    for words in (["check"], ["report", "-q", "2023Q1"], ["add", "张三", "study.absent", "--date", "2023-01-10"]):
        result = cli(*words, "-l", branch, "--lang", "en")
        assert result.exit_code in (1, 2), words
        assert f"{path}:24:" in result.output and "nested more than 64 deep" in result.output, words
    scheme = tmp_path / "deep.yaml"
    scheme.write_text("id: deep\nextra: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n", encoding="utf-8")
    result = cli("scheme", "check", scheme)
    assert result.exit_code == 1 and f"{scheme}:2:" in result.output and "嵌套超过 64 层" in result.output
    assert "方案文件为空" not in result.output


def test_complete_gbk_last_event_is_an_encoding_problem_and_repair_is_not_suggested(branch, cli):
    path = branch / "ledger.yaml"
    with open(path, "ab") as handle:
        handle.write("- id: 4\n  date: 2023-01-10\n  kind: score\n  subject: m01\n  rule: study.absent\n"
                     "  note: 中文\n  by: x\n".encode("gbk"))
    result = cli("check", "-l", branch)
    assert result.exit_code == 1 and f"{path}:28:9: 文件不是 UTF-8 编码" in result.output
    assert "repair" not in result.output


def test_control_character_in_a_ledger_is_reported_at_its_line(branch, cli):
    path = branch / "ledger.yaml"
    with open(path, "ab") as handle:
        handle.write(b"# a\x01b\n")
    result = cli("check", "-l", branch, "--lang", "en")
    assert result.exit_code == 1 and f"{path}:23:4: the file holds a control character (U+0001)" in result.output


def test_five_thousand_digit_id_is_a_positioned_problem(branch, cli):
    path = branch / "ledger.yaml"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("- id: " + "9" * 5000 + "\n  date: 2023-01-10\n  kind: veto\n  subject: m01\n  reason: x\n  by: x\n")
    result = cli("check", "-l", branch, "--lang", "en")
    assert result.exit_code == 1 and f"{path}:23:7: id has more than 18 digits" in result.output
    assert "int_max_str_digits" not in result.output


@pytest.mark.parametrize("words", [
    ["grade", "--year", "0"], ["chart", "--year", "0"], ["show", "张三", "--year", "0"], ["grade", "--year", "10000"],
    ["report", "--year", "0000"], ["report", "--month", "0000-01"],
    ["member", "exempt", "张三", "--year", "0", "-r", "x"],
])
def test_year_0_is_a_clear_chinese_error_not_a_traceback(branch, cli, words):
    result = cli(*words, "-l", branch)
    assert result.exit_code == 2 and ("年份 " in result.output or "无法识别的期间" in result.output)


@pytest.mark.parametrize("cache", ["on", "off"])
def test_huge_sparse_ledger_is_refused_by_size_before_it_is_read(branch, cli, monkeypatch, cache):
    monkeypatch.setenv("JIFEN_CACHE", cache)
    path = branch / "ledger.yaml"
    os.truncate(path, 70 * 1024**3)  # truncate -s 70G: reading it whole would need 70 GB
    for words in (["check"], ["report", "-q", "2023Q1"], ["grade", "--year", "2023"], ["show", "张三"],
                  ["add", "张三", "study.absent", "--date", "2023-01-10"], ["repair"], ["member", "list"]):
        result = cli(*words, "-l", branch)
        assert result.exit_code in (1, 2), words
        assert "按年度拆分台账" in result.output or "jifen check" in result.output, words
    assert "超过上限 67108864" in cli("check", "-l", branch).output
    assert path.stat().st_size == 70 * 1024**3


@pytest.mark.parametrize("target", ["ledger", "schemes/mine.yaml", "repo/.git/config", "repo/.git/hooks/pre-commit",
                                    "link.csv", "chart"])
def test_output_onto_a_ledger_scheme_or_git_folder_is_refused(branch, cli, tmp_path, target):
    ledger_file = branch / "ledger.yaml"
    before = ledger_file.read_bytes()
    if target == "ledger":
        path = ledger_file
    else:
        path = tmp_path / target.replace("chart", "repo/.git/chart.png")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"kept")
        if target == "link.csv":
            path.unlink()
            path.symlink_to(ledger_file)
    words = ["chart", "--year", "2023"] if target == "chart" else ["report", "-q", "2023Q1", "-f", "csv"]
    result = cli(*words, "-l", branch, "-o", path)
    assert result.exit_code == 2 and "拒绝写入" in result.output
    assert ledger_file.read_bytes() == before
    assert target == "ledger" or path.read_bytes() in (b"kept", before)


@pytest.mark.parametrize("words, field", [
    (["member", "add", "张\x1b[31m红"], "name"), (["member", "add", "张\r三"], "name"),
    (["member", "add", "王五", "--by", "a\u009b"], "by"),
    (["add", "张三", "study.absent", "--date", "2023-01-10", "--note", "n\x1b]0;x\x07"], "note"),
    (["add", "张三", "honor.city", "--date", "2023-01-10", "--ref", "r\x00"], "ref"),
    (["veto", "张三", "--date", "2023-01-10", "--reason", "r\n"], "reason"),
])
def test_control_characters_are_refused_at_input_naming_the_field(branch, cli, words, field):
    before = ledger_bytes(branch)
    result = cli(*words, "-l", branch)
    assert result.exit_code == 2 and f"{field} 中有控制字符" in result.output, result.output
    assert ledger_bytes(branch) == before


def test_control_character_in_a_branch_name_is_refused_at_init(tmp_path, cli):
    result = cli("init", tmp_path / "b", "--scheme", "quantified-2023", "--name", "一\x07", "--date", "2023-01-01")
    assert result.exit_code == 2 and "name 中有控制字符 U+0007" in result.output
    assert not (tmp_path / "b" / "ledger.yaml").exists()


def test_member_names_starting_with_formula_signs_stay_text_in_csv_and_xlsx(branch, cli, tmp_path):
    import openpyxl

    for name in ("=1+2", "+SUM(A1)", "-2+3", "@cmd"):
        assert cli("member", "add", "-l", branch, "--date", "2023-01-01", "--", name).exit_code == 0
    assert cli("add", "张三", "study.quality", "--points", "-0.5", "--date", "2023-01-10", "-l", branch).exit_code == 0
    rows = cli("report", "-q", "2023Q1", "-f", "csv", "-l", branch).output.splitlines()
    assert {"'=1+2", "'+SUM(A1)", "'-2+3", "'@cmd"} <= {row.split(",")[2] for row in rows}
    out = tmp_path / "r.xlsx"
    assert cli("report", "-q", "2023Q1", "-f", "xlsx", "-o", out, "-l", branch).exit_code == 0
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows() for c in row if isinstance(c.value, str)]
    assert {c.value for c in cells} >= {"=1+2", "+SUM(A1)"} and all(c.data_type == "s" for c in cells)


def test_control_characters_in_a_hand_edited_ledger_are_shown_escaped_and_do_not_crash_xlsx(branch, cli, tmp_path):
    with open(branch / "ledger.yaml", "a", encoding="utf-8") as handle:
        handle.write('- id: 4\n  date: 2023-01-01\n  kind: join\n  subject: m03\n  name: "王\\e[31m\\r五\\u009b"\n  by: x\n'
                     '- id: 5\n  date: 2023-01-10\n  kind: score\n  subject: m03\n  rule: study.absent\n'
                     '  note: "a\\x07b"\n  by: x\n')
    for words in (["report", "-q", "2023Q1"], ["report", "-q", "2023Q1", "-f", "csv"], ["show", "m03"],
                  ["member", "list"], ["report", "-q", "2023Q1", "-f", "markdown"]):
        result = cli(*words, "-l", branch)
        assert result.exit_code == 0 and "王␛[31m␍五\\u009b" in result.output, words
        assert not any(c in result.output for c in "\x1b\r\x07\x9b"), words
    for words in (["report", "-q", "2023Q1"], ["report", "--month", "2023-01"], ["show", "m03"]):
        assert cli(*words, "-f", "xlsx", "-o", tmp_path / "r.xlsx", "-l", branch).exit_code == 0, words


def test_rich_markup_in_a_name_is_printed_as_text_on_a_terminal(branch, cli):
    from jifen import book, render, reports
    from jifen.core.periods import Period
    from tests.conftest import SCHEMES

    assert cli("member", "add", "[/]王[red]五", "--date", "2023-01-01", "-l", branch).exit_code == 0
    opened = book.open(branch, [SCHEMES], cached=False).usable()
    report = reports.period_report(opened.ledger, opened.standings, Period.parse("2023Q1"))
    assert "[/]王[red]五" in render.render(report, "table", "zh", terminal=True)


def test_two_megabytes_of_junk_lines_print_200_problems_and_say_how_many_more(branch, cli):
    from jifen.core.model import MAX_PROBLEMS

    with open(branch / "ledger.yaml", "a", encoding="utf-8") as handle:
        handle.write("- 1\n" * 500_000)
    result = cli("check", "-l", branch)
    assert result.exit_code == 1 and len(result.output) < 100_000
    assert result.output.count("事件应为键值映射") == MAX_PROBLEMS
    assert f"另有 {500_000 - MAX_PROBLEMS} 个问题未列出（最多列出 {MAX_PROBLEMS} 个）" in result.output
    assert result.output.endswith("发现 500000 个问题\n")
    english = cli("check", "-l", branch, "--lang", "en").output
    assert f"{500_000 - MAX_PROBLEMS} more problem(s) not listed (at most {MAX_PROBLEMS} are)" in english


def test_control_characters_reach_neither_json_nor_error_messages(branch, cli):
    with open(branch / "ledger.yaml", "a", encoding="utf-8") as handle:
        handle.write('- id: 4\n  date: 2023-01-01\n  kind: join\n  subject: m03\n  name: "王\\e[31m五\\u009b"\n  by: x\n')
    out = cli("report", "-q", "2023Q1", "-f", "json", "-l", branch).output
    assert "王\\u001b[31m五\\u009b" in out and json.loads(out)
    refused = cli("show", "赵\x1b]0;x\x07", "-l", branch)
    assert refused.exit_code == 2 and "赵␛]0;x␇" in refused.output
    assert not any(c in out + refused.output for c in "\x1b\x07\x9b")


def test_a_count_too_long_for_the_ledger_is_refused_clearly_not_as_an_internal_error(branch, cli):
    before = ledger_bytes(branch)
    result = cli("add", "张三", "study.absent", "--count", "9" * 22, "--date", "2023-01-10", "-l", branch)
    assert result.exit_code == 2 and "内部错误" not in result.output
    assert f"数字 {'9' * 22} 太长" in result.output  # read as typed first; a count the ledger holds meets the rule's limit
    points = cli("add", "李四", "study.quality", "--points", "-1.50000000000000000001", "--date", "2023-01-10", "-l", branch)
    assert points.exit_code == 2 and "小数点前后各至多 18 位" in points.output and "整数" not in points.output
    assert ledger_bytes(branch) == before


# --- one definition of a ledger with problems (what check rejects, add and report refuse) ------


@pytest.mark.parametrize("flip", [
    (b"rule: study.absent", b"rule: study.absenu"),  # a byte flip leaves an unknown rule
    (b"subject: m01\n  rule", b"subject: m0!\n  rule"),  # … or an unknown member
    (b"count: 2", b"points: -1" + b"0" * 100),  # points of -10^100
    (b"date: 2023-01-10", b"date: 9999-12-31"),  # a date in the future
])
def test_add_appended_to_a_log_that_check_rejects(branch, cli, flip):
    cli("add", "张三", "study.absent", "--count", "2", "--date", "2023-01-10", "-l", branch)
    path = branch / "ledger.yaml"
    path.write_bytes(path.read_bytes().replace(*flip))
    damaged = path.read_bytes()
    for cache in ("on", "off"):
        os.environ["JIFEN_CACHE"] = cache
        try:
            assert cli("check", "-l", branch).exit_code == 1
            added = cli("add", "李四", "study.absent", "--date", "2023-01-11", "-l", branch)
            assert added.exit_code == 2 and path.read_bytes() == damaged, added.output
            report = cli("report", "--quarter", "2023Q1", "-l", branch)
            assert report.exit_code == 2, report.output
        finally:
            del os.environ["JIFEN_CACHE"]


def test_report_printed_a_ledger_holding_a_future_dated_event(branch, cli):
    path = branch / "ledger.yaml"
    with path.open("a", encoding="utf-8") as log:
        log.write("- id: 4\n  date: 9999-12-31\n  kind: score\n  subject: m01\n  rule: study.absent\n  by: 记分员\n")
    for words in (("report", "--year", "9999"), ("grade", "--year", "2023"), ("show", "张三"), ("member", "list")):
        result = cli(*words, "-l", branch)
        assert result.exit_code == 2 and "9999-12-31" in result.output, (words, result.output)
    assert cli("rollup", branch.parent, "--year", "2023").exit_code == 1


def test_add_refuses_a_log_over_64_mib_as_check_does(branch, cli, monkeypatch):
    from jifen.store import ledger

    path = branch / "ledger.yaml"
    monkeypatch.setattr(ledger, "MAX_BYTES", path.stat().st_size - 1)
    before = path.read_bytes()
    assert cli("check", "-l", branch).exit_code == 1
    assert cli("add", "李四", "study.absent", "--date", "2023-01-11", "-l", branch).exit_code == 2
    assert cli("report", "--quarter", "2023Q1", "-l", branch).exit_code == 2
    assert path.read_bytes() == before


def test_an_add_after_a_clean_check_reads_the_log_whole_only_once(branch, cli, monkeypatch):
    """The verdict "no errors" is kept for the exact bytes (and scheme, and code): consecutive adds
    do not each read the whole log, and a hand edit between them is still found."""
    from jifen.store import ledger

    assert cli("add", "张三", "study.absent", "--date", "2023-01-10", "-l", branch).exit_code == 0
    whole = []
    real = ledger.parse
    monkeypatch.setattr(ledger, "parse", lambda *a, **k: whole.append(1) or real(*a, **k))
    assert cli("add", "张三", "study.absent", "--date", "2023-01-11", "-l", branch).exit_code == 0
    assert whole == []
    path = branch / "ledger.yaml"
    path.write_bytes(path.read_bytes() + b"- id: 99\n  date: 2023-01-12\n  kind: score\n  subject: m07\n"
                     b"  rule: study.absent\n  by: x\n")
    assert cli("add", "张三", "study.absent", "--date", "2023-01-12", "-l", branch).exit_code == 2


def test_version_prints_the_installed_version(cli):
    from jifen import __version__

    shown = cli("--version")
    assert shown.exit_code == 0 and shown.output == f"jifen {__version__}\n"


def test_check_gave_a_traceback_for_a_typo_in_an_appealed_and_ruled_event(branch, cli):
    """The corrected score a ruling stands for is checked with the ruling's field positions, which have
    no rule line: looking the rule's place up raised ValueError instead of giving the event's start."""
    assert cli("add", "张三", "study.absent", "--count", "2", "--date", "2023-01-10", "-l", branch).exit_code == 0
    assert cli("notice", "--quarter", "2023Q1", "--from", "2023-04-01", "-l", branch).exit_code == 0
    assert cli("appeal", "4", "--by", "张三", "-r", "只缺一次", "--date", "2023-04-03", "-l", branch).exit_code == 0
    assert cli("ruling", "6", "upheld", "--count", "1", "-r", "核实", "--date", "2023-04-05", "-l", branch).exit_code == 0
    path = branch / "ledger.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("rule: study.absent", "rule: study.absnt", 1),
                    encoding="utf-8")
    result = cli("check", "-l", branch, "--lang", "en")
    assert result.exit_code == 1 and "has no rule study.absnt" in result.output and "Traceback" not in result.output


def test_the_answer_said_minus_5_when_a_progressive_rule_took_10(tmp_path, cli):
    folder = tmp_path / "动力厂党委"
    assert cli("init", folder, "--scheme", "dongli-branch-2023", "--subjects", "branches", "--name", "动力厂党委",
               "--date", "2023-01-01").exit_code == 0
    assert cli("member", "add", "一支部", "-l", folder, "--date", "2023-01-01").exit_code == 0
    assert cli("add", "一支部", "key.accident", "-l", folder, "--date", "2023-03-01").exit_code == 0
    second = cli("add", "一支部", "key.accident", "-l", folder, "--date", "2023-04-01")
    # 累进加扣: −5, then −10; the year goes from 95 to 85
    assert second.exit_code == 0 and " -10" in second.output and "95 → 85" in second.output, second.output


def test_revoking_twice_named_the_first_revoke_as_a_question_mark(branch, cli):
    assert cli("add", "张三", "study.absent", "--date", "2023-01-10", "-l", branch).exit_code == 0
    assert cli("revoke", "4", "-r", "不属实", "--date", "2023-01-11", "-l", branch).exit_code == 0
    again = cli("revoke", "4", "-r", "再撤", "--date", "2023-01-12", "-l", branch)
    assert again.exit_code == 2 and "事件 5" in again.output and "?" not in again.output, again.output


def test_the_printed_notice_left_out_where_the_branch_said_to_object(branch, cli, tmp_path):
    assert cli("notice", "--quarter", "2023Q1", "--from", "2023-04-03", "--note", "异议请向纪检委员提出",
               "-l", branch).exit_code == 0
    page = tmp_path / "公示.html"
    assert cli("report", "--quarter", "2023Q1", "-f", "html", "-o", page, "-l", branch).exit_code == 0
    assert "异议请向纪检委员提出" in page.read_text(encoding="utf-8")


def test_a_field_a_rule_does_not_take_is_named_in_the_users_words(demo, cli):
    """``--level`` given to a fixed rule: the message names the field as the form and help do (等级), not as
    the log spells it, and nothing is appended."""
    before = (demo / "ledger.yaml").read_bytes()
    result = cli("add", "m01", "study.absent", "--date", "2023-12-30", "--level", "一般", "-l", demo)
    assert result.exit_code == 2 and "不接受“等级”" in result.output and "level" not in result.output
    assert "不给“等级”" in result.output and "jifen rules" in result.output  # what to do
    english = cli("--lang", "en", "add", "m01", "study.absent", "--date", "2023-12-30", "--measure", "93.5", "-l", demo)
    assert english.exit_code == 2 and "takes no measured value" in english.output
    assert (demo / "ledger.yaml").read_bytes() == before


@pytest.mark.parametrize("caching", ["on", "off"])
def test_a_leave_dated_before_the_members_later_records_is_refused(branch, cli, monkeypatch, caching):
    """A leave dated before a record already made for the member was appended, and the log then had
    problems that the cache's clean mark hid: reports printed with the cache, refused without it."""
    monkeypatch.setenv("JIFEN_CACHE", caching)
    assert cli("add", "李四", "study.absent", "--date", "2023-08-14", "-n", "八月缺席", "-l", branch).exit_code == 0
    assert cli("grade", "--year", "2023", "-l", branch).exit_code == 0
    before = ledger_bytes(branch)
    result = cli("member", "leave", "李四", "--date", "2023-05-10", "-r", "转出", "-l", branch)
    assert result.exit_code == 2, result.output
    assert "2023-08-14" in result.output and "#4" in result.output and "Traceback" not in result.output
    assert ledger_bytes(branch) == before
    assert cli("member", "leave", "李四", "--date", "2023-08-14", "-r", "转出", "-l", branch).exit_code == 0
    assert cli("grade", "--year", "2023", "-l", branch).exit_code == 0
