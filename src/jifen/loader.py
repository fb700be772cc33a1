"""One pipeline from a ledger folder to something the engine can replay.

read the log → find and read its scheme → check events against both. Every
problem of every stage is collected and returned together, sorted by place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jifen import ledger as ledger_io
from jifen import scheme as scheme_io
from jifen import validate
from jifen.errors import InvalidInput
from jifen.model import Ledger, Problem, Scheme


@dataclass(frozen=True)
class Loaded:
    ledger: Ledger
    scheme: Scheme | None
    problems: tuple[Problem, ...]


def scheme_of(ledger: Ledger, search: list[Path]) -> tuple[Scheme | None, list[Problem]]:
    """The scheme the ledger's ``open`` event names, and its problems."""
    if ledger.header is None:
        return None, []
    path = scheme_io.find(ledger.scheme_ref, search, base=Path(ledger.path).parent)
    return scheme_io.load(path)


def load(directory: Path, search: list[Path], today: dt.date | None = None) -> Loaded:
    """The ledger in ``directory``, its scheme, and every problem of either.

    ``today``, if given, also reports events dated after it.
    """
    ledger, problems = ledger_io.read(directory)
    scheme, scheme_problems = scheme_of(ledger, search)
    problems += scheme_problems
    if scheme is not None:
        problems += validate.ledger_problems(ledger, scheme, today)
    problems.sort(key=Problem.sort_key)
    return Loaded(ledger, scheme, tuple(problems))


def load_valid(directory: Path, search: list[Path]) -> tuple[Ledger, Scheme]:
    """The ledger and scheme; InvalidInput carrying every problem if any is an error."""
    loaded = load(directory, search)
    if any(p.is_error for p in loaded.problems) or loaded.scheme is None:
        raise InvalidInput("ledger.unusable", problems=loaded.problems, path=loaded.ledger.path)
    return loaded.ledger, loaded.scheme
