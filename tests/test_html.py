"""The notice-board page: a self-contained HTML file with print CSS; checked in Chromium when it is installed."""

from __future__ import annotations

import re
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


def print_pdf(tmp_path, path):
    """``path`` printed to PDF by headless Chromium: pdfinfo's report and the text (pdftotext)."""
    pdf = path.with_suffix(".pdf")
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
         "--no-pdf-header-footer", f"--print-to-pdf={pdf}", path.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return info, text


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
    assert "机关第一党支部2023年第一季度党员量化积分公示" in text
    assert parsed.tags.count("tr") == 1 + 11  # the header and eleven members of Q1
    assert "thead" in parsed.tags and parsed.links == []  # nothing fetched from anywhere
    assert "display: table-header-group" in html and "break-inside: avoid" in html
    assert "size: A4 portrait" in html  # twelve columns without the ids: printed portrait
    assert "公示期：______年" in text  # no notice event: a line to fill in
    assert "可向机关第一党支部书面或当面提出" in text and "（盖章）" in text
    assert "m01" not in text and "编号" not in text  # internal ids only on request
    assert "王志强：延迟完成日常工作 −10" in text  # each member's reasons, by rule name
    assert '"Noto Sans CJK SC"' in html
    assert re.search(r"JF1-R2023Q1-\d+-[0-9a-f]{16}-[0-9a-f]{8}", text) and "<svg" in html  # the code and its QR


def test_notice_ids_on_request_and_the_notice_period(cli, tmp_path, demo):
    assert cli("notice", "--quarter", "2023Q1", "--from", "2023-04-03", "-l", demo, "--by", "刘芳").exit_code == 0
    _, _, parsed = page(cli, tmp_path, demo, "report", "--quarter", "2023Q1", "--ids")
    text = "".join(parsed.text)
    assert "公示期：2023年4月3日至2023年4月9日" in text
    assert "张建国(m01)" in text and "编号" in text and "(#" in text


def test_notice_in_english(cli, tmp_path, demo):
    _, _, parsed = page(cli, tmp_path, demo, "grade", "--year", "2023", "--lang", "en")
    text = "".join(parsed.text)
    assert "annual points notice, 2023" in text and "Notice period:" in text and "Why the points moved" in text


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
@pytest.mark.parametrize("args, orientation, pages", [
    (("grade", "--year", "2023"), "portrait", 2),  # the notice, then the chart on a page of its own
    (("report", "--quarter", "2023Q1"), "portrait", 1),
    (("report", "--quarter", "2023Q1", "--ids"), "landscape", 2),  # ids: one column more, landscape
])
def test_notice_prints_in_chromium(cli, tmp_path, demo, args, orientation, pages):
    import re

    path, _, _ = page(cli, tmp_path, demo, *args)
    info, _ = print_pdf(tmp_path, path)
    pdf = path.with_suffix(".pdf")
    assert re.search(rf"^Pages:\s+{pages}$", info, re.M)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts \(A4\)", info).groups())
    assert (width < height) == (orientation == "portrait")
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes))
    assert right <= width  # nothing runs off the page
    assert "黄海燕" in boxes


def test_member_card_page(cli, tmp_path, demo):
    path = tmp_path / "card.html"
    assert cli("show", "赵伟", "--year", "2023", "-l", demo, "-f", "html", "-o", path).exit_code == 0
    html = path.read_text(encoding="utf-8")
    parsed = Page()
    parsed.feed(html)
    text = "".join(parsed.text)
    assert "不按规定时限办理事项" in text and "service.deadline" not in text  # rule names, not ids
    assert '<td class="nowrap">2023-03-11</td>' in html  # dates never broken inside
    assert "size: A4 portrait" in html and "table-layout: fixed" not in html.split("table.card")[0][-200:]
    assert "本月累计" in text and "本季累计" in text and "2023年第四季度" in text and "合格" in text


def test_card_of_an_annual_scheme_says_year_so_far(cli, tmp_path):
    folder = tmp_path / "c"
    assert cli("init", folder, "--scheme", "dongli-branch-2023", "--name", "动力厂党委", "--date", "2023-01-01").exit_code == 0
    assert cli("member", "add", "机关党支部", "--date", "2023-01-01", "-l", folder).exit_code == 0
    result = cli("show", "机关党支部", "-l", folder)
    assert "本年累计" in result.output and "本季累计" not in result.output


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("pdfinfo")),
                    reason="Debian's chromium and poppler-utils are not installed (make test installs them as root)")
def test_member_card_prints_on_one_portrait_page(cli, tmp_path, demo):
    path = tmp_path / "card.html"
    assert cli("show", "赵伟", "--year", "2023", "-l", demo, "-f", "html", "-o", path).exit_code == 0
    info, text = print_pdf(tmp_path, path)
    assert re.search(r"^Pages:\s+1$", info, re.M)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts \(A4\)", info).groups())
    assert width < height  # portrait
    assert "2023-03-11" in text and "不按规定着装" in text


def test_annual_notice_says_why_a_quarter_is_blank(cli, tmp_path, demo):
    _, _, parsed = page(cli, tmp_path, demo, "grade", "--year", "2023")
    cells = [t.strip() for t in parsed.text if t.strip()]
    assert cells[cells.index("孙婷") + 1:cells.index("孙婷") + 3] == ["未入党", "未入党"]  # joined in the third quarter
    assert "已转出" in cells  # 徐磊 left in the fourth


def test_the_organisation_above_signs_and_hears_unsettled_objections(cli, tmp_path):
    folder = tmp_path / "b"
    assert cli("init", folder, "--scheme", "quantified-2023", "--name", "机关第一党支部", "--above", "中共某某局机关委员会",
               "--date", "2023-01-01").exit_code == 0
    assert "above: 中共某某局机关委员会" in (folder / "ledger.yaml").read_text(encoding="utf-8")
    assert cli("member", "add", "张三", "--date", "2023-01-01", "-l", folder).exit_code == 0
    assert cli("member", "add", "李四", "--date", "2023-01-01", "-l", folder).exit_code == 0
    assert cli("add", "张三", "study.absent", "-d", "2023-02-10", "-l", folder).exit_code == 0
    assert cli("declare", "李四", "honor.provincial", "-d", "2023-03-01", "-l", folder).exit_code == 0
    assert cli("notice", "--quarter", "2023Q1", "--from", "2023-04-03", "-l", folder).exit_code == 0
    assert cli("appeal", "4", "--by", "张三", "-r", "当天请假已获批准", "-d", "2023-04-04", "-l", folder).exit_code == 0
    path = tmp_path / "n.html"
    assert cli("report", "--quarter", "2023Q1", "-l", folder, "-f", "html", "-o", path).exit_code == 0
    parsed = Page()
    parsed.feed(path.read_text(encoding="utf-8"))
    text = "".join(parsed.text)
    assert "可向中共某某局机关委员会反映" in text and "中共某某局机关委员会机关第一党支部" in text.replace("\n", "")
    assert "待审核的申报" in text and "李四:" in text  # pending declarations, by name
    assert "尚未答复的异议" in text and "张三:当天请假已获批准(2023年4月4日)" in text  # open appeals
