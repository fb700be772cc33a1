"""jifen rollup: every branch under a folder, in parallel; a broken branch is reported, not fatal."""

from __future__ import annotations

import json
import shutil

from jifen.book import rollup
from tests.conftest import DEMO, SCHEMES


def make_committee(tmp_path, cli):
    root = tmp_path / "committee"
    shutil.copytree(DEMO, root / "a-demo")
    assert cli("init", root / "b-second", "--scheme", "quantified-2023", "--name", "第二支部", "--date", "2023-01-01").exit_code == 0
    for name in ("甲", "乙"):
        assert cli("member", "add", name, "--date", "2023-01-01", "-l", root / "b-second").exit_code == 0
    assert cli("add", "乙", "work.key", "--date", "2023-03-01", "-l", root / "b-second").exit_code == 0  # 乙: 96.25
    (root / "c-broken").mkdir()
    (root / "c-broken" / "ledger.yaml").write_text("- id: 1\n  date: nope\n", encoding="utf-8")
    return root


def test_rollup_ranks_branches_and_reports_failures(tmp_path, cli):
    root = make_committee(tmp_path, cli)
    result = cli("rollup", root, "--year", "2023", "-f", "json")
    assert result.exit_code == 1  # one branch could not be read
    rows = {r["path"].split("/")[-1]: r for r in json.loads(result.stdout)["branches"]}
    second = rows["b-second"]
    assert (second["rank"], second["members"], second["average"], second["grades"]) == (1, 2, 98.13, {"优秀": 1, "良好": 1})
    demo = rows["a-demo"]
    assert demo["rank"] == 2 and demo["members"] == 12 and demo["grades"]["不合格"] == 1
    broken = rows["c-broken"]
    assert broken["rank"] is None and broken["members"] is None and "c-broken/ledger.yaml" in broken["error"]


def test_parallel_and_serial_agree(tmp_path, cli):
    root = make_committee(tmp_path, cli)
    folders = rollup.find(root)
    assert [f.name for f in folders] == ["a-demo", "b-second", "c-broken"]
    serial = rollup.summaries(folders, [SCHEMES], 2023, jobs=1)
    parallel = rollup.summaries(folders, [SCHEMES], 2023, jobs=2)
    assert serial == parallel


def test_empty_folder_is_a_clear_error(tmp_path, cli):
    result = cli("rollup", tmp_path, "--year", "2023")
    assert result.exit_code == 2 and "没有台账" in result.output
