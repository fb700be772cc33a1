"""Problems hledger-style: ``FILE:LINE:COL: message``, the line quoted with a ``^``, one hint."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from jifen import messages
from jifen.render.cells import visible, width, words

if TYPE_CHECKING:
    from jifen.core.model import Problem


def problems(found: Iterable[Problem], lang: str) -> str:
    """Problems hledger-style: ``FILE:LINE:COL: message``, the line quoted with a ``^``, a hint."""
    from jifen.core.model import MORE, capped

    blocks = []
    lines_of: dict[str, list] = {}
    for problem in sorted(capped(found), key=lambda p: (p.code == MORE, p.sort_key())):
        where = problem.source
        message = messages.text(problem.code, lang, **words(problem.args))
        hint = messages.hint(problem.code, lang, **words(problem.args))
        if where.line <= 0 and not problem.is_error:
            message = messages.text("label.warning", lang, message=message)
        if where.line <= 0:
            blocks.append("\n".join(x for x in (messages.text("cli.said", lang, message=message), hint) if x))
            continue
        if not problem.is_error:
            message = messages.text("label.warning", lang, message=message)
        block = [f"{where}: {message}"]
        quoted = _line(lines_of, where.path, where.line)
        if quoted is not None:
            gutter = " " * len(str(where.line))
            block += [
                f"{gutter} |",
                f"{where.line} | {visible(quoted)}",
                f"{gutter} | {' ' * (_width(visible(quoted[: where.col - 1])))}^",
            ]
        if hint:
            block.append(hint)
        blocks.append("\n".join(block))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


QUOTED_BYTES = 64 * 1024 * 1024  # a file larger than this (the ledger limit) is not read to quote its lines


def _line(cache: dict[str, list], path: str, line: int) -> str | None:
    """Line ``line`` of file ``path``, found from where the last call stopped (problems come sorted),
    without splitting the whole file into lines (a log of junk has millions)."""
    if path not in cache:
        try:
            small = Path(path).stat().st_size <= QUOTED_BYTES
            cache[path] = [Path(path).read_text(encoding="utf-8", errors="replace") if small else "", 1, 0]
        except OSError:
            cache[path] = ["", 1, 0]
    entry = cache[path]
    if line < 1:
        return None
    text, at_line, at = entry if line >= entry[1] else (entry[0], 1, 0)
    while at_line < line:
        chunk = text.count("\n", at, at + 65536)
        if chunk and at_line + chunk < line:
            at, at_line = at + 65536, at_line + chunk
            continue
        found = text.find("\n", at)
        if found < 0:
            return None
        at, at_line = found + 1, at_line + 1
    entry[1:] = [at_line, at]
    end = text.find("\n", at)
    quoted = text[at:] if end < 0 else text[at:end]
    return quoted.rstrip("\r") if quoted or end >= 0 else None


def _width(text: str) -> int:
    """Terminal columns ``text`` takes (CJK characters take two)."""
    columns = width(text)
    return columns if columns >= 0 else len(text)
