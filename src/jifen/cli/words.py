"""The words around jifen's own in the command line: help pages and usage errors in the reader's
language, from the catalogue, laid out by display width.

typer vendors click without gettext: its section titles, metavars, ``[default: …]`` and usage
errors are English. Every group and command of jifen is made from the classes here (``Typer``
gives them to typer), which print those words from ``jifen.messages`` instead:

- the help of a command is the catalogue's ``help.<path>`` (``help.member.add``), its example
  ``example.<path>``; the help of an option or argument is the catalogue code given as its
  ``help=`` (``opt.date``), an argument's name ``metavar.<name>``;
- a usage error is said by ``said(exc, lang)``, which reads the exception's fields (its
  parameter, option, possibilities) and, where click gives only a sentence, matches the sentence;
- lines are wrapped by display columns: a CJK character takes two (``columns``).

The language is ``--lang`` as given on the command line (read before parsing, so that an error
while parsing is said in it too), else $JIFEN_LANG, else Chinese.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

import typer
from typer import _click as click  # typer's own copy of click, which its commands are made of
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import Abort  # where typer's click keeps it (not in its exceptions module)

from jifen import messages

LANG = "jifen.lang"  # key in a context's meta (shared by a command's context and its group's): --lang as given


# --- the language --------------------------------------------------------------------------------


def asked(args: Sequence[str]) -> str | None:
    """The value given to ``--lang`` among the words of a command line, None if not given."""
    for at, word in enumerate(args):
        if word == "--":
            break
        if word == "--lang" and at + 1 < len(args):
            return args[at + 1]
        if word.startswith("--lang="):
            return word.partition("=")[2]
    return None


def lang_of(ctx: Any | None = None) -> str:
    """The language of ``ctx`` (else of the command being run): ``--lang``, else $JIFEN_LANG, else zh."""
    if ctx is None:
        ctx = click.globals.get_current_context(silent=True)
    return messages.lang_from_env(ctx.meta.get(LANG) if ctx is not None else None)


# --- display width ---------------------------------------------------------------------------------

CLOSING = "，。、：；！？）》」』】…"  # a line never starts with these
OPENING = "（《「『【"  # nor ends with these


def tokens(text: str) -> list[str]:
    """``text`` cut where a line may break: a wide (CJK) character with the punctuation that holds to
    it, a run of other characters, a run of spaces."""
    found: list[list] = []  # [text, kind]: space, word, wide, open
    for c in text:
        last = found[-1] if found else None
        kind = ("space" if c.isspace() else "open" if c in OPENING else "close" if c in CLOSING
                else "wide" if unicodedata.east_asian_width(c) in "WF" else "word")
        if last is not None and (kind == last[1] in ("space", "word") or last[1] == "open"
                                 or (kind == "close" and last[1] != "space")):
            last[0] += c
            last[1] = kind if last[1] == "open" else last[1]
        else:
            found.append([c, kind])
    return [token for token, _ in found]


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes: two for a wide (CJK) character, none for a combining one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` columns, broken at spaces or between CJK characters
    (never before closing punctuation); a word longer than a line gets a line of its own."""
    lines: list[str] = []
    line = ""
    for token in tokens(" ".join(text.split())):
        if line and columns(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        elif line or not token.isspace():
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def shortened(text: str, width: int) -> str:
    """The first sentence of ``text``, cut with … to ``width`` columns."""
    first = re.split(r"(?<=。)|(?<=\.)\s", text.strip(), maxsplit=1)[0].strip()
    if columns(first) <= width:
        return first
    while first and columns(first) > width - 1:
        first = first[:-1]
    return first.rstrip() + "…"


class Formatter(click.formatting.HelpFormatter):
    """click's help formatter, measuring by display columns, its headings and usage line from the catalogue."""

    def __init__(self, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lang = lang

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        start = f"{' ' * self.current_indent}{messages.text('usage.usage', self.lang)}{prog} "
        hang = " " * columns(start)
        lines = wrap(args, max(self.width - columns(start), 20)) or [""]
        self.write(start + lines[0] + "\n" + "".join(hang + line + "\n" for line in lines[1:]))

    def write_heading(self, heading: str) -> None:
        self.write(f"{' ' * self.current_indent}{messages.text(heading, self.lang)}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        paragraphs = text.split("\n\n")
        self.write("\n\n".join("\n".join(indent + line for line in wrap(p, self.width - self.current_indent))
                               for p in paragraphs) + "\n")

    def write_lines(self, text: str) -> None:
        """``text``'s lines (commands to type), indented; a line too long for the width is continued
        on the next with a shell's `` \\``."""
        indent = " " * self.current_indent
        for line in text.splitlines():
            parts = [""]
            for word in line.split(" "):
                room = self.width - self.current_indent - (4 if len(parts) > 1 else 0) - 2
                if parts[-1] and columns(parts[-1] + " " + word) > room:
                    parts.append(word)
                else:
                    parts[-1] = f"{parts[-1]} {word}" if parts[-1] else word
            self.write(" \\\n".join(indent + ("    " if at else "") + part for at, part in enumerate(parts)) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first = min(max((columns(term) for term, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for term, text in rows:
            lines = wrap(text, max(self.width - self.current_indent - first, 10)) or [""]
            if columns(term) <= first - col_spacing:
                self.write(indent + term + " " * (first - columns(term)) + lines[0] + "\n")
            else:
                self.write(indent + term + "\n" + indent + " " * first + lines[0] + "\n")
            self.write("".join(indent + " " * first + line + "\n" for line in lines[1:]))


class Context(typer.Context):
    """A context whose help is formatted by ``Formatter`` in its language."""

    def make_formatter(self) -> Formatter:
        return Formatter(lang_of(self), width=self.terminal_width, max_width=self.max_content_width)


# --- help pages ---------------------------------------------------------------------------------


def path(ctx: Any) -> str:
    """The catalogue key part that names ``ctx``'s command: ``jifen``, ``add``, ``member.add``."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return ".".join(reversed(names)) or "jifen"


def said_text(code: str | None, lang: str) -> str:
    """A help text given as a catalogue code, in ``lang`` (a text that is not a code, as it is)."""
    return messages.text(code, lang) if code and messages.known(code) else code or ""


def metavar(param: Any, lang: str) -> str:
    """How an argument is named on the help page and in errors: ``党员``, ``党员... 规则``. As in click,
    a metavar the command gives (``[OLD] NEW``) is the argument's whole shape: no ``...`` is added."""
    code = f"metavar.{param.name}"
    name = messages.text(code, lang) if messages.known(code) else (param.metavar or param.name or "").upper()
    return name + ("..." if param.nargs != 1 and param.metavar is None and "..." not in name else "")


def _term(param: Any, term: str, lang: str) -> str:
    if param.param_type_name == "argument":
        return metavar(param, lang)
    def said(found: re.Match) -> str:  # <str> → <文字>
        code = f"metavar.{found.group(1)}"
        return f"<{messages.text(code, lang)}>" if messages.known(code) else found.group()

    return re.sub(r"<(\w+)>", said, term)


def _extras(param: Any, text: str, lang: str) -> str:
    """``[default: x; required]`` of click's help record, in ``lang``."""
    inner = text.strip()[1:-1] if text.strip().startswith("[") else ""
    words = []
    for part in filter(None, inner.split("; ")):
        if part.startswith("default: "):
            words.append(messages.text("usage.default", lang, value=part.removeprefix("default: ")))
        elif part == "required":
            words.append(messages.text("usage.required", lang))
        elif isinstance(param.type, click.types._NumberRangeBase):
            words.append(_range(param.type, lang))
        else:
            words.append(part)
    return ("  [" + messages.text("usage.separator", lang).join(words) + "]") if words else ""


def _range(kind: Any, lang: str) -> str:
    if kind.min is not None and kind.max is not None:
        return messages.text("usage.range", lang, min=kind.min, max=kind.max)
    if kind.min is not None:
        return messages.text("usage.range-min", lang, min=kind.min)
    return messages.text("usage.range-max", lang, max=kind.max)


class Speaks:
    """What jifen's groups and commands share: the language read from the command line, help pages
    from the catalogue, usage errors said in words."""

    context_class = Context

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        chosen = asked(args)
        if chosen:
            ctx.meta[LANG] = chosen
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except click.exceptions.UsageError as exc:
            if exc.ctx is None:  # the option parser raises some without it: the usage line needs it
                exc.ctx, exc.cmd = ctx, self
            raise

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        lang = lang_of(ctx)
        pieces = [messages.text("usage.options-metavar", lang)] if self.options_metavar else []  # type: ignore[attr-defined]
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if param.param_type_name == "argument":
                pieces.append(metavar(param, lang) if param.required else f"[{metavar(param, lang)}]")
        return pieces

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        code = f"help.{path(ctx)}"
        text = (messages.text(code, formatter.lang) if messages.known(code)
                else (self.help or "").partition("\f")[0])  # type: ignore[attr-defined]
        if text.strip():
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        lang = formatter.lang
        rows: dict[str, list[tuple[str, str]]] = {"argument": [], "option": []}
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = param.get_help_record(ctx)
            if record is None or param.param_type_name not in rows:
                continue
            term, text = record
            code = "usage.help-option" if param is self.get_help_option(ctx) else param.help or ""  # type: ignore[attr-defined]
            extras = text[len(param.help or ""):] if text.startswith(param.help or "") else ""
            rows[param.param_type_name].append((_term(param, term, lang), said_text(code, lang) + _extras(param, extras, lang)))
        for kind, heading in (("argument", "usage.arguments"), ("option", "usage.options")):
            if rows[kind]:
                with formatter.section(heading):
                    formatter.write_dl(rows[kind])

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        code = f"example.{path(ctx)}"
        if messages.known(code):
            with formatter.section("usage.example"):
                formatter.write_lines(messages.text(code, formatter.lang))

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        """click's ``main``, but a usage error is said by ``said`` in the reader's language."""
        run = super().main  # type: ignore[misc]
        if not standalone_mode:
            return run(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            result = run(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.ClickException as exc:
            show(exc)
            sys.exit(exc.exit_code)
        except Abort:
            typer.echo(messages.text("usage.aborted", lang_of(None)), err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)  # not standalone, an Exit comes back as its code


class Command(Speaks, TyperCommand):
    """A jifen command."""


class Group(Speaks, TyperGroup):
    """A jifen group of commands."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [*super().collect_usage_pieces(ctx), messages.text("usage.command-metavar", lang_of(ctx))]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        prefix = "" if ctx.parent is None else path(ctx) + "."
        shown = [(name, command) for name in self.list_commands(ctx)
                 if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        if not shown:
            return
        room = formatter.width - formatter.current_indent - 4 - max(columns(name) for name, _ in shown)
        rows = [(name, shortened(said_text(f"help.{prefix}{name}", formatter.lang) if messages.known(f"help.{prefix}{name}")
                                 else command.help or "", room)) for name, command in shown]
        with formatter.section("usage.commands"):
            formatter.write_dl(rows)


class Typer(typer.Typer):
    """A ``typer.Typer`` whose group and commands are ``Group`` and ``Command``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cls=Group, **kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", Command)
        return super().command(*args, **kwargs)


# --- usage errors ----------------------------------------------------------------------------------

# click's sentences that carry no fields to read (regular expressions, compiled when first used), as
# catalogue codes: the named groups become the placeholders
SENTENCES = (
    (r"Option '(?P<option>[^']+)' requires (an argument|(?P<count>\d+) arguments)\.?", "usage.needs-value"),
    (r"Option '(?P<option>[^']+)' does not take a value\.?", "usage.takes-no-value"),
    (r"No such command '(?P<name>[^']*)'\.?( Did you mean (?P<similar>.+)\?)?", "usage.no-such-command"),
    (r"Got unexpected extra argument(\(s\)|s?) \((?P<words>.*)\)", "usage.extra-arguments"),
    (r"Missing command\.?", "usage.missing-command"),
    (r"(?P<value>.*) is not a valid (?P<kind>[\w ]+)\.?", "usage.not-a"),
    (r"(?P<value>.*) is not in the range .*", "usage.out-of-range"),
)


def said(exc: Any, lang: str) -> str:
    """What the usage error ``exc`` reports, in ``lang``."""
    param = getattr(exc, "param", None)
    if isinstance(exc, click.exceptions.MissingParameter) and param is not None:
        if param.param_type_name == "argument":
            return messages.text("usage.missing-argument", lang, name=metavar(param, lang))
        return messages.text("usage.missing-option", lang, name=" / ".join(param.opts))
    if isinstance(exc, click.exceptions.NoSuchOption):
        similar = ", ".join(sorted(exc.possibilities or ()))
        return messages.text("usage.no-such-option", lang, name=exc.option_name) + (
            messages.text("usage.did-you-mean", lang, similar=similar) if similar else "")
    sentence = _sentence(exc.message, param, lang)
    if isinstance(exc, click.exceptions.BadParameter) and param is not None:
        name = metavar(param, lang) if param.param_type_name == "argument" else " / ".join(param.opts)
        return messages.text("usage.bad-value", lang, name=name, why=sentence)
    return sentence


def _sentence(message: str, param: Any, lang: str) -> str:
    for pattern, code in SENTENCES:
        found = re.fullmatch(pattern, message.strip())
        if found is None:
            continue
        words = {k: v or "" for k, v in found.groupdict().items()}
        if code == "usage.no-such-command" and words["similar"]:
            return (messages.text(code, lang, name=words["name"])
                    + messages.text("usage.did-you-mean", lang, similar=words["similar"]))
        if code == "usage.out-of-range" and param is not None:
            return messages.text(code, lang, value=words["value"], range=_range(param.type, lang))
        if code == "usage.not-a":
            kind = f"metavar.{words['kind'].split()[-1]}"
            return messages.text(code, lang, value=words["value"], kind=said_text(kind, lang))
        return messages.text(code, lang, **words)
    return message


def show(exc: Any) -> None:
    """Print the click exception ``exc`` to stderr as jifen says a usage error."""
    ctx = getattr(exc, "ctx", None)
    lang = lang_of(ctx) if ctx is not None else lang_of(None)
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        typer.echo(ctx.get_help(), err=True)
        return
    lines: list[str] = []
    if isinstance(exc, click.exceptions.UsageError) and ctx is not None:
        lines.append(ctx.get_usage())
    lines.append(messages.text("usage.error", lang, message=said(exc, lang)))
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        lines.append(messages.text("usage.try", lang, command=f"{ctx.command_path} {ctx.help_option_names[0]}"))
    typer.echo("\n".join(lines), err=True)

