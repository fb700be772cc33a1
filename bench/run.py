"""make bench: time jifen on synthetic S1 ledgers of 10,000 and 100,000 events.

Builds each ledger once under bench/out/ (canonical text, as ``jifen add``
writes it), then times the cold ``jifen grade --year 2023`` from the shell,
and ``jifen add`` on it, and prints a markdown table of wall time and peak RSS.
``show`` is timed against ``grade`` on the same ledger as a ratio of paired
runs, which a slower or busier machine changes far less than either time; so are
the peers (ledger, hledger on two journal layouts, bean-check) against jifen's cold
``grade``, and ``rollup --cluster`` on a Dask LocalCluster against the process pool; and ``jifen serve`` under load
(``bench/load.py``: members reading and declaring at once against a local server). The group
``branch`` is a realistic branch (50 members, ten years, 10,000 events): its cold ``grade``,
``report --month`` and ``show`` each paired against ``ledger bal`` (``reg`` for show) on its
one-account-per-member journal.

    python bench/run.py [--sizes 10000,100000] [--repeat 3] [--only branch,show,reports,append,peers,cluster,help,complete,serve] [--write docs/benchmarks.md]
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

from jifen.store import ledger

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402  (bench/load.py, beside this file)

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
NOTES = "<!-- written by hand: bench/run.py --write keeps what follows -->"
GROUPS = ("branch", "grade", "reports", "append", "peers", "show", "rollup", "cluster", "help", "complete", "serve")  # what --only picks from
SHOW_LEDGERS = ((5_001, 1), (20_000, 5))  # (events, members): one member's 5,000 events; 4,000 of 20,000
HONOURS = ["honor.company", "honor.city", "honor.provincial", "honor.national"]


POINTS = {"study.absent": -1, "study.notes": -1, "service.dress": -1, "service.deadline": -1,
          "service.complaint": -2, "duty.life": -2, "duty.dues": -2, "work.temporary": -5, "integrity.rating": -1,
          "pledge.late": -1, "honor.company": 1, "honor.city": 3, "honor.provincial": 5, "honor.national": 8}


def synthetic_log(name: str, members: int, scores: int, rng: random.Random, honours: float = 0.0,
                  years: int = 1) -> str:
    """The canonical text of a branch ledger: ``members`` joining on the first day of the ``years``
    years ending with 2023, then ``scores`` score events on random days of those years (a share
    ``honours`` of them honours with their own ref)."""
    start = dt.date(2024 - years, 1, 1)
    chunks = [ledger.HEADER, ledger.emit({"id": 1, "date": start, "kind": "open", "name": name,
                                          "scheme": "quantified-2023", "by": "记分员"})]
    for m in range(members):
        chunks.append(ledger.emit({"id": m + 2, "date": start, "kind": "join",
                                   "subject": f"m{m:05d}", "name": f"党员{m:05d}", "by": "记分员"}))
    span = (dt.date(2024, 1, 1) - start).days
    days = sorted(start + dt.timedelta(days=rng.randrange(span)) for _ in range(scores))
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
    if path.exists() and all((folder / name).exists() for name in JOURNALS.values()):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    members = max(10, size // 1000 * 50)
    path.write_text(synthetic_log(f"基准支部{size}", members, size - members - 1, random.Random(size), honours=0.05),
                    encoding="utf-8")
    _peer_files(folder, ledger.parse(str(path), path.read_bytes())[0].events)
    return folder


BRANCH = (50, 10, 10_000)  # the realistic branch: members, years (2014–2023), events
BRANCH_COMMANDS = (  # each cold, against ledger on the branch's one-account-per-member journal
    (["grade", "--year", "2023"], ["bal"]),
    (["report", "--month", "2023-12"], ["bal"]),
    (["show", "m00000"], ["reg", "Points:M00000"]),
)


def build_branch() -> Path:
    """A realistic branch: 50 members joining on 2014-01-01, scores on random days of the ten years
    to 2023, 10,000 events in all (what one branch's log holds after a decade); and its journals."""
    members, years, size = BRANCH
    folder = OUT / f"branch-{members}x{years}y-{size}"
    path = folder / ledger.FILENAME
    if path.exists() and all((folder / name).exists() for name in JOURNALS.values()):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(synthetic_log("十年支部", members, size - members - 1, random.Random(7), honours=0.05, years=years),
                    encoding="utf-8")
    _peer_files(folder, ledger.parse(str(path), path.read_bytes())[0].events)
    return folder


# the ledger/hledger journal layouts: an account per member and category (ledger's worst case, as many
# accounts as the records allow), and one account per member (what a branch's points book would keep)
JOURNALS = {"member × category": "peers.journal", "member": "peers-member.journal"}


def _peer_files(folder: Path, events) -> None:
    """The score events as ledger/hledger journals (both layouts) and as a beancount file (the peers'
    equivalent data)."""
    journal, by_member, bean, accounts = [], [], [], set()
    for event in events:
        if event.kind != "score":
            continue
        account = f"Points:{event.subject.upper()}:{event.rule.split('.')[0].capitalize()}"
        accounts.add(account)
        amount = POINTS[event.rule]
        journal.append(f"{event.date} {event.subject} {event.rule}\n    {account}    {amount}\n    Equity:Base\n\n")
        by_member.append(f"{event.date} {event.subject} {event.rule}\n    Points:{event.subject.upper()}    {amount}\n"
                         "    Equity:Base\n\n")
        bean.append(f'{event.date} * "{event.subject} {event.rule}"\n  Income:{account}  {amount} PTS\n'
                    f"  Equity:Base  {-amount} PTS\n\n")
    opens = [f"{events[0].date} open {a}\n" for a in sorted({f"Income:{a}" for a in accounts} | {"Equity:Base"})]
    (folder / JOURNALS["member × category"]).write_text("".join(journal), encoding="utf-8")
    (folder / JOURNALS["member"]).write_text("".join(by_member), encoding="utf-8")
    (folder / "peers.beancount").write_text('option "operating_currency" "PTS"\n' + "".join(opens) + "\n" + "".join(bean),
                                            encoding="utf-8")


def peer(words: list[str]) -> float | None:
    """Wall seconds of one run of a peer tool, None if it is not installed or fails."""
    if not shutil.which(words[0]):
        return None
    start = time.perf_counter()
    done = subprocess.run(words, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start if done.returncode == 0 else None


def journal_accounts(path: Path) -> int:
    """How many accounts a journal posts to (its posting lines' first field), as the peers see them."""
    return len({line.split()[0] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("    ")})


def paired_peer(mine: list[str], folder: Path, words: list[str], pairs: int,
                cold: bool = True) -> tuple[float, float, float] | None:
    """Median wall seconds of jifen's cold ``mine`` (its words; ``cold`` False: with the cache as the
    run before left it) and of the peer's ``words``, and the median of the per-pair ratios jifen / peer,
    run alternately (jifen, peer, jifen, peer, …); None if the peer is missing or fails."""
    walls_jifen, walls_peer, ratios = [], [], []
    for _ in range(pairs):
        wall_jifen, _ = timed(mine, cold=folder if cold else None)
        wall_peer = peer(words)
        if wall_peer is None:
            return None
        walls_jifen.append(wall_jifen)
        walls_peer.append(wall_peer)
        ratios.append(wall_jifen / wall_peer)
    return statistics.median(walls_jifen), statistics.median(walls_peer), statistics.median(ratios)


def build_member_heavy(size: int, members: int) -> Path:
    """A ledger of ``size`` events among ``members`` members (so each has about ``size / members``):
    what makes a statement long, where ``build`` gives each member about 20 events."""
    folder = OUT / f"heavy-{size}x{members}"
    path = folder / ledger.FILENAME
    if path.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(synthetic_log(f"长账支部{size}", members, size - members - 1, random.Random(size + members),
                                  honours=0.05), encoding="utf-8")
    return folder


def paired(a: list[str], b: list[str], folder: Path, pairs: int) -> tuple[float, float, float]:
    """Median wall seconds of ``jifen a`` and of ``jifen b``, and the median of the per-pair ratios a / b:
    the two run alternately (a, b, a, b, …), each cold, so a drift of the machine touches both alike."""
    walls_a, walls_b, ratios = [], [], []
    for _ in range(pairs):
        wall_a, _ = timed(a, cold=folder)
        wall_b, _ = timed(b, cold=folder)
        walls_a.append(wall_a)
        walls_b.append(wall_b)
        ratios.append(wall_a / wall_b)
    return statistics.median(walls_a), statistics.median(walls_b), statistics.median(ratios)


APPENDED = (["grade", "--year", "2023"], ["report", "--month", "2023-06"], ["show", "m00001"])


def paired_append(source: Path, words: list[str], pairs: int) -> tuple[float, float, float]:
    """Median wall seconds of ``jifen words`` warm (nothing appended since its last run) and right
    after ``jifen add`` appended one record (not timed), and the median of the per-pair ratios
    after / warm, on a copy of the ledger in ``source`` whose cache the first, untimed, run made."""
    scratch = OUT / f"append-{source.name}"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(source, scratch, ignore=shutil.ignore_patterns(".jifen-cache", "*.journal", "*.beancount"))
    command = [*words, "-l", str(scratch)]
    timed(command)
    warm, after, ratios = [], [], []
    for _ in range(pairs):
        warm.append(timed(command)[0])
        timed(["add", "m00002", "study.notes", "--date", "2023-12-31", "-l", str(scratch)])
        after.append(timed(command)[0])
        ratios.append(after[-1] / warm[-1])
    return statistics.median(warm), statistics.median(after), statistics.median(ratios)


def member_events(folder: Path, subject: str) -> int:
    """How many events of the ledger in ``folder`` are about ``subject``."""
    text = (folder / ledger.FILENAME).read_text(encoding="utf-8")
    return text.count(f"subject: {subject}\n")


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


def paired_cluster(root: Path, branches: int, pairs: int) -> tuple[int, float, float, float] | None:
    """``rollup --cluster`` on a Dask LocalCluster (one single-threaded worker process per core, on
    127.0.0.1, started here and kept for every run, as a standing cluster would be) against the
    process pool, both cold, run alternately: (workers, median cluster s, median pool s, median of
    the per-pair ratios cluster / pool); None without dask[distributed]."""
    try:
        from distributed import LocalCluster
    except ImportError:
        return None
    workers = os.cpu_count() or 1
    words = ["rollup", str(root), "--year", "2023", "-f", "json"]
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      scheduler_port=0, dashboard_address=None, silence_logs=50) as local:
        on_cluster = [*words, "--cluster", local.scheduler_address]
        timed(on_cluster, cold=root)  # the workers import jifen once, as a standing cluster's already have
        walls_cluster, walls_pool, ratios = [], [], []
        for _ in range(pairs):
            walls_cluster.append(timed(on_cluster, cold=root)[0])
            walls_pool.append(timed(words, cold=root)[0])
            ratios.append(walls_cluster[-1] / walls_pool[-1])
    return workers, statistics.median(walls_cluster), statistics.median(walls_pool), statistics.median(ratios)


def timed(words: list[str], cold: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run of ``jifen words``; ``cold``: first delete that
    ledger folder's cache (or, for a committee folder, every branch's); ``env``: more variables."""
    if cold is not None:
        for found in [cold / ".jifen-cache", *cold.glob("*/.jifen-cache")]:
            shutil.rmtree(found, ignore_errors=True)
    jifen = str(Path(sys.executable).with_name("jifen"))
    start = time.perf_counter()
    # close_fds=False lets Python start the child with posix_spawn: a forked copy of this (large) process
    # would otherwise count towards the child's peak RSS
    child = subprocess.Popen([jifen, *words], stdout=subprocess.DEVNULL,
                             env={"JIFEN_USER": "bench", "PATH": "", **(env or {})}, close_fds=False)
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
    parser.add_argument("--only", default=",".join(GROUPS),
                        help=f"the groups of rows to run, comma-separated, of: {', '.join(GROUPS)}")
    parser.add_argument("--pairs", type=int, default=7, help="paired runs for each show / grade ratio")
    parser.add_argument("--peer-pairs", type=int, default=5, help="paired runs for each jifen / peer ratio")
    parser.add_argument("--cluster-branches", type=int, default=1000,
                        help="branches for rollup --cluster against the pool (group cluster)")
    parser.add_argument("--serve-seconds", type=float, default=60, help="seconds of the serve load test (group serve)")
    parser.add_argument("--readers", type=int, default=50, help="members reading pages in the serve load test")
    parser.add_argument("--declarers", type=int, default=10, help="members declaring in the serve load test")
    parser.add_argument("--serve-git", action="store_true",
                        help="the serve load test on a ledger in git: the server commits every declaration")
    args = parser.parse_args()
    only = set(args.only.split(","))
    if only - set(GROUPS):
        parser.error(f"unknown group(s) {', '.join(sorted(only - set(GROUPS)))}; known: {', '.join(GROUPS)}")
    rows = []
    peers: list[tuple[int, str, str, int, float, float, float]] = []
    cluster = None
    ratios: list[tuple[int, int, float, float, float]] = []
    branch: list[tuple[str, str, float, float, float]] = []
    if "branch" in only:
        folder = build_branch()
        journal = str(folder / JOURNALS["member"])
        for words, theirs in BRANCH_COMMANDS:
            found = paired_peer([*words, "-l", str(folder)], folder, ["ledger", "-f", journal, *theirs], args.peer_pairs)
            if found:
                branch.append((f"{' '.join(words)} (cold)", " ".join(theirs), *found))
        # the floor of any jifen command: its start-up alone, and a run that prints the text it kept
        grade = ["grade", "--year", "2023", "-l", str(folder)]
        timed(grade)
        for label, words in (("--help (start-up alone)", ["--help"]), ("grade --year 2023 (warm: the kept text)", grade)):
            found = paired_peer(words, folder, ["ledger", "-f", journal, "bal"], args.peer_pairs, cold=False)
            if found:
                branch.append((label, "bal", *found))
    for size in (int(s) for s in args.sizes.split(",")) if only & {"grade", "reports", "peers"} else ():
        folder = build(size)
        if "reports" in only:
            for words in (["report", "--month", "2023-06"], ["report", "--quarter", "2023Q2"],
                          ["grade", "--year", "2023"], ["show", "m00001"]):
                runs = [timed([*words, "-l", str(folder)], cold=folder) for _ in range(args.repeat)]
                rows.append((size, f"{' '.join(words)} (cold)", statistics.median(w for w, _ in runs),
                             max(r for _, r in runs)))
        if "grade" not in only:
            continue
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
        timed(grade_words[:-1] + [str(scratch)], cold=scratch)  # a report keeps the spine add reads through
        add, appended = [], []
        for _ in range(args.repeat):
            add.append(timed(["add", "m00001", "study.absent", "--date", "2023-12-31", "-l", str(scratch)]))
            appended.append(timed(["grade", "--year", "2023", "-l", str(scratch)]))
        rows.append((size, "add (one record)", statistics.median(w for w, _ in add), max(r for _, r in add)))
        rows.append((size, "grade --year 2023 (one record appended since)", statistics.median(w for w, _ in appended),
                     max(r for _, r in appended)))
    appends = [(f"{size:,}", " ".join(words), *paired_append(build(size), words, args.pairs))
               for size in (int(s) for s in args.sizes.split(",")) if "append" in only for words in APPENDED]
    if "append" in only:  # the realistic branch: 50 members, ten years
        appends += [(f"{BRANCH[2]:,} (the branch)", " ".join(words), *paired_append(build_branch(), words, args.pairs))
                    for words in APPENDED]
    for size in (int(s) for s in args.sizes.split(",")) if "peers" in only else ():
        folder = build(size)
        grade_words = ["grade", "--year", "2023", "-l", str(folder)]
        bean_check = str(Path(sys.executable).with_name("bean-check"))
        runs = [(tool, layout, [tool, "-f", str(folder / journal), "bal"], folder / journal)
                for tool in ("ledger", "hledger") for layout, journal in JOURNALS.items()]
        runs.append(("bean-check -C", "member × category", [bean_check, "-C", str(folder / "peers.beancount")],
                     folder / JOURNALS["member × category"]))
        for name, layout, words, journal in runs:
            found = paired_peer(grade_words, folder, words, args.peer_pairs)
            if found:
                peers.append((size, name, layout, journal_accounts(journal), *found))
    for size, members in SHOW_LEDGERS if "show" in only else ():
        folder = build_member_heavy(size, members)
        grade_words = ["grade", "--year", "2023", "-l", str(folder)]
        show, grade, ratio = paired(["show", "m00000", "-l", str(folder)], grade_words, folder, args.pairs)
        ratios.append((size, member_events(folder, "m00000"), show, grade, ratio))
    if "grade" in only:
        scratch = OUT / "add-new"  # the same add on a ledger of one member: what add on a large one should match
        shutil.rmtree(scratch, ignore_errors=True)
        timed(["init", str(scratch), "--scheme", "quantified-2023", "--name", "新支部", "--date", "2023-01-01"])
        timed(["member", "add", "张三", "--date", "2023-01-01", "-l", str(scratch)])
        add = [timed(["add", "m01", "study.absent", "--date", "2023-12-31", "-l", str(scratch)])
               for _ in range(max(args.repeat, 9))]
        rows.append((3, "add (one record, on a new ledger)", statistics.median(w for w, _ in add), max(r for _, r in add)))
    if args.branches and "rollup" in only:
        root = build_committee(args.branches)
        words = ["rollup", str(root), "--year", "2023", "-f", "json"]
        roll = [timed(words, cold=root) for _ in range(args.repeat)]
        events = args.branches * (50 + 50 * 20 + 1)
        rows.append((events, f"rollup ({args.branches} branches × 50 members, cold)",
                     statistics.median(w for w, _ in roll), max(r for _, r in roll)))
        roll = [timed(words) for _ in range(args.repeat)]
        rows.append((events, f"rollup ({args.branches} branches × 50 members, warm)",
                     statistics.median(w for w, _ in roll), max(r for _, r in roll)))
    if args.cluster_branches and "cluster" in only:
        cluster = (args.cluster_branches,
                   paired_cluster(build_committee(args.cluster_branches), args.cluster_branches, args.pairs))
    served = (load.run(OUT / "serve", args.serve_seconds, args.readers, args.declarers, args.serve_git)
              if "serve" in only else None)
    for words in (["--help"], ["add", "--help"]) if "help" in only else ():
        help_ = [timed(words) for _ in range(max(args.repeat, 9))]
        rows.append((0, " ".join(words), statistics.median(w for w, _ in help_), max(r for _, r in help_)))
    for size in (int(s) for s in args.sizes.split(",")) if "complete" in only else ():
        folder = build(size)
        for typed in ("add m0000", "revoke "):  # a member by the start of its id; the latest events, with words
            env = {"_JIFEN_COMPLETE": "bash_complete", "COMP_WORDS": f"jifen {typed}", "COMP_CWORD": "2",
                   "JIFEN_LEDGER": str(folder)}
            timed([], env=env)  # the first Tab on a ledger keeps its spine in the cache, as the first add does
            tabs = [timed([], env=env) for _ in range(max(args.repeat, 9))]
            rows.append((size, f"{typed.strip()}<Tab> (bash completion)", statistics.median(w for w, _ in tabs),
                         max(r for _, r in tabs)))
    lines = [
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores; median of {args.repeat} runs, "
        "peak RSS is the largest of them",
    ]
    if rows:
        lines += ["", "| events | command | wall (s) | peak RSS (MB) |", "|---:|---|---:|---:|",
                  *(f"| {size:,} | jifen {command} | {wall:.2f} | {rss:.0f} |" for size, command, wall, rss in rows)]
    if peers:
        lines += ["", "Peers on the same records (score events only), and jifen's cold `grade --year 2023` against "
                  f"each, run alternately {args.peer_pairs} times (jifen, peer, jifen, peer, …); the ratio is the "
                  "median of the per-pair ratios. ledger and hledger read two journal layouts: an account per "
                  "member and category, and one account per member; the accounts are counted in the journal "
                  "(Equity:Base included):", "",
                  "| events | peer | journal: an account per | accounts | jifen grade (s) | peer (s) "
                  "| jifen grade / peer |", "|---:|---|---|---:|---:|---:|---:|"]
        lines += [f"| {size:,} | {name} | {layout} | {accounts:,} | {mine:.2f} | {theirs:.2f} | **{ratio:.2f}** |"
                  for size, name, layout, accounts, mine, theirs, ratio in peers]
    if branch:
        members, years, size = BRANCH
        lines += ["", f"A realistic branch: {members} members, {years} years (2014–2023), {size:,} events. Each jifen "
                  "command cold (no cache), against `ledger` on the same scores as a journal of one account per "
                  f"member, run alternately {args.peer_pairs} times (jifen, ledger, jifen, ledger, …); the ratio is "
                  "the median of the per-pair ratios (goal: at most 2). The last two rows are the floor of any "
                  "jifen command: its start-up alone, and a warm run that prints the text it kept:", "",
                  "| jifen | ledger -f J | jifen (s) | ledger (s) | jifen / ledger |", "|---|---|---:|---:|---:|"]
        lines += [f"| {mine} | {theirs} | {a:.2f} | {b:.2f} | **{ratio:.2f}** |" for mine, theirs, a, b, ratio in branch]
    if cluster and cluster[1]:
        branches, (workers, on_cluster, pool, ratio) = cluster[0], cluster[1]
        lines += ["", f"`rollup` of {branches:,} branches × 50 members × a year ({branches * 1051:,} events), cold, "
                  f"through a Dask LocalCluster ({workers} worker processes of one thread on 127.0.0.1, started "
                  "once, warmed by one run) and through the process pool (`--jobs` default: one per core), run "
                  f"alternately {args.pairs} times; the ratio is the median of the per-pair ratios:", "",
                  "| branches | events | cluster (s) | pool (s) | cluster / pool |", "|---:|---:|---:|---:|---:|",
                  f"| {branches:,} | {branches * 1051:,} | {on_cluster:.2f} | {pool:.2f} | **{ratio:.2f}** |"]
    if appends:
        lines += ["", "Each command warm (nothing appended since its last run) and right after `jifen add` appended "
                  f"one record, run alternately {args.pairs} times (warm, add, after, warm, add, after …); the ratio "
                  "is the median of the per-pair ratios (goal: at most 2):", "",
                  "| events | command | warm (s) | after one append (s) | after / warm |", "|---:|---|---:|---:|---:|"]
        lines += [f"| {size} | {command} | {warm:.2f} | {after:.2f} | **{ratio:.2f}** |"
                  for size, command, warm, after, ratio in appends]
    if ratios:
        lines += ["", f"`show m00000` (the member's statement) against `grade --year 2023` on the same ledger, both cold, "
                  f"run alternately {args.pairs} times; the ratio is the median of the per-pair ratios:", "",
                  "| events | the member's events | show (s) | grade (s) | show / grade |", "|---:|---:|---:|---:|---:|"]
        lines += [f"| {size:,} | {mine:,} | {show:.2f} | {grade:.2f} | {ratio:.2f} |"
                  for size, mine, show, grade, ratio in ratios]
    if served:
        command = (f"python bench/run.py --only serve{' --serve-git' if args.serve_git else ''} "
                   f"--serve-seconds {args.serve_seconds:g} --readers {args.readers} "
                   f"--declarers {args.declarers}")
        lines += ["", *load.markdown(served, command)]
    print("\n".join(lines))
    if args.write:
        target = Path(args.write)
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        notes = old[old.index(NOTES):] if NOTES in old else ""  # what was written by hand below the mark stays
        target.write_text(HEADER + "\n".join(lines) + "\n" + ("\n" + notes if notes else ""), encoding="utf-8")
    if served and not served.ok():
        print("bench: the serve load test failed its checks (see the table)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
