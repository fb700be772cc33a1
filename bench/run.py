"""make bench: time jifen on synthetic S1 ledgers of 10,000 and 100,000 events.

Builds each ledger once under bench/out/ (canonical text, as ``jifen add``
writes it), then times the cold ``jifen grade --year 2023`` from the shell,
and ``jifen add`` on it, and prints a markdown table of wall time and peak RSS.

    python bench/run.py [--sizes 10000,100000] [--repeat 3] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from jifen import ledger

OUT = Path(__file__).resolve().parent / "out"
HEADER = """# Benchmarks

Written by `make bench` (`bench/run.py`): synthetic ledgers under scheme
quantified-2023, 50 members per 1,000 events, one year; each command a new
process; "cold" runs first delete the cache beside the ledger (`.jifen-cache/`),
"warm" runs find it as the previous run left it. The peers (ledger and hledger from Debian, beancount in the
bench's virtualenv; none is a dependency of jifen) run on the same records as
journals: they only add up points, while jifen also validates every event
against the scheme and the roster and grades the year.

"""
RULES = ["study.absent", "study.notes", "service.dress", "service.deadline", "service.complaint",
         "duty.life", "duty.dues", "work.temporary", "integrity.rating", "pledge.late"]
HONOURS = ["honor.company", "honor.city", "honor.provincial", "honor.national"]


POINTS = {"study.absent": -1, "study.notes": -1, "service.dress": -1, "service.deadline": -1,
          "service.complaint": -2, "duty.life": -2, "duty.dues": -2, "work.temporary": -5, "integrity.rating": -1,
          "pledge.late": -1, "honor.company": 1, "honor.city": 3, "honor.provincial": 5, "honor.national": 8}


def synthetic_log(name: str, members: int, scores: int, rng: random.Random, honours: float = 0.0) -> str:
    """The canonical text of a branch ledger: ``members`` joining on 2023-01-01, then ``scores`` score
    events on random days of 2023 (a share ``honours`` of them honours with their own ref)."""
    chunks = [ledger.HEADER, ledger.emit({"id": 1, "date": dt.date(2023, 1, 1), "kind": "open", "name": name,
                                          "scheme": "quantified-2023", "by": "记分员"})]
    for m in range(members):
        chunks.append(ledger.emit({"id": m + 2, "date": dt.date(2023, 1, 1), "kind": "join",
                                   "subject": f"m{m:05d}", "name": f"党员{m:05d}", "by": "记分员"}))
    days = sorted(dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365)) for _ in range(scores))
    for number, day in enumerate(days, start=members + 2):
        fields = {"id": number, "date": day, "kind": "score", "subject": f"m{rng.randrange(members):05d}",
                  "note": "例行检查", "by": "记分员"}
        if honours and rng.random() < honours:
            fields.update(rule=rng.choice(HONOURS), ref=f"荣誉{rng.randrange(scores)}")
        else:
            fields.update(rule=rng.choice(RULES))
        chunks.append(ledger.emit(fields))
    return "".join(chunks)


def build(size: int) -> Path:
    """A ledger of ``size`` events: 50 members per 1,000 events, scores spread over 2023; and the same
    records as a ledger/hledger journal and a beancount file, for the peers."""
    folder = OUT / f"s1-{size}-v2"  # v2: every event has by
    path = folder / ledger.FILENAME
    if path.exists() and (folder / "peers.journal").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    members = max(10, size // 1000 * 50)
    path.write_text(synthetic_log(f"基准支部{size}", members, size - members - 1, random.Random(size), honours=0.05),
                    encoding="utf-8")
    _peer_files(folder, ledger.parse(str(path), path.read_bytes())[0].events)
    return folder


def _peer_files(folder: Path, events) -> None:
    """The score events as a ledger/hledger journal and as a beancount file (the peers' equivalent data)."""
    journal, bean, accounts = [], [], set()
    for event in events:
        if event.kind != "score":
            continue
        account = f"Points:{event.subject.upper()}:{event.rule.split('.')[0].capitalize()}"
        accounts.add(account)
        amount = POINTS[event.rule]
        journal.append(f"{event.date} {event.subject} {event.rule}\n    {account}    {amount}\n    Equity:Base\n\n")
        bean.append(f'{event.date} * "{event.subject} {event.rule}"\n  Income:{account}  {amount} PTS\n'
                    f"  Equity:Base  {-amount} PTS\n\n")
    opens = [f"2023-01-01 open {a}\n" for a in sorted({f"Income:{a}" for a in accounts} | {"Equity:Base"})]
    (folder / "peers.journal").write_text("".join(journal), encoding="utf-8")
    (folder / "peers.beancount").write_text('option "operating_currency" "PTS"\n' + "".join(opens) + "\n" + "".join(bean),
                                            encoding="utf-8")


def peer(words: list[str]) -> float | None:
    """Wall seconds of one run of a peer tool, None if it is not installed or fails."""
    if not shutil.which(words[0]):
        return None
    start = time.perf_counter()
    done = subprocess.run(words, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start if done.returncode == 0 else None


def build_committee(branches: int, members: int = 50, events_per_member: int = 20) -> Path:
    """``branches`` ledgers of ``members`` members and a year of events each, under one folder."""
    root = OUT / f"committee-{branches}x{members}"
    if root.exists():
        return root
    rng = random.Random(branches)
    for b in range(branches):
        folder = root / f"branch-{b:04d}"
        folder.mkdir(parents=True)
        text = synthetic_log(f"第{b + 1}支部", members, members * events_per_member, rng)
        (folder / ledger.FILENAME).write_text(text, encoding="utf-8")
    return root


def timed(words: list[str], cold: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run of ``jifen words``; ``cold``: first delete that
    ledger folder's cache (or, for a committee folder, every branch's)."""
    if cold is not None:
        for found in [cold / ".jifen-cache", *cold.glob("*/.jifen-cache")]:
            shutil.rmtree(found, ignore_errors=True)
    jifen = str(Path(sys.executable).with_name("jifen"))
    start = time.perf_counter()
    # close_fds=False lets Python start the child with posix_spawn: a forked copy of this (large) process
    # would otherwise count towards the child's peak RSS
    child = subprocess.Popen([jifen, *words], stdout=subprocess.DEVNULL, env={"JIFEN_USER": "bench", "PATH": ""},
                             close_fds=False)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"jifen {' '.join(words)} failed with {child.returncode}")
    return wall, usage.ru_maxrss / 1024  # as wait4 reports it for the command


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", help="also write the table to this markdown file")
    parser.add_argument("--branches", type=int, default=100, help="branches for the roll-up scale test (0: skip)")
    args = parser.parse_args()
    rows = []
    peers: list[tuple[int, str, float]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        folder = build(size)
        grade_words = ["grade", "--year", "2023", "-l", str(folder)]
        grade = [timed(grade_words, cold=folder) for _ in range(args.repeat)]
        rows.append((size, "grade --year 2023 (cold: no cache)", statistics.median(w for w, _ in grade),
                     max(r for _, r in grade)))
        warm = [timed(grade_words) for _ in range(args.repeat)]  # the cold runs left the cache
        rows.append((size, "grade --year 2023 (warm: nothing appended)", statistics.median(w for w, _ in warm),
                     max(r for _, r in warm)))
        check = [timed(["check", "-l", str(folder)], cold=folder) for _ in range(args.repeat)]
        rows.append((size, "check (cold)", statistics.median(w for w, _ in check), max(r for _, r in check)))
        scratch = OUT / f"add-{size}"
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.copytree(folder, scratch)
        timed(["check", "-l", str(scratch)], cold=scratch)  # the snapshot add reads through
        add, appended = [], []
        for _ in range(args.repeat):
            add.append(timed(["add", "m00001", "study.absent", "--date", "2023-12-31", "-l", str(scratch)]))
            appended.append(timed(["grade", "--year", "2023", "-l", str(scratch)]))
        rows.append((size, "add (one record)", statistics.median(w for w, _ in add), max(r for _, r in add)))
        rows.append((size, "grade --year 2023 (one record appended since)", statistics.median(w for w, _ in appended),
                     max(r for _, r in appended)))
        bean_check = str(Path(sys.executable).with_name("bean-check"))
        for name, words in (("ledger -f J bal", ["ledger", "-f", str(folder / "peers.journal"), "bal"]),
                            ("hledger -f J bal", ["hledger", "-f", str(folder / "peers.journal"), "bal"]),
                            ("bean-check -C F", [bean_check, "-C", str(folder / "peers.beancount")])):
            times = [t for t in (peer(words) for _ in range(args.repeat)) if t is not None]
            if times:
                peers.append((size, name, statistics.median(times)))
    scratch = OUT / "add-new"  # the same add on a ledger of one member: what add on a large one should match
    shutil.rmtree(scratch, ignore_errors=True)
    timed(["init", str(scratch), "--scheme", "quantified-2023", "--name", "新支部", "--date", "2023-01-01"])
    timed(["member", "add", "张三", "--date", "2023-01-01", "-l", str(scratch)])
    add = [timed(["add", "m01", "study.absent", "--date", "2023-12-31", "-l", str(scratch)]) for _ in range(max(args.repeat, 9))]
    rows.append((3, "add (one record, on a new ledger)", statistics.median(w for w, _ in add), max(r for _, r in add)))
    if args.branches:
        root = build_committee(args.branches)
        words = ["rollup", str(root), "--year", "2023", "-f", "json"]
        roll = [timed(words, cold=root) for _ in range(args.repeat)]
        events = args.branches * (50 + 50 * 20 + 1)
        rows.append((events, f"rollup ({args.branches} branches × 50 members, cold)",
                     statistics.median(w for w, _ in roll), max(r for _, r in roll)))
        roll = [timed(words) for _ in range(args.repeat)]
        rows.append((events, f"rollup ({args.branches} branches × 50 members, warm)",
                     statistics.median(w for w, _ in roll), max(r for _, r in roll)))
    for words in (["--help"], ["add", "--help"]):
        help_ = [timed(words) for _ in range(max(args.repeat, 9))]
        rows.append((0, " ".join(words), statistics.median(w for w, _ in help_), max(r for _, r in help_)))
    lines = [
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores; median of {args.repeat} runs, "
        "peak RSS is the largest of them",
        "",
        "| events | command | wall (s) | peak RSS (MB) |",
        "|---:|---|---:|---:|",
        *(f"| {size:,} | jifen {command} | {wall:.2f} | {rss:.0f} |" for size, command, wall, rss in rows),
    ]
    if peers:
        grade = {size: wall for size, command, wall, _ in rows if command.startswith("grade --year 2023 (cold")}
        lines += ["", "Peers on the same records (score events only), and jifen's cold `grade` against each:", "",
                  "| events | peer | wall (s) | jifen grade / peer |", "|---:|---|---:|---:|"]
        lines += [f"| {size:,} | {name} | {wall:.2f} | {grade[size] / wall:.1f} |" for size, name, wall in peers]
    print("\n".join(lines))
    if args.write:
        Path(args.write).write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
