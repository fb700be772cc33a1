"""The recording handbook (jifen rules) and scheme show inside a ledger."""

from __future__ import annotations

import json

from jifen import book, render, reports
from tests.conftest import SCHEMES


def test_the_handbook_lists_every_rule_by_category_with_what_to_give(demo):
    opened = book.open(demo, [SCHEMES], cached=False).usable()
    report = reports.handbook_report(opened.ledger, opened.scheme)
    assert len(report.rows) == sum(len(c.rules) for c in opened.scheme.categories)
    absent = next(r for r in report.rows if r["rule"] == "study.absent")
    assert absent["category_name"] == "理论学习(10)" and absent["value"] == "-1" and absent["give"] == "[--count N]"
    quality = next(r for r in report.rows if r["rule"] == "study.quality")
    assert quality["category_name"] is None  # the category is named once, on its first row
    assert quality["give"] == "--points -10~-0.5"
    text = render.render(report, "table", "zh")
    assert "日常记录手册" in text and "记录时给出" in text and "等次：优秀 ≥98" in text


def test_graded_and_rate_rules_ask_for_a_level_and_a_measure():
    from jifen.store import scheme as scheme_io

    for path in scheme_io.available([SCHEMES]):
        loaded, _ = scheme_io.load(path)
        if loaded is None:
            continue
        for row in reports.handbook_report(None, loaded).rows:
            if row["kind"] == "graded":
                assert row["give"].startswith("--level ")
            if row["kind"] == "rate":
                assert row["give"] == "--measure N"


def test_rules_command_prints_the_handbook_as_table_json_and_a_printable_page(cli, demo, tmp_path):
    shown = cli("rules", "-l", demo)
    assert shown.exit_code == 0 and "缺席三会一课" in shown.output and "study.absent" in shown.output
    data = json.loads(cli("rules", "-l", demo, "-f", "json").output)
    assert data["categories"][0]["rules"][0]["give"] == "[--count N]"
    page = tmp_path / "handbook.html"
    assert cli("rules", "-l", demo, "-f", "html", "-o", page).exit_code == 0
    assert "日常记录手册" in page.read_text(encoding="utf-8")
    assert "Give when recording" in cli("rules", "-l", demo, "--lang", "en").output


def test_scheme_show_without_an_id_shows_the_ledgers_scheme(cli, demo, monkeypatch):
    by_option = cli("scheme", "show", "-l", demo)
    assert by_option.exit_code == 0 and "quantified-2023" in by_option.output
    monkeypatch.chdir(demo)
    assert cli("scheme", "show").output == by_option.output
