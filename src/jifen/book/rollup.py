"""The committee roll-up: every branch ledger under a folder, replayed one per process.

``summaries`` returns, for each ledger, the branch's year in a few numbers
(members scored, average score, grade counts) or the error that stopped it; a
failing branch never stops the others. Ranking the branches is ``rank``.

The map (``summarize``, one branch per task) runs in a local process pool, or, given a
``cluster`` address, on a Dask distributed cluster whose workers see the ledgers at the same
paths; the reduce (``rank``) always runs here. Dask is imported only then.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from jifen import book
from jifen.core import engine, outcomes
from jifen.core.numbers import shown
from jifen.core.periods import Period
from jifen.errors import InvalidInput, JifenError
from jifen.store import cache
from jifen.store import ledger as ledger_io
from jifen.store.scheme import SECRETARY


@dataclass(frozen=True)
class Summary:
    """One branch's year, or why it could not be read."""

    path: str
    branch: str = ""
    scheme: str = ""
    members: int | None = None
    average: Decimal | None = None
    grades: dict[str, int] = field(default_factory=dict)
    # where the scheme scores leaders from branches (``Scheme.leaders``): the branch's secretary, who
    # scores the branch's score (its average); ``head``: the head's score is the secretaries' average
    secretary: str | None = None
    head: bool = False
    error: str | None = None  # a catalogue code
    error_args: dict = field(default_factory=dict)


def find(folder: Path) -> list[Path]:
    """The ledger folders under ``folder`` (any depth), sorted."""
    return sorted(p.parent for p in folder.rglob(ledger_io.FILENAME))


def summarize(directory: str, search: list[str], year: int, cached: bool = False,
              today: dt.date | None = None) -> Summary:
    """The year of the ledger in ``directory``; errors become a Summary with ``error`` set.

    With ``cached``, a branch whose log and scheme are byte for byte as when it was
    last summed up is not replayed: its summary comes from the cache beside it (a log without
    events after ``today`` then has none after any later day either).
    """
    book.long_running()  # a process that sums up branch after branch (a worker too) freezes none of their books
    folder, places = Path(directory), [Path(s) for s in search]
    key = cache.result_key(folder, places, "rollup", year) if cached else None
    kept = cache.result(folder, key) if key else None
    if isinstance(kept, dict) and "secretary" in kept:
        return Summary(directory, kept["branch"], kept["scheme"], kept["members"],
                       Decimal(kept["average"]) if kept["average"] is not None else None, kept["grades"],
                       kept["secretary"], kept["head"])
    found = _summarize(directory, places, year, cached, today)
    if key and found.error is None:
        average = None if found.average is None else str(found.average)
        cache.keep(folder, key, {"branch": found.branch, "scheme": found.scheme, "members": found.members,
                                 "average": average, "grades": found.grades, "secretary": found.secretary,
                                 "head": found.head})
    return found


def _summarize(directory: str, search: list[Path], year: int, cached: bool, today: dt.date | None) -> Summary:
    try:
        opened = book.open(Path(directory), search, today=today, cached=cached).usable()
        scheme = opened.scheme_for(year)
        results = outcomes.annual(opened.standings_for(year), year)
    except JifenError as exc:
        return Summary(directory, error=exc.code, error_args=dict(exc.args_))
    except OSError as exc:
        return Summary(directory, error="rollup.unreadable", error_args={"detail": str(exc)})
    grades: dict[str, int] = {}
    for result in results:
        name = result.grade or "-"
        grades[name] = grades.get(name, 0) + 1
    average = None
    if results:
        average = shown(sum((r.shown for r in results), Decimal(0)) / len(results), scheme.precision)
    secretary = None
    if scheme.leaders.get("secretary") == "branch":  # 支部书记的工作得分,按支部得分计算
        period = Period(year, "year", 1)
        held = [m for m in opened.standings.members.values() if m.role == SECRETARY and m.in_span(period.start, period.end)]
        secretary = "、".join(f"{m.name}({m.id})" for m in held) or "-"
    return Summary(directory, opened.name, scheme.id, len(results), average, grades, secretary,
                   scheme.leaders.get("head") == "secretaries")


def head_score(found: list[Summary]) -> Decimal | None:
    """The head's work score where the branches' scheme says so (办主要负责人的工作得分,按各支部书记的平均分计算):
    the mean of the secretaries' scores, each its branch's average; None if no branch says so."""
    scores = [s.average for s in found if s.head and s.secretary and s.average is not None]
    return sum(scores, Decimal(0)) / len(scores) if scores else None


CONNECT_TIMEOUT = 10  # seconds to reach a cluster's scheduler before giving up


def summaries(
    folders: list[Path], search: list[Path], year: int, jobs: int | None = None,
    done: Callable[[Summary], None] | None = None, cached: bool = False, today: dt.date | None = None,
    cluster: str | None = None,
) -> list[Summary]:
    """Every folder's Summary, computed in a process pool or on the Dask cluster at ``cluster``
    (one branch per task), in folder order."""
    if cluster:
        return _on_cluster(cluster, folders, search, year, done, cached, today)
    jobs = jobs or os.cpu_count() or 1
    arguments = [(str(f), [str(s) for s in search], year, cached, today) for f in folders]
    if jobs == 1 or len(folders) <= 1:
        found = []
        for args in arguments:
            found.append(summarize(*args))
            if done:
                done(found[-1])
        return found
    by_path: dict[str, Summary] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(summarize, *args) for args in arguments]
        for future in as_completed(futures):
            summary = future.result()
            by_path[summary.path] = summary
            if done:
                done(summary)
    return [by_path[str(f)] for f in folders]


def _on_cluster(address: str, folders: list[Path], search: list[Path], year: int,
                done: Callable[[Summary], None] | None, cached: bool, today: dt.date | None) -> list[Summary]:
    """The map on the Dask cluster at ``address``: the workers get absolute paths (shared storage), the
    summaries keep the paths as given. A task that fails on the cluster (a worker lost, jifen missing
    there) is reported as that branch's error; a cluster that cannot be reached stops the roll-up."""
    try:
        from distributed import Client
        from distributed import as_completed as completed
        from distributed.comm import addressing
    except ImportError:
        raise InvalidInput("rollup.cluster-missing") from None
    given = {str(f.resolve()): str(f) for f in folders}
    places = [str(Path(s).resolve()) for s in search]
    try:
        # a malformed or unknown address is refused before a Client exists: one that fails on it
        # prints a traceback when it is collected
        addressing.resolve_address(address)
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:  # socket.gaierror is an OSError
        raise InvalidInput("rollup.cluster-unreachable", address=address,
                           detail=str(exc) or type(exc).__name__) from None
    by_path: dict[str, Summary] = {}
    with client:
        futures = {client.submit(summarize, path, places, year, cached, today, pure=False): path for path in given}
        for future in completed(futures, loop=client.loop):
            path = futures[future]
            if future.status == "finished":
                summary = replace(future.result(), path=given[path])
            else:  # "error" (raised, or its worker lost) or "cancelled"
                failed = future.exception() if future.status == "error" else future.status
                summary = Summary(given[path], error="rollup.task-failed", error_args={"detail": repr(failed)})
            by_path[summary.path] = summary
            if done:
                done(summary)
    return [by_path[str(f)] for f in folders]


def rank(found: list[Summary]) -> dict[str, int]:
    """Branches ranked by average score (1, 2, 2, 4); branches that failed or scored nobody are not ranked."""
    return engine.ranks({s.path: s.average for s in found if s.average is not None})
