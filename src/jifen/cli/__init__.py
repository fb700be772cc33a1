"""The command line: parse arguments, call the library, render, exit.

One module per group of commands (``record``, ``reading``, ``workflow``, ``history``, ``serve``, ``verify``,
``desk``, ``completion``); what they share is in ``common``; ``lazy`` builds only the command that is run; ``ask``
asks for a record (the interactive add).

The entry point imports only the module of the command it runs (``MODULES``): ``jifen add`` never
imports the reports' modules. ``jifen.cli.app``, as tests and other in-process callers take it, has
every command registered.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's: the console entry imports typing (and typer) with the collector paused
if TYPE_CHECKING:
    from typing import Any

__all__ = ["app", "main"]

ORDER = ("completion", "desk", "history", "reading", "record", "serve", "verify", "workflow")  # as registered
MODULES = {  # a top-level command → the module that defines it (a group, or a name not here: every module)
    **dict.fromkeys(("import", "status"), "desk"),
    **dict.fromkeys(("audit", "merge-driver", "log"), "history"),
    **dict.fromkeys(("report", "grade", "show", "balance", "check", "rules", "rollup", "chart"), "reading"),
    **dict.fromkeys(("init", "add", "declare", "eval", "veto", "redeem", "revoke", "amend"), "record"),
    "serve": "serve",
    "verify": "verify",
    **dict.fromkeys(("approve", "reject", "notice", "appeal", "ruling", "close", "repair"), "workflow"),
}


def load(modules: tuple[str, ...] = ORDER) -> Any:
    """The application with the commands of ``modules`` (default: all) registered."""
    for name in modules:
        __import__(f"jifen.cli.{name}")  # not importlib.import_module: -X importtime sees this
    from jifen.cli.common import app

    return app


def __getattr__(name: str) -> Any:
    if name == "app":  # ``from jifen.cli import app``: every command
        return load()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def command_word(args: list[str]) -> str | None:
    """The name of the command on a command line (after ``jifen``'s own ``--lang``), None if there is none.

    >>> command_word(["--lang", "en", "add", "张三"]), command_word(["--lang=en", "grade"]), command_word(["-h"])
    ('add', 'grade', None)
    """
    at = 0
    while at < len(args):
        word = args[at]
        if word == "--lang":
            at += 2
        elif word.startswith("--lang="):
            at += 1
        else:
            return None if word.startswith("-") else word
    return None


def main() -> None:
    """Console entry point: imports only the module of the command run and builds only that command
    (see ``jifen.cli.lazy``).

    Python's cyclic garbage collector is paused while it does, and what that made is then frozen
    (``gc.freeze``): start-up (typer, the command's module, its click command) makes some 25,000
    objects that live as long as the process, and no garbage; the collector walked them some 40
    times for nothing (5–10 ms of a ``jifen add``), and would again at every later collection. A
    server started here keeps its modules for its lifetime too: nothing frozen is what a request
    could free."""
    import gc
    import os

    gc.disable()
    try:
        from jifen.cli import completion, lazy

        completing = os.environ.get(completion.VARIABLE)  # the shell asks for completions (or the script)
        module = None if completing else MODULES.get(command_word(sys.argv[1:]) or "")
        command = lazy.group(load((module,) if module else ORDER))
    finally:
        gc.freeze()
        gc.enable()
    try:
        if completing:
            raise SystemExit(completion.complete(command, os.environ[completion.VARIABLE]))
        command()
    except SystemExit as done:
        leave(done.code)
    leave(0)


def leave(code: Any) -> None:
    """End the process with ``code`` without freeing, one by one, the objects the command made
    (at 100,000 events, 0.05–0.4 s spent after the last line is printed).

    What an exit does besides is done first: stdout and stderr are flushed and the ``atexit``
    functions run (libraries' clean-ups, ``weakref.finalize``). jifen leaves nothing else to an
    exit: locks are released and files closed before a command returns, the cache's files are
    renamed into place, a git commit has finished. A normal exit is kept where that is not known
    to hold: another thread still running (a server's workers), a profiler, debugger or coverage
    watching (they report at exit), an exit code that is not a number, or a stream that cannot
    be flushed (a closed pipe: Python says so as it always has).
    Only the console entry point calls this; in-process callers (tests, the web server) never do.
    """
    import threading

    if code is None:
        code = 0
    watched = sys.getprofile() is not None or sys.gettrace() is not None
    if not isinstance(code, int) or threading.active_count() > 1 or watched:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    import atexit
    import os

    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    main()
