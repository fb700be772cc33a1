"""Reviews as the sources write them (issue 16): forms scored aspect by aspect, through the CLI.

Every number is computed by hand in the comments, from the sentence of the seed it implements.
"""

from __future__ import annotations

import json

from tests.conftest import SCHEMES
from tests.test_schemes import Branch

# S5 (seed 004): 理想信念10分、宗旨意识10分、爱岗敬业15分、学习教育15分、工作绩效15分、道德品质15分、
# 廉洁自律10分、服务社会10分,实行百分制管理
FULL = ("理想信念=10", "宗旨意识=10", "爱岗敬业=15", "学习教育=15", "工作绩效=15", "道德品质=15", "廉洁自律=10", "服务社会=10")


def form(b: Branch, member: str, panel: str, *aspects: str, by: str, date: str = "2024-01-10") -> None:
    options = [word for aspect in aspects for word in ("--aspect", aspect)]
    b.run("eval", member, "--kind", panel, *options, "--period", "2023", "--date", date, "--by", by)


def test_longkou_forms_aspect_by_aspect_sum_to_the_panels_score(cli, tmp_path):
    """S5: "将党员个体的自评、互评和群众参评的得分进行累加,得出党员平均分" — each evaluator fills the form of
    eight aspects; the form's sum is that evaluator's score, peers are averaged, then the three panels."""
    b = Branch(cli, tmp_path / "龙口科技局", "longkou-8")
    b.member("张三")
    b.member("李四")
    # 张三's own form, typed as a Chinese recorder would: 9 + 10 + 14 + 13 + 15 + 14 + 10 + 9 = 94
    b.run("eval", "张三", "--kind", "自评", "--aspect", "理想信念=9", "--aspect", "宗旨意识：１０分，爱岗敬业14、学习教育 13",
          "-a", "工作绩效15分 道德品质14分", "-a", "廉洁自律=10", "-a", "服务社会=9", "--period", "2023年",
          "--date", "2024-01-10", "--by", "张三")
    # two peers: 9+9+13+13+14+14+9+8 = 89 and the full form 100 → (89 + 100) / 2 = 94.5
    form(b, "张三", "互评", "理想信念9分、宗旨意识9分、爱岗敬业13分、学习教育13分、工作绩效14分、道德品质14分、廉洁自律9分、服务社会8分",
         by="王同事")
    form(b, "张三", "互评", *FULL, by="赵同事")
    b.run("eval", "张三", "--kind", "群众", "--score", "88", "--period", "2023", "--date", "2024-01-10", "--by", "群众代表")
    # 张三: (94 + 94.5 + 88) / 3 = 276.5 / 3 = 92.1666… → 92.17, eligible (≥ 90)
    for panel in ("自评", "互评", "群众"):
        form(b, "李四", panel, *FULL, by=f"{panel}人")  # 100 each: (100 + 100 + 100) / 3 = 100
    rows = b.rows()
    assert (rows["张三"]["score"], rows["张三"]["rank"], rows["张三"]["eligible"]) == (92.17, 2, True)
    assert (rows["李四"]["score"], rows["李四"]["rank"]) == (100, 1)
    report = b.json("report", "--year", "2023")
    assert {r["member"]: r["categories"]["review"] for r in report["rows"]} == {"李四": 100, "张三": 92.17}
    # the log and the card show each form's sum and its aspects
    log = (b.folder / "ledger.yaml").read_text(encoding="utf-8")
    assert "aspects: 理想信念=9 宗旨意识=10 爱岗敬业=14 学习教育=13 工作绩效=15 道德品质=14 廉洁自律=10 服务社会=9" in log
    card = b.run("show", "张三").stdout
    assert "94 = 理想信念 9 + 宗旨意识 10 + 爱岗敬业 14" in card
    events = json.loads(b.run("show", "张三", "-f", "json").stdout)["events"]
    assert [e["aspects"]["服务社会"] for e in events if "aspects" in e] == [9, 8, 10]  # 自评, the two peers


def test_an_aspect_over_its_marks_or_unknown_is_refused_and_nothing_written(cli, tmp_path):
    """S5: 理想信念10分 — a form giving 理想信念 11 is refused with the aspect's marks, and so is an
    aspect the form does not have, a form that also gives a total, and a form the scheme has not."""
    b = Branch(cli, tmp_path / "龙口科技局", "longkou-8")
    b.member("张三")
    log = b.folder / "ledger.yaml"
    before = log.read_bytes()
    out = b.fails("eval", "张三", "--kind", "自评", "--aspect", "理想信念=11", "--period", "2023")
    assert "方面 理想信念 评了 11 分,超出 0 到 10" in out and "理想信念 满分 10 分" in out
    out = b.fails("eval", "张三", "--kind", "自评", "--aspect", "理想=9", "--period", "2023")
    assert "评议表中没有方面 理想" in out and "理想信念 10, 宗旨意识 10, 爱岗敬业 15" in out
    out = b.fails("eval", "张三", "--kind", "自评", "--aspect", "理想信念=9", "--score", "90", "--period", "2023")
    assert "评议需给出分数、等次或各方面得分之一" in out
    out = b.fails("eval", "张三", "--kind", "自评", "--aspect", "理想信念 九分", "--period", "2023")
    assert "无法识别的各方面得分 理想信念 九分" in out
    out = b.fails("eval", "张三", "--kind", "自评", "-a", "理想信念=9", "-a", "理想信念=8", "--period", "2023")
    assert "方面 理想信念 出现了两次" in out
    assert log.read_bytes() == before
    other = Branch(cli, tmp_path / "大川", "dachuan-weighted")  # its forms are one total, not aspects
    other.member("王五")
    out = other.fails("eval", "王五", "--kind", "民主评议", "--aspect", "理想信念=9", "--period", "2023")
    assert "不分方面" in out


def test_a_form_lacking_aspects_is_missing_not_counted_as_zero(cli, tmp_path):
    """DOMAIN.md: a missing evaluation is missing, not 0. A peer's form without 服务社会 would give
    9+9+13+13+14+14+9 = 81 as if 服务社会 were 0; instead the peer panel stays 未评: no rank, grade or
    flag, and check warns at the form, naming the missing aspect and how to complete it."""
    b = Branch(cli, tmp_path / "龙口科技局", "longkou-8")
    b.member("张三")
    form(b, "张三", "自评", *FULL, by="张三")
    form(b, "张三", "群众", *FULL, by="群众代表")
    form(b, "张三", "互评", *FULL[:-1], by="王同事")  # 服务社会 not given: event 5
    row = b.rows()["张三"]
    assert (row["score"], row["rank"], row["missing"]) == (None, None, ["peer"])
    check = cli("check", "-l", b.folder)
    assert check.exit_code == 0, check.output
    assert "这份评议表缺少方面 服务社会" in check.output and "jifen revoke 5" in check.output
    b.run("revoke", "5", "-r", "评议表不完整")
    form(b, "张三", "互评", *FULL[:-1], "服务社会=8", by="王同事")
    # the whole form: 10 + 10 + 15 + 15 + 15 + 15 + 10 + 8 = 98; (100 + 98 + 100) / 3 = 99.333… → 99.33
    row = b.rows()["张三"]
    assert (row["score"], row["rank"], row.get("missing")) == (99.33, 1, None)


def test_scheme_check_knows_aspects(cli, tmp_path):
    """A form's aspect must have marks above 0 and a name jifen eval --aspect can type; aspects belong
    to an evaluation category. Each mistake is reported with FILE:LINE:COL."""
    scheme = tmp_path / "方案.yaml"
    source = (SCHEMES / "longkou-8.yaml").read_text(encoding="utf-8").replace(
        "aspects: {理想信念: 10, 宗旨意识: 10,", "aspects: {理想 信念: 10, 宗旨意识: 0, 其他: 10,")
    scheme.write_text(source, encoding="utf-8")
    result = cli("scheme", "check", scheme)
    assert result.exit_code != 0
    line = next(n for n, text in enumerate(source.splitlines(), 1) if "- id: review" in text)
    assert f"方案.yaml:{line}:" in result.output
    assert "方面名 理想 信念 无法在 jifen eval --aspect 中写出" in result.output
    assert "方面 宗旨意识 满分为 0,应大于 0" in result.output
