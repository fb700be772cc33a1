"""The notice-board page (公示) and the member card: one self-contained HTML file, printed from a browser.

No network: styles are inline, fonts come from a CJK fallback stack, the QR code of the
verification code is inline SVG. Print CSS keeps each row on one page, repeats the header on
every page, fits the table to the page width, and turns the page landscape when the table is wide.

A notice says what a branch pins up: the period in words, the notice period (or a blank line to
fill), where to object, each subject's reasons, pending declarations and open appeals, the issuing
body with room for its seal, and the code that ``jifen verify`` checks it by.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from jifen import messages
from jifen.render.cells import (
    blank_reason,
    cell_text,
    date_words,
    form_title,
    period_words,
    signed,
    visible,
    words,
)
from jifen.reports import Report

WIDE = 11  # columns beyond which the page is printed landscape

_CSS = """
@page { size: A4 %(orientation)s; margin: 12mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "WenQuanYi Micro Hei", "SimSun", sans-serif; color: #111; margin: 0; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 3mm; }
h2 { font-size: 11pt; margin: 4mm 0 1.5mm; }
p.meta { text-align: center; margin: 0 0 4mm; font-size: 11pt; }
table { width: 100%%; border-collapse: collapse; font-size: %(font)spt; }
table.fixed { table-layout: fixed; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.5pt solid #333; padding: 0.9mm 1mm; text-align: center; }
table.fixed th, table.fixed td { overflow-wrap: anywhere; }
th { background: #eee; }
td.text { text-align: left; }
td.nowrap, th.nowrap { white-space: nowrap; }
table.card td.text { overflow-wrap: normal; word-break: normal; }
table.periods { width: auto; min-width: 60mm; }
table.periods td { padding: 0.6mm 4mm; }
.notes { margin-top: 3mm; font-size: 10pt; }
.notes p { margin: 1mm 0; }
ul.reasons { margin: 0; padding-left: 0; list-style: none; font-size: 8.5pt; columns: %(columns)s; column-gap: 8mm; }
ul.reasons li { margin: 0.6mm 0; break-inside: avoid; }
.chart { margin-top: 3mm; break-inside: avoid; page-break-inside: avoid; text-align: center; }
.chart svg { max-width: 100%%; height: auto; }
.attachment { break-before: page; page-break-before: always; }
.signatures { margin-top: 8mm; display: flex; justify-content: space-between; font-size: 11pt; }
.issuer { margin-top: 4mm; display: flex; justify-content: space-between; align-items: flex-end;
          break-inside: avoid; page-break-inside: avoid; }
.verify { display: flex; align-items: center; gap: 3mm; font-size: 8pt; color: #333; max-width: 60%%; }
.verify svg { width: 22mm; height: 22mm; flex: none; }
.verify code { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; word-break: break-all; }
.body { text-align: center; font-size: 12pt; min-width: 60mm; }
.seal { display: inline-block; width: 30mm; height: 30mm; border: 0.6pt dashed #999; border-radius: 50%%;
        line-height: 30mm; color: #999; font-size: 9pt; margin-bottom: 2mm; }
.printed { margin-top: 4mm; font-size: 7pt; color: #555; text-align: right; }
@media screen { body { max-width: 280mm; margin: 8mm auto; } }
"""


def render(report: Report, lang: str, printed: dt.date | None = None, ids: bool = False,
           code: str | None = None) -> str:
    """The page of ``report``; ``printed`` is the date in the small print; ``ids`` keeps the internal
    ids of subjects; ``code`` is the verification code to print (with its QR code)."""
    if report.form in ("register", "summary"):
        return _notice(report, lang, printed, ids, code)
    if report.form == "card":
        return _card(report, lang, printed)
    return _page(report, lang, printed, ids)


def _notice(report: Report, lang: str, printed: dt.date | None, ids: bool, code: str | None) -> str:
    data = report.data
    branches = data.get("subjects") == "branches"
    body_name = visible(str(data.get("branch", "")))
    period = str(data["period"]) if "period" in data else str(data.get("year", ""))
    yearly = report.form == "summary"
    title_code = "notice.title-year" if yearly else "notice.title"
    if branches:
        title_code += ".branches"
    title = messages.text(title_code, lang, body=body_name, period=period_words(period, lang))
    columns = [c for c in report.columns if ids or c.key != "member_id"]
    table = _table(report, columns, lang, ids)
    notice = next((n for n in data.get("notice", ()) if n["period"] == period), None)
    if notice is not None:
        start, end = dt.date.fromisoformat(notice["from"]), dt.date.fromisoformat(notice["to"])
        period_line = messages.text("notice.period", lang, start=date_words(start, lang), end=date_words(end, lang))
    else:
        period_line = messages.text("notice.period-blank", lang)
    skip = ("note.notice", "note.pending", "note.appeal")
    notes = [messages.text(c, lang, **words(a)) for c, a in report.notes if c not in skip]
    given = [visible(str(n["note"])) for n in data.get("notice") or () if n.get("note")]
    if given:  # where to object, in the branch's own words (jifen notice --note)
        objection = "；".join(given)
    else:
        objection = messages.text("notice.object.branches" if branches else "notice.object", lang, body=body_name)
    above = visible(str(data["above"])) if data.get("above") else ""
    if above:
        objection += messages.text("notice.object-above", lang, above=above)
    sections = [_reasons(report, lang, ids), _pending(data, lang, ids), _appeals(data, lang, ids)]
    wide = len(columns) > WIDE
    return _document(title, wide, f"""
<h1>{escape(title)}</h1>
<p class="meta">{escape(period_line)}</p>
{table}
<div class="notes">{''.join(f'<p>{escape(n)}</p>' for n in notes)}<p>{escape(objection)}</p></div>
{''.join(sections)}
<div class="issuer">
{_verify(code, lang)}
<div class="body"><div class="seal">{escape(messages.text('notice.seal', lang))}</div>
{f'<div>{escape(above)}</div>' if above else ''}
<div>{escape(messages.text('notice.body', lang, body=body_name))}</div>
<div>{escape(messages.text('notice.date-blank', lang))}</div></div>
</div>
{_printed(printed, lang)}
{_chart(report, lang, attachment=True)}""", lang)


def _table(report: Report, columns: list, lang: str, ids: bool) -> str:
    head = "".join(f"<th>{escape(_label(c, lang))}</th>" for c in columns)
    branches = report.data.get("subjects") == "branches" if isinstance(report.data, dict) else False
    body = []
    for row in report.rows:
        cells = []
        for column in columns:
            value = cell_text(row.get(column.key), lang, column.words)
            if row.get(column.key) is None:
                value = blank_reason(row, column.key, lang, branches) or ""
            kind = "text" if isinstance(row.get(column.key), str) and column.key in ("member", "note", "flags") else ""
            cells.append(f'<td class="{kind}">{escape(value)}</td>' if kind else f"<td>{escape(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"""<table class="fixed">
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>"""


def _label(column, lang: str) -> str:
    """A column's header; a period's column (``periods.2023Q1``) in words."""
    if column.key.startswith("periods."):
        return period_words(column.key.split(".", 1)[1], lang)
    return column.label if column.literal else messages.text(column.label, lang)


def reason_text(reason: dict[str, Any], lang: str, ids: bool = False) -> str:
    """One reason of a report's row in words: ``缺席三会一课 −1×2``, ``一票否决:…``."""
    if "veto" in reason:
        text = messages.text("reason.veto", lang, reason=visible(reason["veto"]))
    else:
        name = visible(reason["name"])
        if reason.get("shared_from"):
            name = messages.text("reason.shared", lang, name=name, member=visible(reason["shared_from"]))
        text = f"{name} {signed(reason['points'])}" + (f"×{reason['count']}" if reason["count"] > 1 else "")
    if ids:
        text += " (" + ", ".join(f"#{i}" for i in reason["ids"]) + ")"
    return text


def _who(row: dict[str, Any], ids: bool, name_key: str = "member") -> str:
    name = visible(str(row.get(name_key, "")))
    return f"{name}({row['member_id']})" if ids and row.get("member_id") else name


def _reasons(report: Report, lang: str, ids: bool) -> str:
    rows = [r for r in report.data.get("rows", ()) if r.get("reasons")]
    title = escape(messages.text("notice.reasons", lang))
    if not rows:
        return f"<h2>{title}</h2><p class=\"notes\">{escape(messages.text('notice.no-reasons', lang))}</p>"
    items = "".join(
        f"<li><b>{escape(_who(r, ids))}</b>{escape(messages.text('notice.reasons-of', lang))}"
        f"{escape(messages.text('notice.reasons-between', lang).join(reason_text(x, lang, ids) for x in r['reasons']))}</li>"
        for r in rows
    )
    return f'<h2>{title}</h2><ul class="reasons">{items}</ul>'


def _pending(data: dict[str, Any], lang: str, ids: bool) -> str:
    return _listed("notice.pending", [
        messages.text("notice.pending-item", lang, who=_who(p, ids, "name"),
                      rule=visible(p.get("rule_name") or p.get("rule") or ""),
                      date=date_words(dt.date.fromisoformat(p["date"]), lang))
        for p in data.get("pending") or ()
    ], lang)


def _appeals(data: dict[str, Any], lang: str, ids: bool) -> str:
    return _listed("notice.appeals", [
        messages.text("notice.appeal-item", lang, who=_who(a, ids, "name"), reason=visible(a.get("reason") or ""),
                      date=date_words(dt.date.fromisoformat(a["date"]), lang))
        for a in data.get("appeals") or ()
    ], lang)


def _listed(heading: str, items: list[str], lang: str) -> str:
    """A section of the page: its heading and one line per item, or nothing if there are none."""
    if not items:
        return ""
    lines = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f'<h2>{escape(messages.text(heading, lang))}</h2><ul class="reasons">{lines}</ul>'


def _verify(code: str | None, lang: str) -> str:
    """The verification code in words and as an inline QR code (segno; nothing fetched)."""
    if not code:
        return "<div></div>"
    import segno

    svg = segno.make(code, error="m").svg_inline(scale=2, border=2, omitsize=True)
    return (f'<div class="verify">{svg}<div>{escape(messages.text("notice.verify", lang))}'
            f"<br><code>{escape(code)}</code></div></div>")


def _printed(printed: dt.date | None, lang: str) -> str:
    if printed is None:
        return ""
    return f'<p class="printed">{escape(messages.text("notice.printed", lang, date=printed.isoformat()))}</p>'


def _document(title: str, wide: bool, content: str, lang: str, font: int | None = None) -> str:
    css = _CSS % {"orientation": "landscape" if wide else "portrait", "font": font or (8 if wide else 10),
                  "columns": 2}
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}">
<head>
<meta charset="utf-8">
<title>{escape(title)}</title>
<style>{css}</style>
</head>
<body>{content}
</body>
</html>
"""


NOWRAP = ("id", "date", "kind", "points", "running", "running_month", "revoked")  # never broken inside


def _card(report: Report, lang: str, printed: dt.date | None) -> str:
    """A member's card (党员积分登记卡), A4 portrait: every event with the rule's name, what it counted and
    the running totals of its month and scoring period; then each period's score and the grade."""
    data = report.data
    title = form_title(report, lang, "notice")
    columns = report.printed or report.columns
    head = "".join(f'<th class="nowrap">{escape(_label(c, lang))}</th>' for c in columns)
    body = []
    for row in report.rows:
        cells = []
        for column in columns:
            value = row.get(column.key)
            text = signed(value) if column.key == "points" and value is not None else cell_text(value, lang, column.words)
            kind = "nowrap" if column.key in NOWRAP else "text"
            cells.append(f'<td class="{kind}">{escape(text)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    periods = "".join(f"<tr><td>{escape(period_words(p, lang))}</td><td>{escape(cell_text(v, lang))}</td></tr>"
                      for p, v in data.get("periods", {}).items())
    grade = data.get("grade") or {}
    grade_line = ""
    if grade.get("grade"):
        grade_line = "<p>" + escape(messages.text("card.grade", lang, period=period_words(str(grade["year"]), lang),
                                                  grade=grade["grade"], rank=grade["rank"])) + "</p>"
    if data.get("balance"):  # the points exchange: earned, spent, left
        grade_line += "<p>" + escape(messages.text("note.balance", lang, **words(data["balance"]))) + "</p>"
    sub = messages.text("card.sub", lang, body=visible(str(data.get("branch", ""))))
    return _document(title, False, f"""
<h1>{escape(title)}</h1>
<p class="meta">{escape(sub)}</p>
<table class="card">
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
<h2>{escape(messages.text("card.periods", lang))}</h2>
<table class="periods"><tbody>{periods}</tbody></table>
<div class="notes">{grade_line}</div>
{_printed(printed, lang)}""", lang, font=9)


def _page(report: Report, lang: str, printed: dt.date | None, ids: bool) -> str:
    """Any other report as a plain page: title, table, notes, signatures."""
    title = form_title(report, lang, "notice")
    table = _table(report, list(report.columns), lang, ids)
    notes = "".join(f"<p>{escape(messages.text(code, lang, **words(args)))}</p>" for code, args in report.notes)
    signatures = messages.text("form.signatures", lang).split("    ")
    return _document(title, len(report.columns) > WIDE, f"""
<h1>{escape(title)}</h1>
{table}
<div class="notes">{notes}</div>
{_chart(report, lang)}
<div class="signatures">{''.join(f'<span>{escape(s)}</span>' for s in signatures)}</div>
{_printed(printed, lang)}""", lang)


def _chart(report: Report, lang: str, attachment: bool = False) -> str:
    """The report's chart as inline SVG (nothing if it has none, or no CJK font is installed); as an
    ``attachment``, on a page of its own after the notice, so the notice itself stays one page."""
    if not report.chart or not report.chart.get("series"):
        return ""
    from jifen.errors import JifenError
    from jifen.render import chart as render_chart

    try:
        svg = render_chart.render(report.chart, "svg", lang).decode("utf-8")
    except JifenError:
        return ""
    kind = "chart attachment" if attachment else "chart"
    return f'<div class="{kind}">' + svg[svg.index("<svg"):] + "</div>"
