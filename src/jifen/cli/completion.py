"""Shell completion (bash and zsh): commands and options from click, and what only a ledger knows
(members by id and name, rules by id and name, events by id with their words) from the ledger
the command line names (``--ledger``, $JIFEN_LEDGER or the current folder).

The shell runs ``jifen`` on every Tab with ``_JIFEN_COMPLETE=bash_complete`` (or
``zsh_complete``) and the words typed so far (``COMP_WORDS``, ``COMP_CWORD``); ``jifen.cli.main``
hands that to ``complete`` before anything else. The ledger is read at a glance
(``book.glance``: its spine through the cache, nothing replayed), and a Tab outside a ledger,
or in a broken one, offers nothing rather than a traceback. ``jifen completion show`` prints the
script, ``jifen completion install`` writes it where the shell reads it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from typer import _click as click  # typer's own click: jifen's commands are its classes

from jifen import messages
from jifen.cli import words
from jifen.cli.common import app, handled, lang_of

VARIABLE = "_JIFEN_COMPLETE"  # the variable the scripts set; click's name for a program called jifen
SHELLS = ("bash", "zsh")
EVENTS_OFFERED = 40  # the latest events offered for a target: the ones a correction is usually about


def complete(command: click.Command, instruction: str) -> int:
    """Answer the shell's ``instruction`` for ``command``: ``bash_complete`` or ``zsh_complete``
    (the candidates for the words in COMP_WORDS), ``bash_source`` or ``zsh_source`` (the script)."""
    shell, _, what = instruction.partition("_")
    if shell not in SHELLS or what not in ("complete", "source"):
        return 1
    made = _shell_class(shell)(command, {}, "jifen", VARIABLE)
    typer.echo(made.complete() if what == "complete" else made.source(), nl=what == "complete")
    return 0


# --- what a ledger offers ---------------------------------------------------------------------


def _glance(ctx: click.Context):
    """The ledger the words typed so far name, at a glance; None if there is none to read."""
    from jifen import book
    from jifen.cli.common import caching, ledger_dir, scheme_search

    root = ctx
    while root is not None and root.params.get("ledger") is None:
        root = root.parent
    given = root.params["ledger"] if root else None  # as typed: options are not converted while completing
    try:
        return book.glance(ledger_dir(Path(given) if given else None), scheme_search(), cached=caching())
    except Exception:  # noqa: BLE001  a Tab never shows a traceback: outside a ledger it offers nothing
        return None


def _matching(pairs: list[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    return [(value, about) for value, about in pairs if value.startswith(incomplete)]


def _members(seen) -> list[tuple[str, str]]:
    """Each member on the roll by name and by id, the other beside it."""
    members = [m for m in seen.members.values() if m.active]
    return [(m.name, m.id) for m in members if " " not in m.name] + [(m.id, m.name) for m in members]


def _rules(seen) -> list[tuple[str, str]]:
    """Each rule by Chinese name (where one word) and by id, with its category and points."""
    from jifen.core import rules

    scheme = seen.scheme
    if scheme is None:
        return []
    found = []
    for rule in scheme.rules:
        about = f"{scheme.category(rule.category).name}·{rule.name} {rules.describe(rule)}"
        if not any(ch.isspace() for ch in rule.name):
            found.append((rule.name, f"{rule.id} {rules.describe(rule)}"))
        found.append((rule.id, about))
    return found


def complete_members(ctx: click.Context, incomplete: str) -> list[tuple[str, str]]:
    """Members on the roll (``jifen add 张<Tab>``)."""
    seen = _glance(ctx)
    return _matching(_members(seen), incomplete) if seen else []


def complete_words(ctx: click.Context, incomplete: str) -> list[tuple[str, str]]:
    """``add``'s and ``declare``'s words: members, then (after one) rules too."""
    seen = _glance(ctx)
    if seen is None:
        return []
    offered = _members(seen) + (_rules(seen) if ctx.params.get("words") else [])
    return _matching(offered, incomplete)


def complete_rules(ctx: click.Context, incomplete: str) -> list[tuple[str, str]]:
    """Rules of the ledger's scheme (``amend --rule``)."""
    seen = _glance(ctx)
    return _matching(_rules(seen), incomplete) if seen else []


def complete_events(ctx: click.Context, incomplete: str) -> list[tuple[str, str]]:
    """The latest events by id, newest first, each with its words (``jifen revoke <Tab>``)."""
    from jifen import book

    seen = _glance(ctx)
    if seen is None:
        return []
    lang = lang_of(None)
    offered = []
    for event in seen.latest(EVENTS_OFFERED):
        code, args = book.describe(event, seen.members, seen.scheme)
        offered.append((str(event.id), " ".join(messages.text(code, lang, **args).split())))
    return _matching(offered, incomplete)


# --- the scripts --------------------------------------------------------------------------------
# Both are click's, as typer's vendored click leaves them out, with one change in bash: several
# candidates are shown each with its words (an event's, a member's id), and the one chosen goes in alone.

_BASH = """\
%(complete_func)s() {
    local IFS=$'\\n'
    local response completion type value help
    local -a values shown
    response=$(env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD \
%(complete_var)s=bash_complete $1 2>/dev/null)
    COMPREPLY=()
    for completion in $response; do
        IFS=$'\\t' read -r type value help <<< "$completion"
        if [[ $type == 'dir' ]]; then
            compopt -o dirnames
            return 0
        elif [[ $type == 'file' ]]; then
            compopt -o default
            return 0
        fi
        values+=("$value")
        shown+=("$value${help:+  ($help)}")
    done
    if (( ${#values[@]} > 1 )); then
        COMPREPLY=("${shown[@]}")
    else
        COMPREPLY=("${values[@]}")
    fi
    return 0
}

complete -o nosort -F %(complete_func)s %(prog_name)s
"""

_ZSH = """\
#compdef %(prog_name)s

%(complete_func)s() {
    local -a completions
    local -a completions_with_descriptions
    local -a response
    (( ! $+commands[%(prog_name)s] )) && return 1

    response=("${(@f)$(env COMP_WORDS="${words[*]}" COMP_CWORD=$((CURRENT-1)) \
%(complete_var)s=zsh_complete %(prog_name)s 2>/dev/null)}")

    for type key descr in ${response}; do
        if [[ "$type" == "plain" ]]; then
            if [[ "$descr" == "_" ]]; then
                completions+=("$key")
            else
                completions_with_descriptions+=("$key":"$descr")
            fi
        elif [[ "$type" == "dir" ]]; then
            _path_files -/
        elif [[ "$type" == "file" ]]; then
            _path_files -f
        fi
    done

    if [ -n "$completions_with_descriptions" ]; then
        _describe -V unsorted completions_with_descriptions -U
    fi

    if [ -n "$completions" ]; then
        compadd -U -V unsorted -a completions
    fi
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    %(complete_func)s "$@"
else
    compdef %(complete_func)s %(prog_name)s
fi
"""


def _shell_class(shell: str):
    """The completion of ``shell`` (bash or zsh): its script, and how it reads the words typed and
    writes the candidates."""
    from typer._click.shell_completion import ShellComplete, split_arg_string

    class Shell(ShellComplete):
        name = shell
        source_template = _BASH if shell == "bash" else _ZSH

        def source_vars(self) -> dict:
            return {"complete_func": self.func_name, "complete_var": self.complete_var, "prog_name": self.prog_name}

        def get_completion_args(self) -> tuple[list[str], str]:
            words = split_arg_string(os.environ.get("COMP_WORDS", ""))
            at = int(os.environ.get("COMP_CWORD") or len(words))
            return words[1:at], words[at] if at < len(words) else ""

        def format_completion(self, item) -> str:
            help = " ".join((item.help or "").split())
            if shell == "bash":
                return f"{item.type}\t{item.value}\t{help}"
            value = item.value.replace(":", r"\:") if help else item.value
            return f"{item.type}\n{value}\n{help or '_'}"

    return Shell


def script(shell: str) -> str:
    """The completion script of ``shell`` (bash or zsh) for jifen."""
    return _shell_class(shell)(None, {}, "jifen", VARIABLE).source()  # the script needs no command


def place(shell: str) -> Path:
    """Where ``shell`` reads jifen's completion from, for this user: bash-completion's folder of
    completions loaded on demand, and a folder on zsh's ``fpath``."""
    home = Path.home()
    if shell == "bash":
        data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
        base = Path(os.environ["BASH_COMPLETION_USER_DIR"]) if os.environ.get("BASH_COMPLETION_USER_DIR") else data / "bash-completion"
        return base / "completions" / "jifen"
    return home / ".zfunc" / "_jifen"


# --- the commands -------------------------------------------------------------------------------

completion_app = words.Typer(help="Shell completion for bash and zsh: commands, options, members, rules, events.",
                             no_args_is_help=True, rich_markup_mode=None)
app.add_typer(completion_app, name="completion")

ShellArg = Annotated[str, typer.Argument(help="arg.shell", autocompletion=lambda: list(SHELLS))]
LangOpt = Annotated[str | None, typer.Option("--lang", help="opt.lang",
                                             show_default=False)]


def _shell(shell: str) -> str:
    from jifen import errors

    if shell not in SHELLS:
        raise errors.InvalidInput("yaml.want-choice", field="SHELL", text=shell, choices=", ".join(SHELLS))
    return shell


@completion_app.command("show")
@handled
def show(shell: ShellArg, lang: LangOpt = None) -> None:
    """Print the completion script of a shell (to read it, or to put it somewhere yourself)."""
    typer.echo(script(_shell(shell)), nl=False)


@completion_app.command("install")
@handled
def install(shell: Annotated[str | None, typer.Argument(help="arg.shell.completion-install", show_default=False,
                                                        autocompletion=lambda: list(SHELLS))] = None,
            lang: LangOpt = None) -> None:
    """Write the completion script where the shell reads it, and say where (and what to add to the
    shell's start-up file, if anything)."""
    chosen = _shell(shell or Path(os.environ.get("SHELL") or "bash").name)
    path = place(chosen)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script(chosen), encoding="utf-8")
    words = lang_of(lang)
    typer.echo(messages.text("completion.installed", words, shell=chosen, path=str(path)))
    typer.echo(messages.text(f"completion.then.{chosen}", words, path=str(path), folder=str(path.parent)))
