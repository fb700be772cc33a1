"""The command line: parse arguments, call the library, render, exit.

One module per group of commands (``record``, ``reading``, ``workflow``, ``history``, ``serve``, ``verify``,
``desk``, ``completion``); what they share is in ``common``; ``lazy`` builds only the command that is run; ``ask``
asks for a record (the interactive add).
"""

from __future__ import annotations

from jifen.cli import completion, desk, history, reading, record, serve, verify, workflow  # noqa: F401  (registers the commands)
from jifen.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point: builds only the command that is run (see ``jifen.cli.lazy``)."""
    import os

    from jifen.cli import lazy

    command = lazy.group(app)
    if os.environ.get(completion.VARIABLE):  # the shell asks for completions (or the script)
        raise SystemExit(completion.complete(command, os.environ[completion.VARIABLE]))
    command()


if __name__ == "__main__":
    main()
