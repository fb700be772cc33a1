"""The Excel forms and file output, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook


def test_monthly_register(cli, tmp_path, demo):
    path = tmp_path / "reg.xlsx"
    result = cli("report", "--month", "2023-08", "-l", demo, "-f", "xlsx", "-o", path)
    assert result.exit_code == 0
    book = load_workbook(path)
    assert book.sheetnames == ["登记表", "明细"]
    sheet = book["登记表"]
    assert sheet["A1"].value == "2023年8月份党员量化积分登记表" and sheet["A2"].value == "单位：机关第一党支部"
    assert sorted(str(r) for r in sheet.merged_cells.ranges) == ["A1:M1", "A2:M2"]
    assert sheet.freeze_panes == "A4" and sheet.print_title_rows == "$3:$3"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 and sheet.page_setup.orientation == "landscape"
    assert sheet.oddFooter.left.text == "机关第一党支部" and "&P" in sheet.oddFooter.right.text
    assert sheet["A1"].font.name == "黑体" and all(c.font.name == "宋体" for row in sheet.iter_rows(min_row=2)
                                                   for c in row if c.value is not None)
    headers = [c.value for c in sheet[3]]
    assert headers[:4] == ["序号", "名次", "编号", "党员"] and headers[-2:] == ["得分", "否决"]
    rows = {r[3]: r for r in sheet.iter_rows(min_row=4, max_row=15, values_only=True)}
    assert rows["杨丽"][4] == 7.5 and isinstance(rows["杨丽"][4], float)  # a number, not text
    assert rows["张建国"][11] == 100 and isinstance(rows["张建国"][11], int)
    assert sheet["B4"].border.left.style == "thin"
    assert sheet.column_dimensions["D"].width >= 8  # fits three Chinese characters
    assert any("支部书记" in str(c.value) for row in sheet.iter_rows() for c in row)
    detail = book["明细"]
    headers = [c.value for c in detail[3]]
    assert len(set(headers)) == len(headers)  # no two columns headed 编号
    records = list(detail.iter_rows(min_row=4, values_only=True))
    assert records and all(isinstance(r[2], dt.datetime) and r[2].month == 8 for r in records)  # dates, not text
    quality = next(r for r in records if r[6] and r[6].startswith("笔记偏离主题"))
    assert quality[7] == -1.5


def test_annual_summary_and_member_card(cli, tmp_path, demo):
    summary = tmp_path / "sum.xlsx"
    assert cli("grade", "--year", "2023", "-l", demo, "-f", "xlsx", "-o", summary).exit_code == 0
    sheet = load_workbook(summary).worksheets[0]
    assert sheet["A1"].value == "2023年度党员量化积分情况汇总表"
    assert load_workbook(summary).sheetnames == ["汇总表", "明细"]
    first = [c.value for c in sheet[4]]
    assert first[:4] == [1, 1, "m08", "黄海燕"] and first[8] == 101 and first[9] == "优秀"
    rows = {r[3]: r for r in sheet.iter_rows(min_row=4, values_only=True) if r[3]}
    assert rows["孙婷"][4] == "未入党"  # joined in the second quarter: the first is blank, and says why
    card = tmp_path / "card.xlsx"
    assert cli("show", "吴敏", "-l", demo, "-f", "xlsx", "-o", card).exit_code == 0
    sheet = load_workbook(card).worksheets[0]
    assert sheet["A1"].value == "党员积分登记卡：吴敏（m10）"
    assert sheet.page_setup.orientation == "portrait"
    headers = [c.value for c in sheet[3]]
    revoked = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[4] == "发生责任投诉")
    assert revoked[headers.index("已撤销")] == "是"
    assert "本月累计" in headers and "本季累计" in headers


def test_binary_format_needs_a_file_and_csv_has_a_bom(cli, tmp_path, demo):
    result = cli("grade", "--year", "2023", "-l", demo, "-f", "xlsx")
    assert result.exit_code == 2 and "-o" in result.output
    path = tmp_path / "g.csv"
    assert cli("grade", "--year", "2023", "-l", demo, "-f", "csv", "-o", path).exit_code == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "黄海燕" in data.decode("utf-8-sig")
    text = tmp_path / "g.json"
    assert cli("grade", "--year", "2023", "-l", demo, "-f", "json", "-o", text).exit_code == 0
    assert text.read_text(encoding="utf-8").startswith("{")


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdfinfo")),
                    reason="LibreOffice (Debian's libreoffice-calc-nogui) and poppler-utils are not installed "
                           "(make test installs them as root)")
@pytest.mark.parametrize("args, title", [
    (("report", "--month", "2023-03"), "2023年3月份党员量化积分登记表"),
    (("grade", "--year", "2023"), "2023年度党员量化积分情况汇总表"),
    (("show", "赵伟", "--year", "2023"), "党员积分登记卡"),
])
def test_forms_print_one_page_wide_in_libreoffice(cli, tmp_path, demo, args, title):
    path = tmp_path / "form.xlsx"
    assert cli(*args, "-l", demo, "-f", "xlsx", "-o", path).exit_code == 0
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "form.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width = float(re.search(r"Page size:\s+([\d.]+) x", info).group(1))
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)) <= width  # one page wide
    pages = re.findall(r"<page ", boxes)
    first = boxes.split("</page>")[0]
    assert len(pages) >= 1 and "".join(re.findall(r">([^<]+)</word>", first)).find(title) >= 0
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "第 1 页" in text  # the page number in the footer
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Times" not in fonts and "Serif" not in fonts.replace("SerifCJK", "")  # no serif Latin face mixed in
