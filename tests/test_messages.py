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


CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
ASCII_BESIDE_CJK = re.compile(rf"[{CJK}] *[,:;()?!]|[,:;()?!] *[{CJK}]")
# zh entries that may keep ASCII punctuation beside Chinese, and why (none so far: a code, a command,
# a path or a number inside a Chinese sentence is not beside a Chinese character, or is set off by a space)
ASCII_PUNCTUATION_KEPT: dict[str, str] = {}


@pytest.mark.parametrize("code", sorted(messages.MESSAGES))
def test_chinese_text_has_chinese_punctuation(code):
    """，。：；（）！？ in Chinese sentences: no ASCII , : ; ( ) ? ! touching a Chinese character."""
    entry = messages.MESSAGES[code]
    for zh in entry[0::2]:
        found = ASCII_BESIDE_CJK.search(zh)
        assert found is None or code in ASCII_PUNCTUATION_KEPT, f"{code}: {found and found.group()!r} in {zh!r}"


def test_event_kinds_and_panels_are_said_in_chinese():
    """A kind or panel name given to a Chinese message is put in its Chinese word ({kind:kind})."""
    assert messages.text("event.wrong-target", "zh", target=10, kind="revoke", action="amend", kinds="score, declare") \
        == "事件 10 是撤销，不能更正"
    assert messages.hint("event.wrong-target", "zh", target=10, kind="revoke", action="amend", kinds="score, declare") \
        == "更正只用于：记分、申报。"
    assert messages.text("log.eval", "zh", id=3, date="2023-12-30", who="张三(m01)", panel="self", period="2023", given=95,
                         by="李四", late="") == "#3 2023-12-30 张三(m01) 评议（自评，2023）：95 — 评议人 李四"
    assert messages.text("event.unevaluated", "zh", subject="张三", year=2023, panels="masses, 卫生") \
        == "张三 在 2023 年尚未评议（未评）：缺少 群众评议、卫生"
    assert "revoke event: amend" in messages.text("event.wrong-target", "en", target=10, kind="revoke", action="amend",
                                                  kinds="score")
