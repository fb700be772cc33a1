"""Building only the command that is run.

typer turns every registered command into a click command on each start, by
inspecting each function's signature and annotations: ~60 ms for jifen's thirty
commands, more than the rest of a ``jifen add --help``. ``group(app)`` gives the
same click group with each command built on first use; the top-level help lists
the commands from their names and docstrings alone. ``tests/test_cli.py`` holds
the help of every command equal to what typer builds eagerly.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any

import typer
import typer.main as typer_main
from typer.models import CommandInfo, TyperInfo

from jifen.cli.words import Command, Group


class LazyGroup(Group):
    """A typer group whose subcommands are built when first asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {}  # name → (build, stand-in)
        self._listing = False

    def defer(self, name: str, build: Callable[[], Any], stand_in: Callable[[], Any]) -> None:
        """Add command ``name``, made by ``build()`` when run; ``stand_in()`` lists it in the help."""
        self.pending[name] = (build, stand_in)
        self.commands[name] = None  # keeps the order of registration  # type: ignore[assignment]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.pending:
            build, stand_in = self.pending[cmd_name]
            if self._listing:
                return stand_in()
            del self.pending[cmd_name]
            self.commands[cmd_name] = build()
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        """The commands (by name, with their first line) a Tab offers, without building them."""
        self._listing = True
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._listing = False


def group(app: typer.Typer) -> LazyGroup:
    """``app`` as a click group that builds each of its commands (and sub-groups) on first use."""
    return _group(TyperInfo(app), app)


def _group(info: TyperInfo, app: typer.Typer) -> LazyGroup:
    options = {"pretty_exceptions_short": app.pretty_exceptions_short, "rich_markup_mode": app.rich_markup_mode}
    bare = copy.copy(info.typer_instance)
    bare.registered_commands, bare.registered_groups = [], []
    bare.info = copy.copy(bare.info)
    bare.info.cls = LazyGroup
    shell = copy.copy(info)
    shell.typer_instance = bare
    made = typer_main.get_group_from_info(shell, suggest_commands=app.suggest_commands, **options)
    assert isinstance(made, LazyGroup)
    for command in info.typer_instance.registered_commands:
        name = command.name or typer_main.get_command_name(command.callback.__name__)
        made.defer(name, lambda c=command: typer_main.get_command_from_info(c, **options),
                   lambda c=command, n=name: _stand_in(c, n))
    for sub in info.typer_instance.registered_groups:
        made.defer(sub.name, lambda s=sub: _group(s, app),
                   lambda s=sub: Group(name=s.name, help=typer_main.solve_typer_info_help(s)))
    return made


def _stand_in(command: CommandInfo, name: str) -> Command:
    """A command without its parameters: enough for a line of the top-level help."""
    text = inspect.cleandoc(command.help) if command.help is not None else inspect.getdoc(command.callback)
    return Command(name=name, help=text,
                        short_help=command.short_help, hidden=command.hidden, deprecated=command.deprecated)
