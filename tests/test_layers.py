"""The layering of STYLE.md, enforced: imports go one way, and only the CLI prints."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "jifen"

# lower numbers sit below; a module may import from its own layer or below
LAYERS = {
    "errors": 0, "messages": 0, "periods": 0, "kinds": 0, "numbers": 0,
    "model": 1,
    "yamlsrc": 2,
    "rules": 3, "categories": 3, "ledger": 3, "scheme": 3, "gitrepo": 3,
    "roster": 3, "cache": 3, "corrections": 3,
    "validate": 4, "book": 4.5, "engine": 4, "outcomes": 4, "audit": 4, "workflow": 4, "rollup": 4.5,
    "render_xlsx": 6, "render_html": 6, "render_chart": 6,
    "reports": 5,
    "render": 6,
    "cli": 7, "__main__": 7, "__init__": 0,
}


def modules():
    return sorted(p.stem for p in SRC.glob("*.py")) + ["cli"]


def source(module: str) -> str:
    """The text of a module; for the cli package, all of its files."""
    if (SRC / module).is_dir():
        return "\n".join(p.read_text(encoding="utf-8") for p in sorted((SRC / module).glob("*.py")))
    return (SRC / f"{module}.py").read_text(encoding="utf-8")


def test_every_module_has_a_layer():
    assert set(modules()) <= set(LAYERS), set(modules()) - set(LAYERS)


def imported(module: str) -> set[str]:
    tree = ast.parse(source(module))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jifen"):
            if node.module == "jifen":
                found |= {alias.name for alias in node.names}
            else:
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("jifen.")}
    return found


@pytest.mark.parametrize("module", modules())
def test_imports_go_one_way(module):
    upward = {m for m in imported(module) if LAYERS[m] > LAYERS[module]}
    assert not upward, f"{module} imports from above: {upward}"


@pytest.mark.parametrize("module", [m for m in modules() if LAYERS[m] < 7])
def test_nothing_below_cli_prints(module):
    tree = ast.parse(source(module))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            assert name not in ("print", "typer.echo", "sys.stdout.write", "sys.stderr.write"), (module, name)
        if isinstance(node, ast.Attribute):
            assert ast.unparse(node) not in ("sys.stdout", "sys.stderr"), module


@pytest.mark.parametrize("module", ["engine", "outcomes", "roster", "validate", "rules", "periods", "kinds", "corrections", "workflow"])
def test_replay_modules_touch_no_files_clock_or_git(module):
    text = source(module)
    for word in ("open(", "Path(", "subprocess", "date.today", "datetime.now", "os.environ"):
        assert word not in text, (module, word)
