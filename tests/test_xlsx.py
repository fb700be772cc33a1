"""The Excel forms and file output, read back with openpyxl."""

from __future__ import annotations

from openpyxl import load_workbook


def test_monthly_register(cli, tmp_path, demo):
    path = tmp_path / "reg.xlsx"
    result = cli("report", "--month", "2023-08", "-l", demo, "-f", "xlsx", "-o", path)
    assert result.exit_code == 0
    book = load_workbook(path)
    assert book.sheetnames == ["登记表", "明细"]
    sheet = book["登记表"]
    assert sheet["A1"].value == "机关第一党支部 2023-08 党员量化积分登记表"
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:M1"]
    assert sheet.freeze_panes == "A3"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 and sheet.page_setup.orientation == "landscape"
    headers = [c.value for c in sheet[2]]
    assert headers[:4] == ["序号", "名次", "编号", "党员"] and headers[-2:] == ["得分", "否决"]
    rows = {r[3]: r for r in sheet.iter_rows(min_row=3, max_row=14, values_only=True)}
    assert rows["杨丽"][4] == 7.5 and isinstance(rows["杨丽"][4], float)  # a number, not text
    assert rows["张建国"][11] == 100 and isinstance(rows["张建国"][11], int)
    assert sheet["B3"].border.left.style == "thin"
    assert sheet.column_dimensions["D"].width >= 8  # fits three Chinese characters
    assert any("支部书记" in str(c.value) for row in sheet.iter_rows() for c in row)
    detail = book["明细"]
    records = list(detail.iter_rows(min_row=3, values_only=True))
    assert records and all(r[2].startswith("2023-08") for r in records)
    quality = next(r for r in records if r[6] == "study.quality")
    assert quality[8] == -1.5


def test_annual_summary_and_member_card(cli, tmp_path, demo):
    summary = tmp_path / "sum.xlsx"
    assert cli("grade", "--year", "2023", "-l", demo, "-f", "xlsx", "-o", summary).exit_code == 0
    sheet = load_workbook(summary).worksheets[0]
    assert sheet["A1"].value == "机关第一党支部 2023 年度党员量化积分情况汇总表"
    first = [c.value for c in sheet[3]]
    assert first[:4] == [1, 1, "m08", "黄海燕"] and first[8] == 101 and first[9] == "优秀"
    card = tmp_path / "card.xlsx"
    assert cli("show", "吴敏", "-l", demo, "-f", "xlsx", "-o", card).exit_code == 0
    sheet = load_workbook(card).worksheets[0]
    assert sheet["A1"].value == "党员积分登记卡:吴敏(m10)"
    headers = [c.value for c in sheet[2]]
    revoked = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[4] == "service.complaint")
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
