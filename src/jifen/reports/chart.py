"""The numbers a chart of a year draws."""

from __future__ import annotations

from typing import Any

from jifen.core import engine
from jifen.core.model import Ledger
from jifen.core.numbers import shown
from jifen.core.periods import Period


def chart_data(ledger: Ledger, standings: engine.Standings, year: int, subject: str | None = None) -> dict[str, Any]:
    """The numbers a chart draws: each scoring period's scores of the year, per subject (shown values)."""
    scheme = standings.scheme
    whole = Period(year, "year", 1)
    parts = whole.parts(scheme.period) if scheme.period != "year" else [whole]
    subjects = [subject] if subject else [s for s in standings.subjects(whole) if not standings.is_exempt(s, whole)]
    series = {}
    for who in subjects:
        member = standings.members[who]
        series[f"{member.name}({who})"] = [
            shown(standings.score(who, p).total, scheme.precision) if member.in_span(p.start, p.end) else None
            for p in parts
        ]
    return {"branch": ledger.name, "year": year, "periods": [str(p) for p in parts], "series": series,
            "member": subject}
