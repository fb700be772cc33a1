"""The layering of STYLE.md, enforced: packages and the modules inside them import one way, with no
cycle, and only the command line prints."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "jifen"

# A module may import modules of a lower rank, or of its own rank (siblings). Ranks go up by package
# (base < core < store < book < reports < render < web < cli) and, inside a package, by what builds on what.
RANKS = {
    "jifen": 0, "jifen.errors": 0, "jifen.messages": 0,
    "jifen.core": 10, "jifen.core.periods": 10, "jifen.core.typed": 11, "jifen.core.numbers": 10, "jifen.core.kinds": 10,
    "jifen.core.model": 11,
    "jifen.core.rules": 12, "jifen.core.categories": 12, "jifen.core.roster": 12, "jifen.core.corrections": 12,
    "jifen.core.workflow": 13, "jifen.core.versions": 13,
    "jifen.core.engine": 14,
    "jifen.core.validate": 15, "jifen.core.outcomes": 15, "jifen.core.exchange": 15,
    "jifen.store": 20, "jifen.store.yamlsrc": 20, "jifen.store.gitrepo": 20,
    "jifen.store.ledger": 21, "jifen.store.scheme": 21, "jifen.store.sheets": 21,
    "jifen.store.cache": 22,
    "jifen.book": 30,
    "jifen.book.audit": 31, "jifen.book.rollup": 31, "jifen.book.verify": 31, "jifen.book.imports": 31,
    "jifen.reports.base": 40,
    **{f"jifen.reports.{name}": 41 for name in ("period", "grade", "show", "members", "schemes", "handbook", "rollup",
                                                  "events", "chart", "flow", "status", "schemediff", "balance")},
    "jifen.reports": 42,
    "jifen.render.cells": 50,
    **{f"jifen.render.{name}": 51 for name in ("table", "markdown", "delimited", "jsondata", "html", "xlsx",
                                                 "chart", "problems")},
    "jifen.render": 52,
    # the web front end: above the book, the reports and the formats, below the command line that starts it
    "jifen.web": 55, "jifen.web.accounts": 55, "jifen.web.guard": 55, "jifen.web.evidence": 55,
    "jifen.web.views": 56,
    "jifen.web.app": 57,
    "jifen.web.committee": 58,
    "jifen.cli.words": 60, "jifen.cli.lazy": 60, "jifen.cli.common": 61,
    **{f"jifen.cli.{name}": 62 for name in ("record", "reading", "workflow", "history", "serve", "verify", "completion",
                                            "desk", "ask")},
    "jifen.cli": 63, "jifen.__main__": 64,
}
CLI = RANKS["jifen.cli.lazy"]


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = modules()


def imported(name: str) -> set[str]:
    """The jifen modules ``name`` imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "jifen":
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "jifen"}
    return found - {name}


def test_every_module_has_a_rank():
    assert set(MODULES) <= set(RANKS), sorted(set(MODULES) - set(RANKS))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_one_way(name):
    upward = {m for m in imported(name) if RANKS[m] > RANKS[name]}
    assert not upward, f"{name} imports from above: {upward}"


def test_no_import_cycles():
    state: dict[str, int] = {}  # 1: being walked, 2: done

    def walk(name: str, path: list[str]) -> None:
        state[name] = 1
        for other in sorted(imported(name)):
            if state.get(other) == 1:
                pytest.fail("import cycle: " + " → ".join(path + [other]))
            if other not in state:
                walk(other, path + [other])
        state[name] = 2

    for name in sorted(MODULES):
        if name not in state:
            walk(name, [name])


@pytest.mark.parametrize("name", [m for m in sorted(MODULES) if RANKS[m] < CLI])
def test_nothing_below_cli_prints(name):
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = ast.unparse(node.func)
            assert called not in ("print", "typer.echo", "sys.stdout.write", "sys.stderr.write"), (name, called)
        if isinstance(node, ast.Attribute):
            assert ast.unparse(node) not in ("sys.stdout", "sys.stderr"), name


@pytest.mark.parametrize("name", [m for m in sorted(MODULES) if m.startswith("jifen.core")])
def test_the_core_touches_no_files_clock_or_git(name):
    text = MODULES[name].read_text(encoding="utf-8")
    for word in ("open(", "Path(", "subprocess", "date.today", "datetime.now", "os.environ"):
        assert word not in text, (name, word)


def test_the_layer_test_can_fail():
    """A sanity check of the checker: an upward import is seen."""
    assert "jifen.core.engine" in imported("jifen.book")
    assert RANKS["jifen.core.engine"] < RANKS["jifen.book"]
