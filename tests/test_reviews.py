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


def test_the_handbook_says_how_to_give_a_form_aspect_by_aspect(cli, tmp_path):
    """The handbook told recorders to type jifen evaluate, which is no command; under longkou it says eval
    with --aspect."""
    b = Branch(cli, tmp_path / "龙口科技局", "longkou-8")
    handbook = b.run("rules").stdout
    assert "jifen eval --kind self|peer|masses --aspect 理想信念=N" in handbook and "jifen evaluate" not in handbook


def test_an_aspect_over_its_marks_or_unknown_is_refused_and_nothing_written(cli, tmp_path):
    """S5: 理想信念10分 — a form giving 理想信念 11 is refused with the aspect's marks, and so is an
    aspect the form does not have, a form that also gives a total, and a form the scheme has not."""
    b = Branch(cli, tmp_path / "龙口科技局", "longkou-8")
    b.member("张三")
    log = b.folder / "ledger.yaml"
    before = log.read_bytes()
    out = b.fails("eval", "张三", "--kind", "自评", "--aspect", "理想信念=11", "--period", "2023")
    assert "方面 理想信念 评了 11 分，超出 0 到 10" in out and "理想信念 满分 10 分" in out
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
    assert "方面 宗旨意识 满分为 0，应大于 0" in result.output


# --- points exchange (积分兑换): community-service, seed 001 ------------------------------------
# "党员参与不同的服务项目便可以得到相应积分。社区每季度组织一次积分兑换,奖品小到一卷抽纸、一块香皂,大到热水壶、吹风机"
# Example values of the scheme: 政策宣扬 2, 微心愿 3; 一卷抽纸 5, 一块香皂 5, 热水壶 60; open the last 10 days
# of each quarter (3-22 … 3-31 in Q1).


def community(cli, folder) -> Branch:
    b = Branch(cli, folder, "community-service")
    b.member("张三")
    b.member("李四")
    b.add("张三", "政策宣扬", "2023-02-01")  # +2
    b.add("张三", "微心愿", "2023-03-01", "--count", "2")  # +6: earned 8
    b.add("张三", "bonus.outstanding", "2023-03-05", "--points", "5")  # a bonus: scores, but is not spendable
    return b


def test_redeem_spends_earned_service_points_and_never_the_score(cli, tmp_path):
    b = community(cli, tmp_path / "社区")
    said = b.run("redeem", "张三", "一卷抽纸", "--date", "2023-03-25").stdout
    assert "积分兑换 一卷抽纸，花费 5 分" in said and "余额 8 → 3" in said  # earned 2 + 6 = 8; 8 − 5 = 3
    assert "  kind: redeem\n  subject: m01\n  points: 5\n  item: tissue\n" in (b.folder / "ledger.yaml").read_text(encoding="utf-8")
    rows = {r["member"]: r for r in b.json("balance", "--date", "2023-03-31")["rows"]}
    assert {n: (r["earned"], r["spent"], r["left"]) for n, r in rows.items()} == {"张三": (8, 5, 3), "李四": (0, 0, 0)}
    # the score that grades is untouched by spending: 2 + 6 + 5 (bonus) = 13 for the quarter and the year
    assert b.rows()["张三"]["score"] == 13
    table = b.run("balance", "张三", "--date", "2023-04-01").stdout
    assert "累计获得" in table and "余额" in table and "本期或下期：2023-06-21 至 2023-06-30" in table  # the next window
    card = b.run("show", "张三").stdout
    assert "一卷抽纸 −5" in card and "积分兑换：累计获得 8，已兑换 5，余额 3" in card
    assert b.json("show", "张三")["balance"] == {"earned": 8, "spent": 5, "left": 3}


def test_a_balance_never_goes_below_zero_and_the_exchange_opens_only_in_its_window(cli, tmp_path):
    b = community(cli, tmp_path / "社区")
    log = b.folder / "ledger.yaml"
    b.run("redeem", "张三", "一卷抽纸", "--date", "2023-03-25")  # left 3
    before = log.read_bytes()
    out = b.fails("redeem", "张三", "一块香皂", "--date", "2023-03-26")  # 5 > 3: refused, nothing written
    assert "张三(m01) 的积分余额不足，不能兑换 一块香皂（需要 5 分）：累计获得 8，已兑换 5，余额 3" in out
    assert "余额不能低于 0" in out and "不超过 3 分的奖品" not in out  # no prize costs 3 or less: none to suggest
    assert "余额 3 分还不够兑换任何奖品" in out
    out = b.fails("redeem", "李四", "tissue", "--date", "2023-03-26")  # 李四 earned nothing: 0 < 5
    assert "余额 0" in out
    out = b.fails("redeem", "张三", "一卷抽纸", "--date", "2023-04-10")  # Q2 opens 6-21
    assert "2023-04-10 不在积分兑换时间内：每季度最后 10 天开放" in out and "2023-06-21 至 2023-06-30" in out
    out = b.fails("redeem", "张三", "电视机", "--date", "2023-03-26")
    assert "兑换目录中没有 电视机" in out and "热水壶(kettle) 60" in out
    assert log.read_bytes() == before
    # a refund: the redeem revoked, its points are back, and the soap can be had
    b.run("revoke", "7", "-r", "退回奖品", "--date", "2023-03-26")  # event 7: the 一卷抽纸
    b.run("redeem", "张三", "一块香皂", "--date", "2023-03-27")
    assert b.json("show", "张三")["balance"] == {"earned": 8, "spent": 5, "left": 3}
    # an earning revoked after it was spent leaves the log overspent: check warns at the redeem
    b.run("revoke", "5", "-r", "记错", "--date", "2023-03-28")  # event 5, 微心愿 ×2, out: earned 2, spent 5
    check = cli("check", "-l", b.folder)
    assert check.exit_code == 0 and "积分余额不足" in check.output and "余额 2" in check.output


def test_redeem_under_a_scheme_without_exchange_is_refused(cli, tmp_path):
    b = Branch(cli, tmp_path / "拆迁办", "chaiqian-2019")
    b.member("王五")
    assert "没有积分兑换" in b.fails("redeem", "王五", "一卷抽纸", "--date", "2023-03-25")
    assert "没有积分兑换" in b.fails("balance")


def test_scheme_check_knows_the_exchange(cli, tmp_path):
    """The exchange spends categories that exist and are earned; its window fits its period; prizes
    cost more than 0 and have distinct ids. Each mistake with FILE:LINE:COL."""
    source = (SCHEMES / "community-service.yaml").read_text(encoding="utf-8")
    wrong = (source.replace("spends: [service]", "spends: [service, nothing]")
             .replace("days: 10 ", "days: 95 ")
             .replace("{id: soap, name: 一块香皂, price: 5}", "{id: tissue, name: 一块香皂, price: 0}"))
    scheme = tmp_path / "社区方案.yaml"
    scheme.write_text(wrong, encoding="utf-8")
    result = cli("scheme", "check", scheme)
    assert result.exit_code != 0
    lines = wrong.splitlines()
    exchange = next(n for n, text in enumerate(lines, 1) if text.startswith("exchange:")) + 1
    soap = next(n for n, text in enumerate(lines, 1) if "name: 一块香皂" in text)
    assert f"社区方案.yaml:{exchange}:3:" in result.output and "spends 中没有类别 nothing" in result.output
    assert "开放 95 天，超过了一期的 90 天" in result.output
    assert f"社区方案.yaml:{soap}:7:" in result.output and "奖品 tissue 需要 0 分" in result.output
    assert "编号 tissue 重复" in result.output


# --- half-year and mid-term reviews (半年测评, 期中测评) ----------------------------------------


def test_ecommerce_mid_term_bottom_three_of_the_first_half(cli, tmp_path):
    """S3 电商 (seed 001): "期中测评:每年年中……对上半年月度考评综合排名后3位的党员进行教育谈话". The first
    half's score is the mean of its six months (base 100 each month; minus.absent −5, plus.activity +2):
      丙 +2 in March: (102 + 5 × 100) / 6 = 100.33 — rank 1
      乙 −5 in July (the second half): 100 in H1 — rank 2, with 丁 100 and 戊 100
      己 −5 in May, +2 in June: (95 + 102 + 4 × 100) / 6 = 99.5 — rank 5
      甲 −5 in February and in April: (95 + 95 + 4 × 100) / 6 = 98.33 — rank 6
    The bottom three of H1: 甲, 己, then 乙, 丁, 戊 tied at the cut (all in: equal scores, equal treatment)."""
    b = Branch(cli, tmp_path / "电商产业园", "ecommerce-stars")
    for name in "甲乙丙丁戊己":
        b.member(name)
    b.add("甲", "minus.absent", "2023-02-10")
    b.add("甲", "minus.absent", "2023-04-10")
    b.add("乙", "minus.absent", "2023-07-10")
    b.add("丙", "plus.activity", "2023-03-10")
    b.add("己", "minus.absent", "2023-05-10")
    b.add("己", "plus.activity", "2023-06-10")
    half = {r["member"]: (r["score"], r["rank"]) for r in b.json("report", "--half", "2023年上半年")["rows"]}
    assert half == {"丙": (100.33, 1), "乙": (100, 2), "丁": (100, 2), "戊": (100, 2), "己": (99.5, 5), "甲": (98.33, 6)}
    rows = b.rows()
    talked = {n for n, r in rows.items() if "教育谈话" in r["flags"]}
    assert talked == {"甲", "己", "乙", "丁", "戊"}
    assert rows["甲"]["flag_months"]["教育谈话"] == ["2023H1"]  # the half it held in, as monthly flags give months
    # 乙's −5 in July is in the second half: the mid-term review does not see it
    assert b.json("report", "--half", "2023H2")["period"] == "2023H2"
    b.add("丁", "plus.activity", "2023-01-10")  # 丁 100.33, tied with 丙: now 乙 and 戊 alone tie at the cut
    talked = {n for n, r in b.rows().items() if "教育谈话" in r["flags"]}
    assert talked == {"甲", "己", "乙", "戊"}
    table = b.run("report", "--half", "2023H1").stdout
    assert "2023H1" in table and "98.33" in table


def test_half_year_flags_are_checked_with_their_place(cli, tmp_path):
    source = (SCHEMES / "ecommerce-stars.yaml").read_text(encoding="utf-8")
    wrong = source.replace("{flag: 教育谈话, per: half, half: 1, bottom: 3}",
                           "{flag: 教育谈话, per: half, half: 3, bottom: 3, months_running: 2}")
    scheme = tmp_path / "电商方案.yaml"
    scheme.write_text(wrong, encoding="utf-8")
    result = cli("scheme", "check", scheme)
    line = next(n for n, text in enumerate(wrong.splitlines(), 1) if "教育谈话, per: half" in text)
    assert result.exit_code != 0
    assert f"电商方案.yaml:{line}:5:" in result.output
    assert "标记 教育谈话：half 为 3，应为 1（上半年）或 2（下半年）" in result.output
    assert "半年的标记（per: half）只能用 top、bottom、below" in result.output


# --- reviews that combine with points: yongzhou (seed 002) ------------------------------------


def test_yongzhou_grade_is_the_lower_of_the_monthly_average_band_and_the_democratic_review(cli, tmp_path):
    """S2 (seed 002): "支委会综合民主评议党员和年度党员量化积分的月平均积分对党员进行评等定级。年度党员量化积分的
    月平均积分90分及以上的可评为优秀等次,人数一般不超过党员总数的三分之一……70-89分的可评为合格党员;60-69分的
    可评为基本合格党员". The seed leaves open how the two combine; the scheme's choice: the lower of the two.
      甲: no deduction, 100 → 优秀 (the one place of 1/3 × 4); reviewed 合格 → 合格
      乙: duty.post −15 every month, 85 → 合格; reviewed 优秀 → 合格 (the review never raises)
      丙: duty.post −35 every month, 65 → 基本合格; reviewed 不合格 → 不合格
      丁: minus.criticized −10 in six months, (6 × 90 + 6 × 100) / 12 = 95, kept out of 优秀 by the quota;
          not reviewed yet → no grade (待民主评议)"""
    b = Branch(cli, tmp_path / "永州安监局", "yongzhou-2018")
    for name in "甲乙丙丁":
        b.member(name)
    for month in range(1, 13):
        b.add("乙", "duty.post", f"2023-{month:02d}-10", "--points", "-15")
        b.add("丙", "duty.post", f"2023-{month:02d}-10", "--points", "-35")
    for month in range(1, 7):
        b.add("丁", "minus.criticized", f"2023-{month:02d}-10")
    for name, rating in (("甲", "合格"), ("乙", "优秀"), ("丙", "不合格")):
        b.run("eval", name, "--kind", "民主评议", "--rating", rating, "--period", "2023年", "--date", "2024-01-10")
    rows = b.rows()
    assert {n: (r["score"], r["review"], r["grade"]) for n, r in rows.items()} == {
        "甲": (100, "合格", "合格"), "丁": (95, None, None), "乙": (85, "优秀", "合格"), "丙": (65, "不合格", "不合格")}
    assert "review" in rows["甲"]["flags"] and "review" in rows["丙"]["flags"] and "review" not in rows["乙"]["flags"]
    assert "unreviewed" in rows["丁"]["flags"]
    check = cli("check", "-l", b.folder)  # a warning: the log is fine, 丁's grade waits
    assert check.exit_code == 0 and "丁(m04) 尚无 2023 年度民主评议结论" in check.output
    assert check.output.count("尚无 2023 年度民主评议结论") == 1
    # 表彰的优秀党员在优秀等次党员中产生: nobody holds 优秀 after the review, so nobody is 评先评优对象
    assert not [n for n, r in rows.items() if "评先评优对象" in r["flags"]]
    table = b.run("grade", "--year", "2023").stdout
    assert "民主评议" in table and "按民主评议定级" in table and "待民主评议" in table
    # one review a year: a second is refused with the way to change it; revoked, it may be given again
    out = b.fails("eval", "甲", "--kind", "民主评议", "--rating", "优秀", "--period", "2023", "--date", "2024-01-11")
    assert "2023 年度民主评议已有结论" in out and "jifen revoke" in out
    first = next(e for e in json.loads(b.run("show", "甲", "-f", "json").stdout)["events"] if e["kind"] == "eval")
    b.run("revoke", str(first["id"]), "-r", "支委会复议")
    b.run("eval", "甲", "--kind", "民主评议", "--rating", "优秀", "--period", "2023", "--date", "2024-01-12")
    assert (b.rows()["甲"]["grade"], b.rows()["甲"]["flags"]) == ("优秀", ["评先评优对象"])
    assert "应给出等次" in b.fails("eval", "丁", "--kind", "民主评议", "--score", "90", "--period", "2023")
    assert "期间应为一年" in b.fails("eval", "丁", "--kind", "民主评议", "--rating", "合格", "--period", "2023Q4")
    assert "未知等次 良好" in b.fails("eval", "丁", "--kind", "民主评议", "--rating", "良好", "--period", "2023")


def test_scheme_check_knows_the_review(cli, tmp_path):
    source = (SCHEMES / "yongzhou-2018.yaml").read_text(encoding="utf-8")
    wrong = source.replace("ratings: [优秀, 合格, 基本合格, 不合格]", "ratings: [优秀, 良好, 合格]")
    scheme = tmp_path / "永州方案.yaml"
    scheme.write_text(wrong, encoding="utf-8")
    result = cli("scheme", "check", scheme)
    line = next(n for n, text in enumerate(wrong.splitlines(), 1) if text.startswith("review:")) + 1
    assert result.exit_code != 0
    assert f"永州方案.yaml:{line}:3: 民主评议的等次 良好 不是方案的等级" in result.output


# --- leaders scored from branches: bianban (seed 001) ---------------------------------------------


def test_bianban_secretaries_score_their_branch_and_the_head_their_average(cli, tmp_path):
    """S3 编办 (seed 001): "办主要负责人的工作得分,按各支部书记的平均分计算……支部书记的工作得分,按支部得分计算".
    Base 100 a month, the year summed: 1200 each. 顺三七 (example shares): a bonus of 10 to 甲 books 7 to
    甲 and 3 to the secretary; 倒三七: a deduction of 10 to 乙 books −3 to 乙 and −7 to the secretary.
      一支部: 甲 1207, 书记一 1203 → the branch's score (average) 1205 = 书记一's work score
      二支部: 乙 1197, 书记二 1193 → 1195 = 书记二's work score
      the head: (1205 + 1195) / 2 = 1200"""
    root = tmp_path / "省委编办"
    for folder, secretary, member, rule, points in (("一支部", "书记一", "甲", "plus.award", "10"),
                                                    ("二支部", "书记二", "乙", "minus.major", "-10")):
        b = Branch(cli, root / folder, "bianban-monthly")
        b.member(secretary, role="secretary")
        b.member(member)
        b.add(member, rule, "2023-03-01", "--points", points)
    data = json.loads(cli("rollup", root, "--year", "2023", "-f", "json").stdout)
    by_path = {r["path"].split("/")[-1]: r for r in data["branches"]}
    assert {p: (r["average"], r["secretary"], r["secretary_score"]) for p, r in by_path.items()} == {
        "一支部": (1205, "书记一(m01)", 1205), "二支部": (1195, "书记二(m01)", 1195)}
    assert data["head_score"] == 1200
    table = cli("rollup", root, "--year", "2023").stdout
    assert "书记工作得分" in table and "办主要负责人的工作得分（各支部书记的平均分）：1200" in table


def test_every_balance_at_once_equals_each_balance(cli, tmp_path):
    """jifen balance reads every member's balance in one pass (exchange.balances); it must equal the
    balance read member by member (exchange.balance), day by day, through refunds and revoked earnings."""
    from jifen import book
    from jifen.core import exchange

    b = community(cli, tmp_path / "社区")
    b.run("redeem", "张三", "一卷抽纸", "--date", "2023-03-25")
    b.add("李四", "纠纷调解", "2023-03-02", "--count", "3")
    b.run("redeem", "李四", "soap", "--date", "2023-03-30")
    b.run("revoke", "7", "-r", "退回", "--date", "2023-03-31")
    b.run("redeem", "张三", "一块香皂", "--date", "2023-06-25")
    standings = book.open(b.folder).usable().standings
    for day in ("2023-02-01", "2023-03-01", "2023-03-25", "2023-03-30", "2023-03-31", "2023-06-30"):
        import datetime as dt

        on = dt.date.fromisoformat(day)
        assert exchange.balances(standings, on) == {s: exchange.balance(standings, s, day=on) for s in standings.members}
