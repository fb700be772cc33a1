"""The command line: parse arguments, call the library, render, exit.

One module per group of commands (``record``, ``reading``, ``workflow``, ``history``, ``serve``, ``verify``, ``desk``); what they
share is in ``common``; ``lazy`` builds only the command that is run.
"""

from __future__ import annotations

from jifen.cli import desk, history, reading, record, serve, verify, workflow  # noqa: F401  (registers the commands)
from jifen.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point: builds only the command that is run (see ``jifen.cli.lazy``)."""
    from jifen.cli import lazy

    lazy.group(app)()


if __name__ == "__main__":
    main()
