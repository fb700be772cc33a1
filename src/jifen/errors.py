"""Exceptions that mean "cannot go on", and the exit codes, in one place.

Exit codes (documented in docs/commands.md):

- ``0`` OK: the command did what it was asked.
- ``1`` PROBLEMS: the command ran, and found problems (``jifen check``).
- ``2`` UNUSABLE: the input cannot be used (bad arguments, an unreadable or
  invalid ledger or scheme, an event that would be wrong; the interactive add
  cancelled with Ctrl-C, Ctrl-D or 否). Nothing was written.
- ``3`` PARTIAL: something was written, but not all that was asked (an event
  appended but not committed to git; a write that failed and could not be taken
  back). The message says what is in the file now and what to do; running the
  same command again would record the event twice.

Only ``jifen.cli`` catches these. The message words are not here: an error
carries a catalogue code and its arguments (see ``jifen.messages``), plus the
problems that caused it, if any.
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_UNUSABLE = 2
EXIT_PARTIAL = 3


class JifenError(Exception):
    """Something the user gave cannot be used; nothing was written."""

    exit_code = EXIT_UNUSABLE

    def __init__(self, code: str, problems: tuple = (), **args: Any) -> None:
        super().__init__(code)
        self.code = code
        self.args_ = args
        self.problems = tuple(problems)


class LedgerNotFound(JifenError):
    """No ledger at the given place, or none could be chosen."""


class InvalidInput(JifenError):
    """A ledger, a scheme or an argument has problems (listed in ``problems``)."""


class WriteRefused(JifenError):
    """An append was refused to keep the ledger whole."""


class PartlyWritten(JifenError):
    """Part of what was asked was written: an append not committed, or a write cut short and not undone."""

    exit_code = EXIT_PARTIAL


class Cancelled(JifenError):
    """The recorder cancelled a question or said no to a record (the interactive add): nothing was written."""
