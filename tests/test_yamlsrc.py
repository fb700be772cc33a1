"""The positioned YAML reader: what it refuses, and where it says the problem is."""

import pytest

from jifen.store import yamlsrc


def codes(text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    decoded, problems = yamlsrc.decode("f.yaml", data)
    if decoded is None:
        return [(p.code, p.source.line, p.source.col) for p in problems]
    _, problems = yamlsrc.parse("f.yaml", decoded)
    return [(p.code, p.source.line, p.source.col) for p in problems]


def test_clean_document_has_positions():
    root, problems = yamlsrc.parse("f.yaml", "# c\n- id: 1\n  note: 张三\n")
    assert problems == []
    item = root.items[0]
    assert item.get("note").text == "张三"
    assert (item.get("note").source.line, item.get("note").source.col) == (3, 9)


def test_anchor_and_alias_refused_not_expanded():
    found = codes("- id: 1\n  a: &x [1, 2]\n  b: *x\n")
    assert ("yaml.anchor", 2, 6) in found
    assert ("yaml.alias", 3, 6) in found


def test_alias_bomb_does_not_expand():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    found = codes(bomb)
    assert found and all(code in ("yaml.anchor", "yaml.alias") for code, _, _ in found)


def test_tags_refused():
    assert codes("- id: !!str 1\n") == [("yaml.tag", 1, 7)]
    assert codes("- !custom {id: 1}\n")[0][0] == "yaml.tag"


def test_duplicate_key_names_both_lines():
    root, problems = yamlsrc.parse("f.yaml", "- id: 1\n  id: 2\n")
    assert [(p.code, p.source.line, p.args["line"]) for p in problems] == [("yaml.duplicate-key", 2, 1)]


def test_bom_and_bad_utf8_are_positioned():
    assert codes(b"\xef\xbb\xbf- id: 1\n") == [("yaml.bom", 1, 1)]
    assert codes(b"- id: 1\n  note: ab\xff\n") == [("yaml.not-utf8", 2, 11)]


def test_syntax_error_is_positioned():
    found = codes("- id: 1\n  note: [unclosed\n")
    assert found[0][0] == "yaml.syntax"
    assert found[0][1] == 3


def test_tab_indentation_is_a_syntax_error():
    assert codes("- id: 1\n\tnote: x\n")[0][0] == "yaml.syntax"


def test_scalar_conversions():
    def scalar(text, plain=True):
        return yamlsrc.Scalar(text, plain, None)

    assert yamlsrc.as_decimal(scalar("-0.5")) == yamlsrc.Decimal("-0.5")
    assert str(yamlsrc.as_decimal(scalar("0.1"))) == "0.1"
    for bad in ("1e3", "abc", ".inf", "0x10"):
        try:
            yamlsrc.as_decimal(scalar(bad))
        except ValueError as exc:
            assert str(exc) == "yaml.want-number"
        else:
            raise AssertionError(bad)
    assert yamlsrc.as_text(scalar("2023")) == "2023"
    assert yamlsrc.as_date(scalar("2023-02-28")).isoformat() == "2023-02-28"


def test_yaml_nested_a_thousand_deep_is_a_positioned_problem_not_a_recursion_error():
    first_refused = 6 + yamlsrc.MAX_DEPTH - 2  # the list and the mapping are the first two levels
    assert codes("- a: " + "[" * 1000 + "]" * 1000 + "\n") == [("yaml.too-deep", 1, first_refused)]
    block = "".join(" " * (2 * i) + "- \n" for i in range(1000))
    assert codes(block)[0][:2] == ("yaml.too-deep", yamlsrc.MAX_DEPTH + 1)


def test_control_character_is_reported_at_its_line_and_column_not_at_1_1():
    assert codes("- id: 1\n  note: a\x1bb\n") == [("yaml.control-char", 2, 10)]
    assert codes("- id: 1\n  note: 中·\u0085\u009b\n") == [("yaml.control-char", 2, 12)]
    assert codes("- id: 1\n  note: \"a\\x1bb\"\n\t\r\n") != [("yaml.control-char", 3, 1)]  # tab, CR and escapes pass


def test_five_thousand_digit_id_is_a_positioned_problem():
    node, _ = yamlsrc.parse("f.yaml", "9" * 5000)
    try:
        yamlsrc.as_int(node)
    except yamlsrc.Bad as exc:
        assert exc.code == "yaml.int-too-long" and exc.args_ == {"limit": yamlsrc.MAX_DIGITS}
    else:
        raise AssertionError("a 5000-digit number was read")


@pytest.mark.parametrize("before", [0, 1, 32_767, 32_768, 40_000, 65_535, 65_536, 100_001])
@pytest.mark.parametrize("length", [65_535, 65_536, 65_537, 98_304, 131_072])
@pytest.mark.parametrize("newline_after", [True, False])
def test_a_line_over_the_limit_is_found_wherever_it_lies(before, length, newline_after):
    # the check looks at blocks of half the limit first: it must find every line of more than the
    # limit, and name the line the byte-by-byte search names, whatever the line's place and length
    short = "记分\n" * (before // 7) + "x" * (before % 7)
    data = (short + ("\n" if short else "") + "注" * (length // 3) + "x" * (length % 3)
            + ("\n一行\n" if newline_after else "")).encode("utf-8")
    expected = yamlsrc._LONG.search(data)
    found = yamlsrc._long_line(data)
    assert found == (None if expected is None else data.count(b"\n", 0, expected.start()) + 1)
    assert (found is not None) == (length > yamlsrc.MAX_LINE)
