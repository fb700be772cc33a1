"""Every shipped scheme's notice page, built through the command line and printed by headless
Chromium: the PDF's text has the period in words, the notice-period line, the reasons of a subject
whose points moved, and the verification code."""

from __future__ import annotations

import re
import shutil

import pytest

from jifen.store import scheme as scheme_io
from tests.conftest import SCHEMES
from tests.test_html import print_pdf

SHIPPED = sorted(p.stem for p in SCHEMES.glob("*.yaml"))
PAGES = {"month": (("report", "--month", "2023-02"), "2023年2月"),
         "quarter": (("report", "--quarter", "2023Q1"), "2023年第一季度"),
         "year": (("grade", "--year", "2023"), "2023年度")}


def moving_rule(scheme) -> tuple[str, list[str], str]:
    """A rule of ``scheme`` to record, its extra arguments, and its name: a fixed deduction if there is
    one, else a discretionary deduction, else a bonus."""
    rules = [r for c in scheme.categories for r in c.rules]
    for rule in rules:
        if rule.kind == "fixed" and rule.params["points"] < 0:
            return rule.id, [], rule.name
    for rule in rules:
        if rule.kind == "range" and rule.params["max"] < 0:
            return rule.id, ["--points", str(rule.params["max"])], rule.name
    for rule in rules:
        if rule.kind == "fixed":
            return rule.id, [], rule.name
    rule = next(r for r in rules if r.kind == "range")
    return rule.id, ["--points", str(rule.params["min"])], rule.name


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("pdftotext")),
                    reason="Debian's chromium and poppler-utils are not installed (make test installs them as root)")
@pytest.mark.parametrize("scheme_id", SHIPPED)
def test_each_shipped_schemes_notice_prints(cli, tmp_path, scheme_id):
    scheme = scheme_io.load_valid(SCHEMES / f"{scheme_id}.yaml")
    folder = tmp_path / "branch"
    assert cli("init", folder, "--scheme", scheme_id, "--name", "试点党组织", "--date", "2023-01-01").exit_code == 0
    for name in ("张三", "李四"):
        assert cli("member", "add", name, "--date", "2023-01-01", "-l", folder).exit_code == 0
    rule, extra, rule_name = moving_rule(scheme)
    added = cli("add", "张三", rule, *extra, "-d", "2023-02-10", "-l", folder)
    assert added.exit_code == 0, added.output
    args, words = PAGES[scheme.period]
    if scheme.period == "quarter":
        assert cli("notice", "--quarter", "2023Q1", "--from", "2023-04-03", "-l", folder).exit_code == 0
    page = tmp_path / "notice.html"
    made = cli(*args, "-l", folder, "-f", "html", "-o", page)
    assert made.exit_code == 0, made.output
    _, text = print_pdf(tmp_path, page)
    flat = squeeze(text)
    assert words in flat
    assert ("公示期：2023年4月3日至2023年4月9日" if scheme.period == "quarter" else "公示期：") in flat
    assert "张三：" + squeeze(rule_name) in flat  # the reasons of the subject whose points moved
    code = re.search(r"JF1-[RG][0-9QM]+-\d+-[0-9a-f]{16}-[0-9a-f]{8}", flat)
    assert code, flat[-400:]
    assert cli("verify", code.group(0), "-l", folder).exit_code == 0  # the printed code checks out
    if scheme.subjects == "branches":
        assert "党支部" in flat
