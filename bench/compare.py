"""make bench-compare: this tree's jifen against another revision's, as ratios of paired runs.

Installs the other revision (``--base``, default the last tag or ``HEAD~1``) into its own
virtualenv under bench/out/base-<sha>/, builds the same synthetic ledgers as ``make bench``,
then runs each command alternately with the base and with this tree (base, this, base, this …),
each on its own copy of the ledger, and reports the median of the per-pair ratios
(this / base): below 1 this tree is faster. A machine that drifts or is busy slows both runs
of a pair alike, so the ratio holds where either time alone would not.

    python bench/compare.py --base 78aa8d2 [--sizes 10000,100000] [--pairs 5] [--only appended,add] [--write docs/benchmarks-compare.md]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (the ledgers make bench builds)

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {  # name → (the words after jifen, what the cache is before each run)
    "grade, cold": (["grade", "--year", "2023"], "cold"),
    "grade, warm": (["grade", "--year", "2023"], "warm"),
    "report --month, cold": (["report", "--month", "2023-06"], "cold"),
    "show, cold": (["show", "m00001"], "cold"),
    "check, cold": (["check"], "cold"),
    "add": (["add", "m00002", "study.notes", "--date", "2023-12-30"], "warm"),
    "grade, one record appended": (["grade", "--year", "2023"], "appended"),
    "report --month, one record appended": (["report", "--month", "2023-06"], "appended"),
    "show, one record appended": (["show", "m00001"], "appended"),
    "--help": (["--help"], None),
    "add --help": (["add", "--help"], None),
}


def install(rev: str) -> Path:
    """The ``jifen`` of revision ``rev``, installed once into bench/out/base-<sha>/."""
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", rev], capture_output=True, text=True,
                         check=True).stdout.strip()
    home = run.OUT / f"base-{sha}"
    jifen = home / "venv" / "bin" / "jifen"
    if jifen.exists():
        return jifen
    shutil.rmtree(home, ignore_errors=True)
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--force", "--detach", str(home / "src"), sha],
                   check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True)
    # editable, as make setup installs this tree: the shipped schemes are found beside the sources
    subprocess.run([str(home / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet", "-e", str(home / "src")],
                   check=True, stderr=subprocess.DEVNULL)
    return jifen


APPEND = ["add", "m00002", "study.notes", "--date", "2023-12-31"]  # what "appended" runs, untimed, before each run


def once(jifen: Path, words: list[str], folder: Path | None, cache: str | None) -> float:
    """Wall seconds of one run of ``jifen words`` in ``folder`` (its cache deleted first if ``cold``;
    one record appended first, by the same jifen, if ``appended``)."""
    if folder is not None and cache == "cold":
        shutil.rmtree(folder / ".jifen-cache", ignore_errors=True)
    if folder is not None and cache == "appended":
        once(jifen, APPEND, folder, None)
    ledger = ["-l", str(folder)] if folder is not None and words[0] != "--help" and "--help" not in words else []
    env = {"JIFEN_USER": "bench", "PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/")}
    start = time.perf_counter()
    done = subprocess.run([str(jifen), *words, *ledger], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          env=env, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{jifen} {' '.join(words)} failed with {done.returncode}")
    return wall


def _words(only: str | None) -> list[str] | None:
    """What ``--only`` picks: one command by its whole name (names hold commas: "grade, cold"), else
    the commands whose name holds any of its comma-separated words."""
    if not only:
        return None
    return [only] if only in COMMANDS else [word.strip() for word in only.split(",") if word.strip()]


def compare(base: Path, this: Path, size: int, pairs: int, only: list[str] | None = None) -> list[tuple[str, float, float, float]]:
    """(command, median base seconds, median this seconds, median ratio this / base) for each command
    (whose name holds one of ``only``, if given)."""
    source = run.build(size)
    copies = {}
    for who in ("base", "this"):  # each its own copy: add appends, and each version keeps its own cache
        copy = run.OUT / f"compare-{size}-{who}"
        shutil.rmtree(copy, ignore_errors=True)
        copy.mkdir(parents=True)
        shutil.copy(source / "ledger.yaml", copy / "ledger.yaml")
        copies[who] = copy
    rows = []
    for name, (words, cache) in COMMANDS.items():
        if only and not any(o in name for o in only):
            continue
        if cache in ("warm", "appended"):  # make the cache, once each
            once(base, words if words[0] != "add" else ["grade", "--year", "2023"], copies["base"], "cold")
            once(this, words if words[0] != "add" else ["grade", "--year", "2023"], copies["this"], "cold")
        walls = {"base": [], "this": []}
        ratios = []
        for _ in range(pairs):
            walls["base"].append(once(base, words, copies["base"], cache))
            walls["this"].append(once(this, words, copies["this"], cache))
            ratios.append(walls["this"][-1] / walls["base"][-1])
        rows.append((name, statistics.median(walls["base"]), statistics.median(walls["this"]),
                     statistics.median(ratios)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD~1", help="the revision to compare with")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--write", help="also write the table to this markdown file")
    parser.add_argument("--only", help="only the commands whose name holds one of these words, comma-separated; "
                                       "or one command by its whole name (\"grade, cold\")")
    args = parser.parse_args()
    base = install(args.base)
    this = Path(sys.executable).with_name("jifen")
    lines = [f"Base: `{args.base}`; this: the working tree. {args.pairs} pairs per row, run alternately; "
             "ratio = median of the per-pair ratios this / base (below 1: this is faster).", "",
             "| events | command | base s | this s | this / base |", "|---:|---|---:|---:|---:|"]
    for size in (int(s) for s in args.sizes.split(",")):
        for name, b, t, ratio in compare(base, this, size, args.pairs, _words(args.only)):
            lines.append(f"| {size:,} | {name} | {b:.3f} | {t:.3f} | **{ratio:.2f}** |")
            print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    if args.write:
        Path(args.write).write_text(f"# This tree against {args.base}\n\nWritten by `make bench-compare`.\n\n" + text,
                                    encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
