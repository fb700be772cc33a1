"""What every text format shares (``jifen.render.cells``): display widths counted without wcwidth where
they are certain, and a column's cells written once per distinct value; each held equal to the slow truth."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import wcswidth

from jifen.render.cells import SURE, UNSURE, cell, column_texts, width


def test_sure_ranges_are_in_order_and_apart():
    assert all(first <= last for first, last, _ in SURE)
    assert all(last < next_first for (_, last, _), (next_first, _, _) in zip(SURE, SURE[1:]))
    assert {columns for _, _, columns in SURE} == {1, 2} and UNSURE < -sum(last - first + 1 for first, last, _ in SURE) * 2


def test_every_code_point_of_the_sure_ranges_is_as_wide_as_wcwidth_says():
    """Exhaustively: each of the ~28,000 code points ``width`` counts itself, alone, and twice in a row
    between ASCII letters (a width that depended on a neighbour would show there)."""
    for first, last, columns in SURE:
        for point in range(first, last + 1):
            char = chr(point)
            assert width(char) == wcswidth(char) == columns, hex(point)
            assert width(f"a{char}{char}z") == wcswidth(f"a{char}{char}z") == 2 + 2 * columns, hex(point)


def test_the_code_points_beside_the_sure_ranges_are_left_to_wcwidth():
    """Just outside each range (the combining marks 〪–〯 after 、。…, ⁉, ｡, the hexagrams after Extension A)
    and anything else: ``width`` is wcwidth's own answer, -1 for a control character included."""
    beside = {point for first, last, _ in SURE for point in (first - 1, last + 1)}
    for point in sorted(beside) + [0x0, 0x1B, 0x7F, 0x9B, 0x301, 0x200B, 0x200D, 0xFE0F, 0x1F600, 0x20000, 0x10FFFF]:
        for text in (chr(point), f"张{chr(point)}三", f"a{chr(point)}"):
            assert width(text) == wcswidth(text), hex(point)


SURE_CHARS = st.one_of(*(st.integers(first, last) for first, last, _ in SURE)).map(chr)
ANY_CHARS = st.one_of(SURE_CHARS, st.sampled_from(["\u0301", "\u200b", "\u200d", "\ufe0f", "😀", "👨", "\U0001f1e8",
                                                   "\u302a", "\uff61", "한", "\u1100", "\u1161", "\x1b", "\u00ad"]),
                      st.characters(blacklist_categories=("Cs",)))


@settings(max_examples=1500, deadline=None)
@given(st.text(SURE_CHARS, max_size=12))
def test_text_of_sure_characters_is_as_wide_as_wcwidth_says(text):
    assert width(text) == wcswidth(text)


@settings(max_examples=1500, deadline=None)
@given(st.text(ANY_CHARS, max_size=10))
def test_any_text_is_as_wide_as_wcwidth_says(text):
    """Emoji and their joiners, combining marks, Hangul jamo, controls mixed in with Chinese text."""
    assert width(text) == wcswidth(text)


VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3),
    st.sampled_from([Decimal("0"), Decimal("-0"), Decimal("0.00"), Decimal("-0.0"), Decimal("1"), Decimal("1.0"),
                     Decimal("1E+1"), Decimal("10"), Decimal("-2.50"), Decimal("98.333"), Decimal("NaN"),
                     Decimal("sNaN"), Decimal("Infinity")]),
    st.sampled_from(["", "是", "优秀", "张三", "True", "1", "0", "m00001", "self", "masses", "active", "a\x1bb", "\x9b"]),
    st.lists(st.sampled_from(["self", "peer", "张三", Decimal("1.0")]), max_size=3),
    st.just(dt.date(2023, 6, 30)),
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(VALUES, max_size=30), st.sampled_from(["", "panel.", "status.", "flag.", "eligible."]),
       st.sampled_from(["zh", "en"]))
def test_a_column_is_each_cell_written_on_its_own(values, words, lang):
    """Equal values that are written apart (-0 and 0, 1.0 and 1 under a catalogue prefix, True and 1, a
    signalling NaN that cannot be hashed) stay apart; a column is exactly ``cell`` of each value."""
    assert column_texts(values, lang, words) == [cell(value, lang, words) for value in values]
