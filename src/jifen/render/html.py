"""The notice-board page (公示): one self-contained HTML file, printed from a browser.

No network: styles are inline, fonts come from a CJK fallback stack. Print CSS
keeps each row on one page, repeats the header on every page, fits the table
to the page width, and turns the page landscape when the table is wide.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from jifen import messages
from jifen.render.cells import cell_text, form_title, words
from jifen.reports import Report

WIDE = 11  # columns beyond which the page is printed landscape

_CSS = """
@page { size: A4 %(orientation)s; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "WenQuanYi Micro Hei", "SimSun", sans-serif; color: #111; margin: 0; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 4mm; }
p.meta { text-align: center; margin: 0 0 4mm; font-size: 10pt; }
table { width: 100%%; border-collapse: collapse; table-layout: fixed; font-size: %(font)spt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.5pt solid #333; padding: 1.2mm 1mm; text-align: center; overflow-wrap: anywhere; }
th { background: #eee; }
td.text { text-align: left; }
.notes { margin-top: 4mm; font-size: 10pt; }
.notes p { margin: 1mm 0; }
.chart { margin-top: 6mm; break-inside: avoid; page-break-inside: avoid; text-align: center; }
.chart svg { max-width: 100%%; height: auto; }
.signatures { margin-top: 10mm; display: flex; justify-content: space-between; font-size: 11pt; }
@media screen { body { max-width: 280mm; margin: 8mm auto; } }
"""


def render(report: Report, lang: str, printed: dt.date | None = None) -> str:
    """The page of ``report``; ``printed`` is the date shown under the signatures."""
    columns = report.columns
    wide = len(columns) > WIDE
    css = _CSS % {"orientation": "landscape" if wide else "portrait", "font": 8 if wide else 10}
    title = form_title(report, lang, "notice")
    head = "".join(f"<th>{escape(c.label if c.literal else messages.text(c.label, lang))}</th>" for c in columns)
    body = []
    for row in report.rows:
        cells = []
        for column in columns:
            value = cell_text(row.get(column.key), lang, column.words)
            kind = "text" if isinstance(row.get(column.key), str) and column.key in ("member", "note", "flags") else ""
            cells.append(f'<td class="{kind}">{escape(value)}</td>' if kind else f"<td>{escape(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    notes = "".join(f"<p>{escape(messages.text(code, lang, **words(args)))}</p>" for code, args in report.notes)
    signatures = messages.text("form.signatures", lang).split("    ")
    date_line = f"{printed.isoformat()}" if printed else ""
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}">
<head>
<meta charset="utf-8">
<title>{escape(title)}</title>
<style>{css}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p class="meta">{escape(date_line)}</p>
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
<div class="notes">{notes}</div>
{_chart(report, lang)}
<div class="signatures">{''.join(f'<span>{escape(s)}</span>' for s in signatures)}</div>
</body>
</html>
"""


def _chart(report: Report, lang: str) -> str:
    """The report's chart as inline SVG (nothing if it has none, or no CJK font is installed)."""
    if not report.chart or not report.chart.get("series"):
        return ""
    from jifen.errors import JifenError
    from jifen.render import chart as render_chart

    try:
        svg = render_chart.render(report.chart, "svg", lang).decode("utf-8")
    except JifenError:
        return ""
    return '<div class="chart">' + svg[svg.index("<svg"):] + "</div>"
