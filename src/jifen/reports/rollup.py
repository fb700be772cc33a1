"""The committee's view of its branches."""

from __future__ import annotations

from jifen.reports.base import (
    Column,
    Report,
    flat,
)


def rollup_report(found, ranks: dict[str, int], year: int, errors: dict[str, str], head=None) -> Report:
    """The committee view: each branch's members, average, grade counts and rank; failures by name. Where
    the branches' scheme scores leaders from them (bianban): each branch's secretary, whose work score is
    the branch's average, and ``head``, the head's (the secretaries' average)."""
    grade_names: list[str] = []
    for summary in found:
        for name in summary.grades:
            if name not in grade_names:
                grade_names.append(name)
    rows = []
    for summary in sorted(found, key=lambda s: (ranks.get(s.path, 10**9), s.path)):
        rows.append(
            {
                "rank": ranks.get(summary.path),
                "branch": summary.branch,
                "path": summary.path,
                "scheme": summary.scheme,
                "members": summary.members,
                "average": summary.average,
                "grades": dict(summary.grades),
                "error": errors.get(summary.path),
                **({"secretary": summary.secretary, "secretary_score": summary.average}
                   if summary.secretary is not None else {}),
            }
        )
    leaders = any(s.secretary is not None for s in found)
    columns = (
        Column("rank", "label.rank"),
        Column("branch", "label.branch-subject"),
        Column("scheme", "label.scheme"),
        Column("members", "label.members"),
        Column("average", "label.average"),
        *(Column(f"grades.{g}", g, literal=True) for g in grade_names),
        *((Column("secretary", "label.secretary"), Column("secretary_score", "label.secretary-score")) if leaders else ()),
        Column("error", "label.error"),
        Column("path", "label.path"),
    )
    data = {"year": year, "branches": rows, **({"head_score": head} if head is not None else {})}
    notes = (("note.head-score", {"score": head}),) if head is not None else ()
    return Report(("title.rollup", {"year": year, "count": len(rows)}), columns, tuple(flat(r) for r in rows), data,
                  notes)
