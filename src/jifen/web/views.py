"""What each page shows, as plain data taken from the book and the reports.

Nothing is computed here that the command line does not compute the same way:
a card is ``reports.show_report``, a notice ``reports.period_report``, an event
in words ``Book.describe``, what became of it ``Book.status``. This module only
picks, for one person, the rows they may see, and puts the words in.
"""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

from jifen import messages, reports
from jifen.book import Book
from jifen.core import rules as scheme_rules
from jifen.core import workflow
from jifen.core.kinds import CORRECTABLE
from jifen.core.model import Event
from jifen.core.numbers import plain
from jifen.core.periods import Period
from jifen.errors import JifenError
from jifen.render.cells import words
from jifen.web import evidence


def sentence(book: Book, event: Event, lang: str) -> str:
    code, args = book.describe(event)
    return messages.text(code, lang, **words(args))


def state_word(book: Book, event: Event, lang: str) -> str:
    status = book.status(event)
    text = messages.text(f"state.{status.state}", lang)
    return f"{text} #{status.by}" if status.by else text


def number(value: Any) -> str:
    return "" if value is None else plain(value)


def open_notices(book: Book, today: dt.date) -> dict[str, Event]:
    """Quarter → its notice, for the notices open on ``today``."""
    return {e.period: e for e in book.events
            if e.kind == "notice" and e.period and e.date <= today <= workflow.notice_end(e)}


def current_quarter(book: Book, today: dt.date) -> Period:
    """The quarter the pages show first: one whose notice is open today, else the quarter of the
    latest event up to today that counts for a quarter, else today's."""
    notices = open_notices(book, today)
    if notices:
        return Period.parse(max(notices))
    dated = [e.date for e in book.events if e.kind in ("score", "declare", "veto", "eval") and e.date <= today]
    return Period.of(max(dated) if dated else today, "quarter")


def quarters(book: Book, today: dt.date) -> list[str]:
    """Every quarter from the ledger's first to today's (or the last event's), newest first."""
    first = book.events[0].date if book.events else today
    last = max([today, *(e.date for e in book.events)])
    found, period = [], Period.of(first, "quarter")
    while period.start <= last and len(found) < 400:
        found.append(str(period))
        period = Period.of(period.end + dt.timedelta(days=1), "quarter")
    return found[::-1]


def objectable(book: Book, event: Event, today: dt.date, member: str | None) -> bool:
    """Whether ``member`` may object to ``event`` today: it is theirs, of a kind that can be
    objected to, still counts or is pending, and a notice of a quarter it touches is open."""
    if member is None or event.subject != member or event.kind not in CORRECTABLE:
        return False
    if book.status(event).state not in ("counts", "pending"):
        return False
    by_id = {e.id: e for e in book.events}
    return bool(workflow.touched(event, by_id) & set(open_notices(book, today)))


def card(book: Book, member: str, today: dt.date, lang: str) -> dict[str, Any]:
    """One member's card: every event in words with what it counted and the running totals,
    their scores by period, their place in the current quarter and their latest grade."""
    report = reports.show_report(book.ledger, book.standings, member, standings_of=book.standings_for)
    by_id = {e.id: e for e in book.events}
    rows = []
    for row in report.data["events"]:
        event = by_id[row["id"]]
        rows.append({
            "id": event.id, "date": row["date"], "kind": messages.text(f"kind.{row['kind']}", lang),
            "words": sentence(book, event, lang), "points": number(row["points"]),
            "running": number(row["running"]), "state": state_word(book, event, lang),
            "object": objectable(book, event, today, member),
            "evidence": evidence.hashes_in(event.note),
        })
    quarter = current_quarter(book, today)
    place = book.standings_for(quarter).standing(member, quarter)
    return {
        "member": report.data["member"], "member_id": member, "rows": rows[::-1],
        "periods": [(p, number(v) if v is not None else messages.text("label.missing", lang))
                    for p, v in report.data["periods"].items()][::-1],
        "quarter": str(quarter), "rank": place.rank if place else None,
        "score": number(place.shown) if place else None, "grade": report.data.get("grade"),
    }


def notice(book: Book, quarter: Period, lang: str) -> dict[str, Any]:
    """The ranked table of ``quarter`` with its notice, appeals, pending declarations and closing."""
    report = reports.period_report(book.ledger, book.standings_for(quarter), quarter)
    data = report.data
    categories = [(c.key, c.label if c.literal else messages.text(c.label, lang))
                  for c in report.columns if c.key.startswith("categories.")]
    rows = [{"rank": r.get("rank"), "member_id": r["member_id"], "member": r["member"],
             "score": number(r.get("score")), "veto": bool(r.get("veto")), "exempt": bool(r.get("exempt")),
             "categories": [number(r.get("categories", {}).get(key.split(".", 1)[1])) for key, _ in categories]}
            for r in data["rows"]]
    return {"period": data["period"], "branch": data["branch"], "rows": rows, "categories": categories,
            "notices": data["notice"], "closed": data["closed"], "appeals": data["appeals"],
            "pending": data["pending"]}


def mine(book: Book, member: str, lang: str) -> dict[str, Any]:
    """A member's declarations and objections, each with what became of it."""
    def line(event: Event) -> dict[str, Any]:
        return {"id": event.id, "words": sentence(book, event, lang), "state": state_word(book, event, lang)}

    return {
        "declarations": [line(e) for e in reversed(book.events) if e.kind == "declare" and e.subject == member],
        "appeals": [line(e) for e in reversed(book.events) if e.kind == "appeal" and e.subject == member],
    }


def desk(book: Book, lang: str) -> dict[str, Any]:
    """What waits for the recorder or the secretary: declarations not yet decided, open objections."""
    by_id = {e.id: e for e in book.events}

    def line(event: Event) -> dict[str, Any]:
        target = by_id.get(event.target or -1)
        return {"id": event.id, "words": sentence(book, event, lang),
                "target": sentence(book, target, lang) if target else "",
                "evidence": evidence.hashes_in(event.note)}

    return {
        "pending": [line(e) for e in book.events if e.kind == "declare" and book.status(e).state == "pending"],
        "appeals": [line(e) for e in book.events if e.kind == "appeal" and book.status(e).state == "open"],
    }


def log(book: Book, lang: str, limit: int = 500) -> list[dict[str, Any]]:
    """The latest ``limit`` events in words, newest first, each with what became of it."""
    return [{"id": e.id, "words": sentence(book, e, lang), "state": state_word(book, e, lang)}
            for e in list(reversed(book.events))[:limit]]


def rules(book: Book, today: dt.date | None = None, lang: str = "zh") -> list[dict[str, Any]]:
    """The rules of the version of the scheme in force ``today`` (default: the one the log was
    opened under) for a form's choice: id, name, category and kind; the fields an event of the rule
    takes (``takes``: count, points, level, measure, as ``rules.values`` says and ``jifen add`` asks);
    a graded rule's ``levels`` in the scheme's words, each with its points said; and what to give, in words, for a field whose
    value the rule bounds (``hints``: a range rule's points, a rate rule's threshold)."""
    assert book.scheme is not None
    scheme = book.scheme_for(today.year) if today is not None else book.scheme
    names = {c.id: c.name for c in scheme.categories}
    found = []
    for r in scheme.rules:
        values = scheme_rules.values(r)
        hints = {}
        if r.kind == "range":
            hints["points"] = messages.text("web.points-hint", lang, min=plain(r.params["min"]),
                                            max=plain(r.params["max"]))
        if r.kind == "rate":
            hints["measure"] = messages.text("web.measure-hint", lang, threshold=plain(r.params["threshold"]),
                                             step=plain(r.params.get("step") or Decimal(1)),
                                             per_step=plain(r.params["per_step"]))
        found.append({"id": r.id, "name": r.name, "category": names.get(r.category, r.category), "kind": r.kind,
                      "takes": " ".join(v.field for v in values),
                      "levels": [(c, messages.text("web.level-option", lang, level=c, points=plain(r.params["levels"][c])))
                                 for v in values if v.field == "level" for c in v.choices], "hints": hints})
    return found


def members(book: Book, today: dt.date) -> list[dict[str, str]]:
    """The members in the branch today, for a form's choice and the staff's list."""
    return [{"id": m.id, "name": m.name} for m in book.members.values() if m.in_span(today, today)]


def history(book: Book, directory: Path, lang: str) -> dict[str, Any]:
    """What ``jifen audit`` says of this ledger (``git``: False when it is not in a repository) and
    its latest commits, each with its author and the events it added in words."""
    from jifen.book import audit
    from jifen.store import gitrepo
    from jifen.store import ledger as ledger_io

    try:
        repo = gitrepo.toplevel(directory)
    except JifenError:
        return {"git": False, "violations": [], "commits": []}
    violations = audited([directory])[directory] or []
    commits = audit.changes(repo, ledger_io.locate(directory))
    return {
        "git": True,
        "violations": [{"line": v.line, "words": messages.text(v.code, lang), "commit": v.commit, "author": v.author,
                        "where": messages.text(f"audit.where.{v.where}", lang, commit=v.commit, author=v.author,
                                               date=v.date)} for v in violations],
        "commits": [{"sha": c.sha[:10], "author": c.author, "date": c.date[:19].replace("T", " "),
                     "events": [sentence(book, e, lang) for e in events]} for c, events in commits],
    }


def rollup(branches: list[tuple[str, Path]], search: list[Path] | None, year: int, today: dt.date,
           lang: str, cached: bool = True) -> dict[str, Any]:
    """The committee's page: ``jifen rollup``'s table of the branches (``(link, folder)`` each) for
    ``year``, each row with its link and what the audit says of its ledger; ``cached``: through each
    branch's cache."""
    from jifen import book as book_api
    from jifen.book import rollup as rollup_lib

    folders = [folder for _, folder in branches]
    found = rollup_lib.summaries(folders, book_api.search_path() if search is None else search, year, jobs=1,
                                 cached=cached, today=today)
    errors = {s.path: messages.text(s.error, lang, **words(s.error_args)) for s in found if s.error}
    report = reports.rollup_report(found, rollup_lib.rank(found), year, errors)
    links = {str(folder): link for link, folder in branches}
    audits = audited(folders)
    grades = [c.label for c in report.columns if c.key.startswith("grades.")]
    rows = []
    for row in report.data["branches"]:
        violations = audits.get(Path(row["path"]))
        rows.append({
            "rank": row["rank"], "branch": row["branch"] or Path(row["path"]).name, "link": links[row["path"]],
            "members": "" if row["members"] is None else row["members"], "average": number(row["average"]),
            "grades": [row["grades"].get(g, "") for g in grades], "error": row["error"],
            "audit": (messages.text("web.audit.no-git", lang) if violations is None else
                      messages.text("web.audit.edited", lang, count=len(violations)) if violations else
                      messages.text("web.audit.ok", lang)),
            "audit_ok": violations == [],
        })
    return {"year": year, "rows": rows, "grades": grades}


_AUDITED: dict[Path, Any] = {}  # repository → its history's audit as far as the server read it
_AUDITING = threading.Lock()


def audited(folders: list[Path]) -> dict[Path, Any]:
    """``audit.of_ledgers`` for a running server: each repository's history is audited once, and after
    that only the commits added since (a web append is a commit), one request at a time."""
    from jifen.book import audit

    with _AUDITING:
        return audit.of_ledgers(folders, _AUDITED)
