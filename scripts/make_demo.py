"""Build ledgers/demo: a branch of 12 members through 2023 under scheme quantified-2023.

Drives the real command line (``jifen``), one command per record, exactly as a
recorder would type them, so the demo is also an end-to-end exercise of the
CLI. Deterministic: run it again and the file is byte for byte the same.

    python scripts/make_demo.py [--out ledgers/demo]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

MEMBERS = [
    ("张建国", "2023-01-01"), ("李秀英", "2023-01-01"), ("王志强", "2023-01-01"),
    ("刘芳", "2023-01-01"), ("陈明", "2023-01-01"), ("杨丽", "2023-01-01"),
    ("赵伟", "2023-01-01"), ("黄海燕", "2023-01-01"), ("周杰", "2023-01-01"),
    ("吴敏", "2023-01-01"), ("徐磊", "2023-01-01"), ("孙婷", "2023-07-10"),
]
RECORDER = "刘芳(组织委员)"

# (member, rule, date, extra args) — the year's notable records, by hand
RECORDS = [
    ("张建国", "honor.provincial", "2023-03-20", ["--ref", "2022年度省级劳动模范", "--note", "省级劳动模范"]),
    ("张建国", "honor.city", "2023-03-21", ["--ref", "2022年度省级劳动模范", "--note", "同一荣誉市级表彰"]),
    ("李秀英", "honor.company", "2023-06-28", ["--ref", "公司优秀共产党员2023", "--note", "公司七一表彰"]),
    ("王志强", "work.daily", "2023-02-15", ["--note", "月度报表延迟两周报送"]),
    ("王志强", "service.complaint", "2023-05-09", ["--note", "客户投诉办理超时,经核实负有责任"]),
    ("刘芳", "honor.city", "2023-09-12", ["--ref", "市优秀党务工作者2023", "--note", "市级优秀党务工作者"]),
    ("陈明", "duty.dues", "2023-04-10", ["--note", "4月党费未按时交纳"]),
    ("陈明", "duty.life", "2023-04-25", ["--note", "无故未参加4月组织生活会"]),
    ("杨丽", "study.quality", "2023-08-30", ["--points", "-1.5", "--note", "学习心得大段抄袭网上文章"]),
    ("赵伟", "work.key", "2023-11-20", ["--note", "年度重点项目验收材料延误"]),
    ("黄海燕", "honor.national", "2023-10-16", ["--ref", "全国巾帼建功标兵2023", "--note", "全国巾帼建功标兵"]),
    ("周杰", "integrity.complaints", "2023-07-18", ["--note", "群众信访经查属实"]),
    ("吴敏", "pledge.late", "2023-02-08", ["--note", "承诺书逾期一周提交"]),
    ("孙婷", "study.notes", "2023-08-31", ["--note", "8月学习笔记未完成"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="ledgers/demo", type=Path)
    args = parser.parse_args()
    jifen = [str(Path(sys.executable).with_name("jifen"))]
    env = {**os.environ, "JIFEN_USER": RECORDER, "JIFEN_LANG": "zh"}
    env.pop("JIFEN_LEDGER", None)
    if args.out.exists():
        shutil.rmtree(args.out)

    def run(*words: str) -> None:
        subprocess.run([*jifen, *words], check=True, env=env, stdout=subprocess.DEVNULL)

    def on(*words: str) -> None:
        run(*words, "--ledger", str(args.out))

    run("init", str(args.out), "--scheme", "quantified-2023", "--name", "机关第一党支部", "--date", "2023-01-01")
    for name, joined in MEMBERS:
        on("member", "add", name, "--date", joined, "--note", "2023年初在册" if joined.endswith("01-01") else "组织关系转入")

    rng = random.Random(2023)
    # routine monthly findings: a missed meeting, missing notes, dress code …
    routine = ["study.absent", "study.notes", "service.dress", "service.deadline", "service.activity", "duty.morals"]
    for month in range(1, 13):
        for name, joined in MEMBERS:
            if rng.random() < 0.22:
                day = f"2023-{month:02d}-{rng.randint(5, 27):02d}"
                if day < joined or (name == "徐磊" and day > "2023-09-30"):
                    continue
                rule = rng.choice(routine)
                on("add", name, rule, "--date", day, "--note", f"{month}月例行检查")
    for name, rule, day, extra in RECORDS:
        on("add", name, rule, "--date", day, *extra)

    on("member", "leave", "徐磊", "--date", "2023-09-30", "--reason", "组织关系转出至集团公司党委")
    # a correction: a deduction found wrong after the fact is revoked, never edited
    on("add", "吴敏", "service.complaint", "--date", "2023-06-06", "--note", "客户投诉")
    ledger = (args.out / "ledger.yaml").read_text(encoding="utf-8")
    last_id = ledger.rsplit("- id: ", 1)[1].split("\n", 1)[0]
    on("revoke", last_id, "--date", "2023-06-20", "--reason", "经复核投诉不属实,撤销扣分")
    on("veto", "周杰", "--date", "2023-12-05", "--reason", "违反廉洁自律准则,受党内警告处分")
    return 0


if __name__ == "__main__":
    sys.exit(main())
