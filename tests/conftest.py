"""Shared test helpers: inline ledgers, the shipped S1 scheme, a CLI runner, golden files,
and a guard that fails the run if any test wrote into the repository's work tree."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import shutil
import subprocess
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jifen.cli import app
from jifen.core.model import Event, Source
from jifen.store import scheme as scheme_io

ROOT = Path(__file__).resolve().parents[1]
SCHEMES = ROOT / "schemes"
DEMO = ROOT / "ledgers" / "demo"  # read-only: tests that run jifen on it use the ``demo`` copy


@pytest.fixture(scope="session")
def s1():
    return scheme_io.load_valid(SCHEMES / "quantified-2023.yaml")


class Log:
    """Builds events for engine tests: ``log.score("A", "study.absent", "2023-01-10", count=2)``."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def _add(self, kind: str, date: str, **fields) -> Event:
        event = Event(
            id=len(self.events) + 1,
            date=dt.date.fromisoformat(date),
            kind=kind,
            source=Source("test", len(self.events) + 1),
            **fields,
        )
        self.events.append(event)
        return event

    def join(self, subject: str, date: str = "2023-01-01", name: str | None = None) -> Event:
        return self._add("join", date, subject=subject, name=name or subject)

    def leave(self, subject: str, date: str) -> Event:
        return self._add("leave", date, subject=subject, reason="transfer")

    def score(self, subject: str, rule: str, date: str, count=None, points=None, ref=None) -> Event:
        points = Decimal(points) if points is not None else None
        return self._add("score", date, subject=subject, rule=rule, count=count, points=points, ref=ref)

    def veto(self, subject: str, date: str) -> Event:
        return self._add("veto", date, subject=subject, reason="breach")

    def revoke(self, target: int, date: str = "2023-12-31") -> Event:
        return self._add("revoke", date, target=target, reason="wrong")


@pytest.fixture
def demo(tmp_path) -> Path:
    """A copy of the shipped demo ledger at ``<tmp>/ledgers/demo`` (jifen writes its cache beside
    a ledger, so no test may run it on ``ledgers/demo`` itself)."""
    folder = tmp_path / "ledgers" / "demo"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns(".jifen-cache"))
    return folder


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Argon2 at its lowest cost: the defaults take ~0.4 s a hash, by design, and the web tests
    sign in many times. What is tested is that hashes are made and checked, not their cost."""
    from jifen.web import accounts

    def hasher():
        from argon2 import PasswordHasher

        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

    monkeypatch.setattr(accounts, "_hasher", hasher)


@pytest.fixture
def log() -> Log:
    return Log()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def cli(monkeypatch):
    """Run jifen in-process: ``cli("report", "--quarter", "2023Q1")`` → click Result."""
    monkeypatch.delenv("JIFEN_LEDGER", raising=False)
    monkeypatch.delenv("JIFEN_SCHEMES", raising=False)
    monkeypatch.setenv("JIFEN_LANG", "zh")
    monkeypatch.setenv("JIFEN_USER", "记分员")
    runner = CliRunner()

    def run(*args: str, **kwargs):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kwargs)

    return run


@pytest.fixture
def branch(tmp_path, cli):
    """A fresh S1 ledger with members 张三 (m01), 李四 (m02) and a second 张三 absent; returns its folder."""
    folder = tmp_path / "branch"
    assert cli("init", folder, "--scheme", "quantified-2023", "--name", "测试支部", "--date", "2023-01-01").exit_code == 0
    for name in ("张三", "李四"):
        assert cli("member", "add", name, "--date", "2023-01-01", "-l", folder).exit_code == 0
    return folder


CASES = Path(__file__).resolve().parent / "cases"
UPDATE_GOLDEN = bool(os.environ.get("JIFEN_UPDATE_GOLDEN"))  # set by `make golden`
UPDATED = pytest.StashKey[list]()


@pytest.fixture
def golden(request):
    """Compare text with ``tests/cases/<name>`` and fail with a unified diff if it differs.

    Under ``make golden`` (JIFEN_UPDATE_GOLDEN=1) the file is rewritten instead, and the test is
    reported as skipped ("golden file updated"), never as passed: nothing was compared.
    """

    def check(name: str, text: str) -> None:
        path = CASES / name
        if UPDATE_GOLDEN:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            request.node.stash.setdefault(UPDATED, []).append(name)
            return
        assert path.exists(), f"no golden file {path}: write it with `make golden`"
        want = path.read_text(encoding="utf-8")
        if text != want:
            diff = difflib.unified_diff(want.splitlines(keepends=True), text.splitlines(keepends=True),
                                        f"tests/cases/{name} (expected)", "output (got)")
            pytest.fail(f"output differs from tests/cases/{name} (if intended: `make golden`)\n"
                        + "".join(diff), pytrace=False)

    return check


def pytest_addoption(parser):
    parser.addoption("--screenshots", default=None, metavar="DIR",
                     help="save the browser test's phone screenshots in DIR (`make screenshots`: docs/screenshots)")


def pytest_configure(config):
    config.addinivalue_line("markers", "golden: compares output with a file in tests/cases/ (`make golden`)")


def pytest_collection_modifyitems(items):
    for item in items:
        if "golden" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.golden)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    updated = item.stash.get(UPDATED, None)
    if report.when == "call" and report.passed and updated:
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1], "golden file updated: " + ", ".join(updated))


# --- nothing under the repository is written by a test run ------------------------------------

WORK_TREE = pytest.StashKey[object]()
EXPECTED_LITTER = (".venv/", ".pytest_cache/", ".hypothesis/", ".ruff_cache/", "__pycache__/", ".egg-info/")


def work_tree_state() -> dict[str, str] | None:
    """Every changed, untracked or ignored file of the work tree (but the tools' own litter),
    each with its status and a hash of its bytes; None outside a git work tree."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain=v1", "-z", "--ignored", "--untracked-files=all"],
            capture_output=True, check=True,
        ).stdout.decode("utf-8", "surrogateescape")
    except (OSError, subprocess.CalledProcessError):
        return None
    state = {}
    for entry in filter(None, listed.split("\0")):
        status, name = entry[:2], entry[3:]
        if any(part in f"/{name}" for part in EXPECTED_LITTER):
            continue
        path = ROOT / name
        content = path.read_bytes() if path.is_file() else b""
        state[name] = f"{status} {hashlib.blake2b(content, digest_size=8).hexdigest()}"
    return state


def pytest_sessionstart(session):
    session.config.stash[WORK_TREE] = work_tree_state()


def pytest_sessionfinish(session, exitstatus):
    before = session.config.stash.get(WORK_TREE, None)
    if before is None:
        return
    after = work_tree_state() or {}
    allowed = []
    if UPDATE_GOLDEN:  # `make golden` writes tests/cases/ on purpose
        allowed.append("tests/cases/")
    shots = session.config.getoption("screenshots", None)
    if shots and Path(shots).resolve().is_relative_to(ROOT):  # `make screenshots` writes there on purpose
        allowed.append(Path(shots).resolve().relative_to(ROOT).as_posix().rstrip("/") + "/")
    before = {k: v for k, v in before.items() if not k.startswith(tuple(allowed))}
    after = {k: v for k, v in after.items() if not k.startswith(tuple(allowed))}
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    if changed:
        lines = "\n".join(f"  {name}" for name in changed)
        message = f"the test run wrote into the repository (use tmp_path or the `demo` copy):\n{lines}\n"
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_sep("!", "failed: files in the repository changed", red=True)
            reporter.write_line(message, red=True)
        else:
            print(message)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
