"""jifen rollup: every branch under a folder, in parallel; a broken branch is reported, not fatal."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import socket

import pytest

from jifen.book import rollup
from jifen.store import ledger as ledger_io
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


def test_a_rollup_freezes_no_branch_it_summed_up(tmp_path, cli, monkeypatch):
    """Each branch's book was frozen after it was read (gc.freeze, as a single command does), so a
    roll-up, or a pool worker summing up branch after branch, kept every branch's cyclic garbage to
    its end: memory grew with the number of branches."""
    import gc

    from jifen import book

    root = tmp_path / "党委"
    for name in ("一支部", "二支部", "三支部"):
        shutil.copytree(DEMO, root / name)
    monkeypatch.setattr(book, "_freezing", True)  # as in a command's process
    monkeypatch.setenv("JIFEN_CACHE", "off")
    assert cli("rollup", root, "--year", "2023", "-j", "1").exit_code == 0
    frozen = gc.get_freeze_count()
    assert cli("rollup", root, "--year", "2023", "-j", "1").exit_code == 0
    assert gc.get_freeze_count() == frozen


def test_empty_folder_is_a_clear_error(tmp_path, cli):
    result = cli("rollup", tmp_path, "--year", "2023")
    assert result.exit_code == 2 and "没有台账" in result.output


# --- the map on a Dask cluster (jifen[cluster]) ---------------------------------------------------


def generated_branch(folder, name: str, members: int, scores: int, seed: int) -> None:
    """A branch ledger of ``members`` members and ``scores`` random score events in 2023, as jifen writes it."""
    rng = random.Random(seed)
    events = [{"id": 1, "date": dt.date(2023, 1, 1), "kind": "open", "name": name, "scheme": "quantified-2023",
               "by": "记分员"}]
    events += [{"id": m + 2, "date": dt.date(2023, 1, 1), "kind": "join", "subject": f"m{m:02d}",
                "name": f"党员{m:02d}", "by": "记分员"} for m in range(members)]
    days = sorted(dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365)) for _ in range(scores))
    events += [{"id": members + 2 + i, "date": day, "kind": "score", "subject": f"m{rng.randrange(members):02d}",
                "rule": rng.choice(["study.absent", "service.dress", "duty.dues", "work.temporary"]), "by": "记分员"}
               for i, day in enumerate(days)]
    folder.mkdir(parents=True)
    (folder / ledger_io.FILENAME).write_text(ledger_io.HEADER + "".join(ledger_io.emit(e) for e in events),
                                             encoding="utf-8")


@pytest.fixture(scope="module")
def cluster():
    """A Dask cluster in this process (two single-threaded workers), reachable only on 127.0.0.1."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                  host="127.0.0.1", scheduler_port=0, dashboard_address=None) as local:
        yield local.scheduler_address


def test_cluster_and_pool_agree(tmp_path, cli, cluster, monkeypatch):
    monkeypatch.setenv("JIFEN_CACHE", "off")  # both replay every branch
    root = make_committee(tmp_path, cli)
    for number in range(3):
        generated_branch(root / f"d-generated-{number}", f"生成支部{number}", 8, 60, seed=number)
    assert cluster.startswith("tcp://127.0.0.1:")
    pool = cli("rollup", root, "--year", "2023", "-f", "json", "--jobs", "2")
    on_cluster = cli("rollup", root, "--year", "2023", "-f", "json", "--cluster", cluster)
    assert on_cluster.exit_code == pool.exit_code == 1  # c-broken, reported per branch as by the pool
    assert on_cluster.stdout == pool.stdout
    rows = {r["path"].split("/")[-1]: r for r in json.loads(on_cluster.stdout)["branches"]}
    assert len(rows) == 6 and "c-broken/ledger.yaml" in rows["c-broken"]["error"]
    folders = rollup.find(root)
    assert rollup.summaries(folders, [SCHEMES], 2023, cluster=cluster) == rollup.summaries(folders, [SCHEMES], 2023, jobs=2)


def test_a_cluster_out_of_reach_is_a_clear_error(tmp_path, cli, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(rollup, "CONNECT_TIMEOUT", 1)
    generated_branch(tmp_path / "a", "甲支部", 3, 5, seed=1)
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    zh = cli("rollup", tmp_path, "--year", "2023", "--cluster", f"tcp://127.0.0.1:{port}")
    assert zh.exit_code == 2 and f"无法连接集群 tcp://127.0.0.1:{port}" in zh.output
    assert "Traceback" not in zh.output and "--cluster" in zh.output  # the hint: or sum up here
    en = cli("rollup", tmp_path, "--year", "2023", "--cluster", f"tcp://127.0.0.1:{port}", "--lang", "en")
    assert en.exit_code == 2 and "cannot reach the cluster at" in en.output


@pytest.mark.parametrize("address", ["bogus://x", "tcp://[nope", "tcp://127.0.0.1:x"])
def test_a_malformed_cluster_address_is_a_clear_error(tmp_path, cli, address):
    pytest.importorskip("distributed")
    generated_branch(tmp_path / "a", "甲支部", 3, 5, seed=1)
    result = cli("rollup", tmp_path, "--year", "2023", "--cluster", address)
    assert result.exit_code == 2 and f"无法连接集群 {address}" in result.output and "Traceback" not in result.output


def test_the_pool_never_imports_dask(tmp_path):
    """Without --cluster the roll-up (and jifen's start-up) loads nothing of Dask."""
    import subprocess
    import sys

    generated_branch(tmp_path / "a", "甲支部", 3, 5, seed=1)
    generated_branch(tmp_path / "b", "乙支部", 3, 5, seed=2)
    code = ("import sys; from jifen.cli import app, lazy\n"
            f"try: lazy.group(app)(['rollup', {str(tmp_path)!r}, '--year', '2023', '-j', '2'], prog_name='jifen')\n"
            "except SystemExit: pass\n"
            "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"JIFEN_CACHE": "off", "PATH": ""}).stdout
    assert "LOADED []" in out and "甲支部" in out
