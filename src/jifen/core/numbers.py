"""Numbers as people read them: rounded half-up once, at the edge, and written without noise.

Every report, renderer and message writes a number through ``plain``; every
score shown (and ranked, and graded) is ``shown``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def shown(value: Decimal, precision: int) -> Decimal:
    """``value`` rounded half-up (四舍五入) to ``precision`` decimals: what is displayed.

    >>> str(shown(Decimal("100.245"), 2)), str(shown(Decimal("90.4166"), 2))
    ('100.25', '90.42')
    """
    return value.quantize(_QUANTA.get(precision) or Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


_QUANTA = {precision: Decimal(1).scaleb(-precision) for precision in range(7)}  # a scheme's precision is 0 to 6


def plain(value: Decimal | None) -> str:
    """A decimal as text with no exponent and no trailing zeros: ``100``, ``92.5``; None as "".

    >>> plain(Decimal("100.00")), plain(Decimal("-0.50")), plain(Decimal("1E+1")), plain(None)
    ('100', '-0.5', '10', '')
    """
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
