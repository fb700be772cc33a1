"""Reports as JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jifen.reports import Report


def render(report: Report) -> str:
    """``report``'s JSON document (its shape is a contract: docs/commands.md). JSON escapes C0 itself;
    DEL and C1 are escaped here (valid JSON either way)."""
    text = json.dumps(report.data, ensure_ascii=False, indent=2, default=_json_value) + "\n"
    return text if text.isascii() else text.translate(_JSON_ESCAPES)


_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)}


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
