"""One pipeline from a ledger folder to something the engine can replay.

read the log → find and read its scheme → check events against both. Every
problem of every stage is collected and returned together, sorted by place.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

from jifen import cache, validate
from jifen import scheme as scheme_io
from jifen.errors import InvalidInput
from jifen.model import Ledger, Problem, Scheme, Spine


class Loaded(NamedTuple):
    ledger: Ledger
    scheme: Scheme | None
    problems: tuple[Problem, ...]
    stale: bool = False  # the cache's copy of the log's start no longer matched it: history was edited


def scheme_of(ledger: Ledger | Spine, search: list[Path], cached: bool = False) -> tuple[Scheme | None, list[Problem]]:
    """The scheme the ``open`` event of ``ledger`` (or of a spine) names, and its problems;
    ``cached``: its YAML read through the ledger's cache."""
    if ledger.header is None:
        return None, []
    directory = Path(ledger.path).parent
    path = scheme_io.find(ledger.scheme_ref, search, base=directory)
    return scheme_io.load(path, cache.yaml_parse(directory) if cached else None)


def load(directory: Path, search: list[Path], today: dt.date | None = None, cached: bool = False) -> Loaded:
    """The ledger in ``directory``, its scheme, and every problem of either.

    ``today``, if given, also reports events dated after it. ``cached`` reads the
    log through ``jifen.cache`` (only what was appended since its last snapshot is parsed).
    """
    read = cache.read(directory, use=cached)
    problems = list(read.problems)
    scheme, scheme_problems = scheme_of(read.ledger, search, cached)
    problems += scheme_problems
    if scheme is not None:
        problems += validate.ledger_problems(read.ledger, scheme, today)
    problems.sort(key=Problem.sort_key)
    return Loaded(read.ledger, scheme, tuple(problems), read.stale)


def load_valid(directory: Path, search: list[Path], cached: bool = False) -> Loaded:
    """The ledger and scheme (any problems are warnings); InvalidInput carrying every problem if any is an error."""
    return usable(load(directory, search, cached=cached))


def usable(loaded: Loaded) -> Loaded:
    """``loaded``, if nothing in it is an error; else InvalidInput carrying every problem."""
    if any(p.is_error for p in loaded.problems) or loaded.scheme is None:
        raise InvalidInput("ledger.unusable", problems=loaded.problems, path=loaded.ledger.path)
    return loaded
