"""Reports as data: each function turns standings into a ``Report`` (no printing).

A report has a title, columns and rows for tables (table, CSV, markdown), and
``data``: the JSON document, whose shape is a contract (docs/commands.md).
Column labels are catalogue codes, or literal text from the scheme.

One module per report; this face names them for the callers.
"""

from jifen.reports.balance import balance_report
from jifen.reports.base import Column, Report
from jifen.reports.chart import chart_data
from jifen.reports.events import events_report
from jifen.reports.grade import grade_report
from jifen.reports.handbook import handbook_report
from jifen.reports.members import members_report
from jifen.reports.period import period_report
from jifen.reports.rollup import rollup_report
from jifen.reports.schemediff import scheme_diff_report
from jifen.reports.schemes import scheme_report, schemes_report
from jifen.reports.show import show_report
from jifen.reports.status import status_report

__all__ = ["Column", "Report", "balance_report", "chart_data", "events_report", "grade_report", "handbook_report", "members_report",
           "period_report", "rollup_report", "scheme_diff_report", "scheme_report", "schemes_report", "show_report", "status_report"]
