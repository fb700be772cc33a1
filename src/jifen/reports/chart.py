"""The numbers a chart of a year draws."""

from __future__ import annotations

from typing import Any

from jifen.core import engine
from jifen.core.model import Ledger
from jifen.core.numbers import shown
from jifen.core.periods import Period


def chart_data(ledger: Ledger, standings: engine.Standings, year: int, subject: str | None = None) -> dict[str, Any]:
    """The numbers a chart draws: each scoring period's scores of the year, per subject (shown values),
    which of them a veto zeroed, the names, the scheme's grade lines and its full marks."""
    scheme = standings.scheme
    whole = Period(year, "year", 1)
    parts = whole.parts(scheme.period) if scheme.period != "year" else [whole]
    subjects = [subject] if subject else [s for s in standings.subjects(whole) if not standings.is_exempt(s, whole)]
    series, vetoed, names = {}, {}, {}
    for who in subjects:
        member = standings.members[who]
        label = f"{member.name}({who})"
        series[label] = [
            shown(standings.score(who, p).total, scheme.precision) if member.in_span(p.start, p.end) else None
            for p in parts
        ]
        vetoes = [v.date for v in standings.vetoes.get(who, ()) if v.date.year == year]
        vetoed[label] = [value == 0 and any(day <= p.end for day in vetoes) for value, p in zip(series[label], parts)]
        names[label] = member.name
    grades = [{"name": b.name, "min": b.min} for b in scheme.grades if b.min is not None]
    return {"branch": ledger.name, "year": year, "periods": [str(p) for p in parts], "series": series,
            "member": subject, "vetoed": vetoed, "names": names, "grades": grades, "total": scheme.total}
