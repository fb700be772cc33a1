"""The notice-board page: a self-contained HTML file with print CSS; checked in Chromium when it is installed."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser

import pytest


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.links += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_data(self, data):
        self.text.append(data)


def page(cli, tmp_path, demo, *args):
    path = tmp_path / "notice.html"
    result = cli(*args, "-l", demo, "-f", "html", "-o", path)
    assert result.exit_code == 0, result.output
    parser = Page()
    html = path.read_text(encoding="utf-8")
    parser.feed(html)
    return path, html, parser


def test_quarter_notice_page(cli, tmp_path, demo):
    path, html, parsed = page(cli, tmp_path, demo, "report", "--quarter", "2023Q1")
    text = "".join(parsed.text)
    assert "机关第一党支部 2023Q1 党员量化积分公示" in text
    assert parsed.tags.count("tr") == 1 + 11  # the header and eleven members of Q1
    assert "thead" in parsed.tags and parsed.links == []  # nothing fetched from anywhere
    assert "display: table-header-group" in html and "break-inside: avoid" in html
    assert "size: A4 landscape" in html  # thirteen columns: printed landscape
    assert "支部书记" in text and "监督员" in text
    assert '"Noto Sans CJK SC"' in html


def test_names_are_escaped(cli, tmp_path):
    folder = tmp_path / "b"
    cli("init", folder, "--scheme", "quantified-2023", "--name", "<b>支部&</b>", "--date", "2023-01-01")
    cli("member", "add", "<script>x</script>", "--date", "2023-01-01", "-l", folder)
    out = tmp_path / "n.html"
    assert cli("report", "--quarter", "2023Q1", "-l", folder, "-f", "html", "-o", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;支部&amp;&lt;/b&gt;" in html


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("pdfinfo")),
                    reason="Debian's chromium and poppler-utils are not installed (make test installs them as root)")
@pytest.mark.parametrize("args, orientation", [
    (("grade", "--year", "2023"), "portrait"), (("report", "--quarter", "2023Q1"), "landscape"),
])
def test_notice_prints_in_chromium(cli, tmp_path, demo, args, orientation):
    import re

    path, _, _ = page(cli, tmp_path, demo, *args)
    pdf = tmp_path / "notice.pdf"
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
         "--no-pdf-header-footer", f"--print-to-pdf={pdf}", path.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts \(A4\)", info).groups())
    assert (width < height) == (orientation == "portrait")
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes))
    assert right <= width  # nothing runs off the page
    assert "黄海燕" in boxes
