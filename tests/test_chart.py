"""jifen chart: PNG and SVG with every Chinese character drawn (no tofu), and the chart in the annual page."""

from __future__ import annotations

import warnings

import pytest

from jifen.errors import InvalidInput
from jifen.render import chart as render_chart

try:
    render_chart.cjk_font()
    HAS_FONT = True
except InvalidInput:
    HAS_FONT = False

needs_font = pytest.mark.skipif(not HAS_FONT, reason="no CJK font (make test installs fonts-noto-cjk as root)")


@needs_font
@pytest.mark.parametrize("name, magic", [("c.png", b"\x89PNG"), ("c.svg", b"<?xml")])
def test_branch_chart_has_every_glyph(cli, tmp_path, name, magic, demo):
    path = tmp_path / name
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = cli("chart", "--year", "2023", "-l", demo, "-o", path)
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(magic)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []


@needs_font
def test_member_chart_and_svg_text(cli, tmp_path, demo):
    path = tmp_path / "m.svg"
    assert cli("chart", "--year", "2023", "-m", "吴敏", "-l", demo, "-o", path).exit_code == 0
    assert path.stat().st_size > 1000


def test_chart_refuses_other_suffixes(cli, tmp_path, demo):
    result = cli("chart", "--year", "2023", "-l", demo, "-o", tmp_path / "c.jpg")
    assert result.exit_code == 2 and ".png" in result.output


@needs_font
def test_annual_page_embeds_the_chart(cli, tmp_path, demo):
    path = tmp_path / "g.html"
    assert cli("grade", "--year", "2023", "-l", demo, "-f", "html", "-o", path).exit_code == 0
    html = path.read_text(encoding="utf-8")
    assert '<div class="chart attachment"><svg' in html  # on a page of its own after the notice


def test_chart_data_marks_a_vetoed_zero_and_carries_the_grade_lines(demo):
    from jifen import book, reports

    opened = book.open(demo, cached=False).usable()
    data = reports.chart_data(opened.ledger, opened.standings, 2023)
    assert data["vetoed"]["周杰(m09)"] == [False, False, False, True]  # vetoed in Q4: a 0 marked, not drawn
    assert [g["name"] for g in data["grades"]] == ["优秀", "良好", "合格"]
    assert data["names"]["赵伟(m07)"] == "赵伟"


@needs_font
def test_every_member_has_a_colour_of_their_own(cli, tmp_path, demo):
    import re

    path = tmp_path / "c.svg"
    assert cli("chart", "--year", "2023", "-l", demo, "-o", path).exit_code == 0
    strokes = re.findall(r"stroke: (#[0-9a-f]{6}); stroke-width: 1\.2", path.read_text(encoding="utf-8"))
    assert len(set(strokes)) >= 12  # the twelve members of 2023


@needs_font
def test_member_chart_axis_starts_at_zero(demo):
    import matplotlib

    matplotlib.use("Agg")
    from unittest import mock

    from jifen import book, reports

    opened = book.open(demo, cached=False).usable()
    data = reports.chart_data(opened.ledger, opened.standings, 2023, "m07")
    limits = []
    real = matplotlib.axes.Axes.set_ylim
    with mock.patch.object(matplotlib.axes.Axes, "set_ylim", lambda self, *a, **k: limits.append(a) or real(self, *a, **k)):
        render_chart.render(data, "png", "zh")
    assert limits[-1][0] == 0  # a drop from 98 to 84 is not drawn as a cliff
