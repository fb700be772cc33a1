"""The load test of ``jifen serve`` (``bench/run.py --only serve``): members reading and declaring at once.

``run(folder, seconds, readers, declarers)`` copies the demo ledger into ``folder``, gives every
member in it an account, starts the web app under uvicorn on 127.0.0.1 (a free port, in a
subprocess), and runs ``readers`` threads that sign in and read their card and the notice and
``declarers`` threads that sign in and declare (GET the form for its CSRF token, POST with a unique
note), all for ``seconds``. Afterwards it counts the ``declare`` events by their notes: every
declaration the server accepted must be in the log exactly once, and ``jifen check`` must be clean.

Passwords are hashed with argon2 at the cost the tests use (time_cost=1, memory_cost=8 KiB,
parallelism=1), not the default (~0.4 s a hash): what is measured is the pages, not the hashing.
The server's date is fixed at 2023-12-20 (the demo's year, as in tests/test_web.py).

    python bench/load.py [--seconds 15] [--readers 10] [--declarers 3] [--git] [--out bench/out/serve]

With ``--git`` the copy is a git repository: the server commits each declaration (the member as
author), and afterwards the commits must be one per accepted declaration, the ledger committed whole.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "ledgers" / "demo"
TODAY = dt.date(2023, 12, 20)
DECLARED_ON = "2023-12-18"
READ_PAGES = ("/card", "/notice")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TIMEOUT = 30.0  # seconds one request may take before the client gives up on it
MAX_REQUESTS = 100_000  # per client loop, whatever the seconds: every loop is bounded in count and time

def cheap_hasher():
    """Argon2 at the lowest cost the tests use (tests/conftest.py ``quick_hashes``)."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def serve(folder: Path) -> None:
    """Serve ``folder`` on 127.0.0.1 (port printed on stdout) until terminated; the date fixed at TODAY."""
    import asyncio
    import socket

    import uvicorn

    from jifen.web import accounts
    from jifen.web.app import create_app

    accounts._hasher = cheap_hasher  # the hash for an unknown name; the accounts' own carry their cost
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    print(sock.getsockname()[1], flush=True)
    app = create_app(folder, today=lambda: TODAY)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", proxy_headers=False, server_header=False,
                                           access_log=False, backlog=1024))
    asyncio.run(server.serve(sockets=[sock]))


@dataclasses.dataclass
class Result:
    """What one run measured and found."""

    seconds: float  # wall time of the client loops
    readers: int
    declarers: int
    reads: list[float]  # seconds of every page read (GET: card, notice, the declare form)
    writes: list[float]  # seconds of every declaration (POST)
    accepted: list[str]  # the notes of the declarations the server answered with its redirect
    refused: int  # declarations answered otherwise (or not at all)
    failed_reads: int  # page reads not answered 200
    found: dict[str, int]  # the load's notes in the log, and how many times each
    check: int  # exit code of ``jifen check`` on the copy
    commits: int | None = None  # with ``git``: the commits the server made
    by_members: int | None = None  # with ``git``: those of them whose author is a member
    clean: bool = True  # with ``git``: the ledger as committed is the ledger on disk

    @property
    def one_commit_each(self) -> bool:
        return self.commits is None or (self.commits == self.by_members == len(self.accepted) and self.clean)

    @property
    def requests(self) -> int:
        return len(self.reads) + len(self.writes)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def exactly_once(self) -> bool:
        """Every accepted declaration is in the log once, and nothing the load declared twice."""
        return all(self.found.get(note) == 1 for note in self.accepted) and all(n == 1 for n in self.found.values())

    def ok(self) -> bool:
        return (self.exactly_once and self.check == 0 and not self.failed_reads and not self.refused
                and self.one_commit_each)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile of ``values`` (nearest rank), 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def start(folder: Path) -> tuple[subprocess.Popen, str]:
    """The server process on ``folder`` and its base URL, once it answers."""
    import httpx

    child = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve", str(folder)],
                             stdout=subprocess.PIPE, text=True)
    port = child.stdout.readline().strip()
    if not port.isdigit():
        child.kill()
        raise SystemExit("bench/load.py: the server did not start")
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/signin", timeout=2).status_code == 200:
                return child, base
        except httpx.HTTPError:
            time.sleep(0.05)
    stop(child)
    raise SystemExit("bench/load.py: the server did not answer within 30 s")


def stop(child: subprocess.Popen) -> None:
    child.terminate()
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait(timeout=10)


def token(client, path: str) -> str:
    found = CSRF.search(client.get(path).text)
    return found.group(1) if found else ""


def sign_in(base: str, name: str, password: str):
    import httpx

    client = httpx.Client(base_url=base, timeout=TIMEOUT, follow_redirects=False)
    r = client.post("/signin", data={"csrf": token(client, "/signin"), "name": name, "secret": password, "next": "/"})
    if r.status_code != 303:
        client.close()
        raise SystemExit(f"bench/load.py: {name} could not sign in ({r.status_code})")
    return client


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True).stdout


def run(folder: Path, seconds: float, readers: int, declarers: int, in_git: bool = False) -> Result:
    """The load test on a fresh copy of the demo ledger in ``folder`` (see the module's docstring).
    With ``in_git`` the copy is a git repository, so the server commits every declaration with the
    member as author: afterwards there must be one commit per accepted declaration and nothing left
    uncommitted."""
    import httpx

    from jifen import book
    from jifen.web import accounts, views

    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns(".jifen-cache"))
    (folder / accounts.FILENAME).unlink(missing_ok=True)
    people = [(m["name"], "member", m["id"]) for m in views.members(book.open(folder, cached=False), TODAY)]
    saved = accounts._hasher
    accounts._hasher = cheap_hasher
    try:
        passwords = [(name, pw) for name, _, pw in accounts.demo(folder, people)]
    finally:
        accounts._hasher = saved
    if in_git:
        git(folder, "init", "-q")
        git(folder, "config", "user.name", "jifen serve")
        git(folder, "config", "user.email", "serve@bench.jifen")
        git(folder, "add", ".")
        git(folder, "commit", "-q", "-m", "the demo ledger")
    run_id = f"{time.time_ns():x}"
    reads: list[float] = []
    writes: list[float] = []
    accepted: list[str] = []
    counts = {"refused": 0, "failed_reads": 0}
    lock = threading.Lock()

    def timed(call, *args, **kwargs):
        began = time.perf_counter()
        try:
            response = call(*args, **kwargs)
        except httpx.HTTPError:
            response = None
        return response, time.perf_counter() - began

    def reader(client, deadline: float) -> None:
        for n in range(MAX_REQUESTS):
            if time.monotonic() >= deadline:
                break
            r, took = timed(client.get, READ_PAGES[n % len(READ_PAGES)])
            with lock:
                reads.append(took)
                counts["failed_reads"] += r is None or r.status_code != 200
        client.close()

    def declarer(client, who: int, deadline: float) -> None:
        for n in range(MAX_REQUESTS):
            if time.monotonic() >= deadline:
                break
            r, took = timed(client.get, "/declare")
            found = CSRF.search(r.text) if r is not None and r.status_code == 200 else None
            with lock:
                reads.append(took)
                counts["failed_reads"] += found is None
            if found is None:
                continue
            note = f"压测申报 {run_id}-{who}-{n}"
            data = {"csrf": found.group(1), "rule": "honor.company", "date": DECLARED_ON, "note": note}
            r, took = timed(client.post, "/declare", data=data)
            with lock:
                writes.append(took)
                if r is not None and r.status_code in (200, 303):
                    accepted.append(note)
                else:
                    counts["refused"] += 1
        client.close()

    child, base = start(folder)
    try:
        clients = [sign_in(base, *passwords[i % len(passwords)]) for i in range(readers + declarers)]
        began = time.monotonic()
        deadline = began + seconds
        threads = [threading.Thread(target=reader, args=(clients[i], deadline), daemon=True) for i in range(readers)]
        threads += [threading.Thread(target=declarer, args=(clients[readers + i], i, deadline), daemon=True)
                    for i in range(declarers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()) + TIMEOUT + 5)
        elapsed = time.monotonic() - began
    finally:
        stop(child)
    prefix = f"压测申报 {run_id}-"
    found: dict[str, int] = {}
    for event in book.open(folder, cached=False).events:
        if event.kind == "declare" and (event.note or "").startswith(prefix):
            found[event.note] = found.get(event.note, 0) + 1
    jifen = str(Path(sys.executable).with_name("jifen"))
    check = subprocess.run([jifen, "check", "-l", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False).returncode
    commits, by_members, clean = None, None, True
    if in_git:
        authors = git(folder, "log", "--format=%an").splitlines()[:-1]  # all but the copy's first commit
        names = {name for name, _ in passwords}
        commits, by_members = len(authors), sum(author in names for author in authors)
        clean = git(folder, "status", "--porcelain", "--", "ledger.yaml") == ""
    return Result(elapsed, readers, declarers, reads, writes, accepted, counts["refused"], counts["failed_reads"],
                  found, check, commits, by_members, clean)


def markdown(result: Result, command: str) -> list[str]:
    """The result as lines of the bench's markdown."""
    ms = lambda values, share: percentile(values, share) * 1000  # noqa: E731
    return [
        f"`jifen serve` under load (`{command}`): a copy of the demo ledger, uvicorn on 127.0.0.1 in its own "
        f"process; {result.readers} members reading (their card, the notice) and {result.declarers} declaring "
        "(the form, then a POST with a unique note) at once, each on its own connection, for "
        f"{result.seconds:.0f} s. Reads are every GET (the declare form included), writes every declaration:",
        "",
        "| requests | per second | read p50 (ms) | read p95 (ms) | write p50 (ms) | write p95 (ms) "
        "| declarations accepted | refused | failed reads | in the log exactly once | jifen check |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
        f"| {result.requests:,} | {result.per_second:.1f} | {ms(result.reads, .5):.0f} | {ms(result.reads, .95):.0f} "
        f"| {ms(result.writes, .5):.0f} | {ms(result.writes, .95):.0f} | {len(result.accepted):,} | {result.refused:,} "
        f"| {result.failed_reads:,} "
        f"| {'yes' if result.exactly_once else '**no**'} | {'clean' if result.check == 0 else f'**exit {result.check}**'} |",
        *([] if result.commits is None else [
            "",
            f"The copy was a git repository: the server made {result.commits:,} commits, {result.by_members:,} "
            f"of them with a member as author, for {len(result.accepted):,} accepted declarations (one each: "
            f"{'yes' if result.one_commit_each else '**no**'}); the ledger on disk is "
            f"{'the one committed' if result.clean else '**not** the one committed'}.",
        ]),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the server process itself
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--declarers", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "serve")
    parser.add_argument("--git", action="store_true", help="make the copy a git repository: a commit per declaration")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    result = run(args.out, args.seconds, args.readers, args.declarers, args.git)
    print("\n".join(markdown(result, " ".join(sys.argv))))
    return 0 if result.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
