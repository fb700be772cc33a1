"""The catalogue: every word in both languages, the same placeholders in each, every code used is in it."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from jifen import messages

SRC = Path(__file__).resolve().parents[1] / "src" / "jifen"
PREFIXES = {code.split(".")[0] for code in messages.MESSAGES}
CODE = re.compile(r"^[a-z]+(\.[a-z0-9]+(-[a-z0-9]+)*)+$")
NOT_CODES = re.compile(r"\.(yaml|yml|py|json|xlsx|csv|png|svg|html|pdf|txt|md)$|^jifen\.|^user\.name$")  # files, modules, git
# entries whose languages need different placeholders ("2月没有30日" has no use for the year)
GRAMMAR = {"typed.no-such-day", "period.month", "period.month-form", "period.date"}  # zh: 3月; en: March


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_catalogue_has_no_key_twice():
    tree = ast.parse((SRC / "messages.py").read_text(encoding="utf-8"))
    catalogue = next(n.value for n in tree.body if isinstance(n, ast.AnnAssign) and n.target.id == "MESSAGES")
    keys = [k.value for k in catalogue.keys]
    assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})


@pytest.mark.parametrize("code", sorted(messages.MESSAGES))
def test_every_entry_is_in_both_languages_with_the_same_placeholders(code):
    entry = messages.MESSAGES[code]
    assert len(entry) in (2, 4) and all(entry[:2]), code
    assert fields(entry[0]) == fields(entry[1]) or code in GRAMMAR, code
    if len(entry) == 4:
        assert fields(entry[2]) == fields(entry[3]), code


def used_codes() -> dict[str, str]:
    """Every string in the sources shaped like a catalogue code, with the first file it is in."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "messages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if CODE.match(text) and text.split(".")[0] in PREFIXES and not NOT_CODES.search(text):
                    found.setdefault(text, str(path.relative_to(SRC)))
    return found


def test_every_code_the_sources_name_is_in_the_catalogue():
    missing = {code: where for code, where in used_codes().items()
               if not messages.known(code) and not any(k.startswith(code + ".") for k in messages.MESSAGES)}
    assert not missing, missing
