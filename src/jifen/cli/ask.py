"""The interactive add (``jifen add -i``, or ``jifen add`` without a rule on a terminal): the
recorder is asked, in words, for what ``jifen add`` takes as arguments.

Each question offers completion from the roster or the scheme; each answer is checked as the
command line checks it, and a wrong one is asked again after the very message the command
line would give. The record is then shown as ``--dry-run`` shows it (the points it counts, the
period total before → after) and, once confirmed, written by the same ``record_about`` as
``jifen add``. prompt_toolkit is imported here alone, so no other command pays for it.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from jifen import errors, messages
from jifen.cli.common import (
    caching,
    complain,
    ledger_dir,
    load_book,
    member_id,
    parse_count,
    parse_date,
    parse_decimal,
    record_about,
    scheme_search,
    today_date,
    yes_or_no,
)


def add(option: Path | None, lang: str, kind: str, given: list[str], date: str | None, note: str | None,
        by: str | None, commit: bool, late: str | None, dry_run: bool = False, verbose: bool = False) -> None:
    """Ask for a ``kind`` event (score or declaration) about the ``given`` members (asked for if
    none), show it, and record it once confirmed (``dry_run``: only show it). Refused (InvalidInput)
    when stdin or stdout is not a terminal; ``Cancelled`` on Ctrl-C, Ctrl-D or 否, with nothing written."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise errors.InvalidInput("desk.not-a-terminal")
    from jifen import book

    seen = book.glance(ledger_dir(option), scheme_search(), cached=caching())
    if seen.scheme is None:
        load_book(option)  # says every problem of the ledger and its scheme
        raise errors.InvalidInput("desk.no-scheme")
    desk = _Desk(lang)
    try:
        subjects = [member_id(seen.members, name) for name in given] or [desk.ask(
            "desk.member" + (".branches" if seen.spine.subjects == "branches" else ""),
            _members(seen.members), lambda text: member_id(seen.members, text))]
        rule, values = desk.rule(seen.scheme, kind, subjects[0])
        while True:
            day = desk.ask("desk.date", (), lambda text: parse_date(text or date).isoformat(),
                           default=date or today_date().isoformat())
            said = desk.ask("desk.note", (), lambda text: text or note or None)
            answers = dict(rule=rule.id, **values, note=said, late=late)
            try:
                record_about(option, lang, kind, subjects, day, by, dry_run=True, **answers)
                break
            except errors.InvalidInput as exc:  # what only the whole record shows: a date outside the roll …
                complain(exc, lang)
        if dry_run:
            return
        if not desk.confirm():
            raise errors.Cancelled("desk.cancelled")
    except (KeyboardInterrupt, EOFError):
        raise errors.Cancelled("desk.cancelled") from None
    record_about(option, lang, kind, subjects, day, by, commit, verbose=verbose, **answers)


class _Desk:
    """The questions, asked on one prompt_toolkit session."""

    def __init__(self, lang: str) -> None:
        from prompt_toolkit import PromptSession

        self.lang = lang
        self.session: Any = PromptSession()

    def ask(self, code: str, choices: Iterable[tuple[str, str]], check: Callable[[str], Any], **args: Any) -> Any:
        """The answer to question ``code`` (its words filled with ``args``), as ``check`` makes it;
        asked again after the message of the InvalidInput ``check`` raises. ``choices``: (value, what
        it is) pairs to complete from."""
        completer = _choices(choices)
        while True:
            text = self.session.prompt(messages.text(code, self.lang, **args), completer=completer,
                                       complete_while_typing=True)
            try:
                return check(text.strip())
            except errors.InvalidInput as exc:
                complain(exc, self.lang)

    def rule(self, scheme, kind: str, subject: str) -> tuple[Any, dict[str, Any]]:
        """The rule the recorder names, and the values its kind takes (asked again together if the
        command line would refuse them: ``validate.rule_problems``)."""
        from jifen.core import rules

        rule = self.ask("desk.rule", _rules(scheme), lambda text: _rule(scheme, text, kind, subject))
        while True:
            values = {value.field: self.ask(f"desk.value.{value.field}", ((c, "") for c in value.choices),
                                            _value(value), shown=value.shown)
                      for value in rules.values(rule)}
            if scheme.category(rule.category).dedupe:
                values["ref"] = self.ask("desk.value.ref", (), lambda text: text or None)
            try:
                _checked(scheme, kind, subject, rule.id, values)
                return rule, {k: v for k, v in values.items() if v is not None}
            except errors.InvalidInput as exc:
                complain(exc, self.lang)

    def confirm(self) -> bool:
        """Whether the recorder says 是 (yes) to writing the record shown."""
        choices = [(word, "") for word in ("是", "否")]
        while True:
            text = self.session.prompt(messages.text("desk.confirm", self.lang), completer=_choices(choices))
            answer = yes_or_no(text)
            if answer is not None:
                return answer
            complain(errors.InvalidInput("desk.yes-or-no", text=text), self.lang)


def _rule(scheme, text: str, kind: str, subject: str):
    """The rule ``text`` names (``book.find_rule``), else the command line's InvalidInput for it."""
    from jifen import book

    found = book.find_rule(scheme, text)
    if found is None:
        _checked(scheme, kind, subject, text, {})  # no such rule: says so, with the nearest names
    return found


def _checked(scheme, kind: str, subject: str, rule: str, values: Mapping[str, Any]) -> None:
    """InvalidInput with the command line's words if an event under ``rule`` with ``values`` is wrong."""
    import datetime as dt

    from jifen.core import validate
    from jifen.core.model import Event, Source

    draft = Event(id=0, date=dt.date.min, kind=kind, source=Source("<answers>", 0, 0), subject=subject, rule=rule,
                  **{k: v for k, v in values.items() if v is not None})
    wrong = validate.rule_problems(draft, scheme)
    if wrong:
        raise errors.InvalidInput(wrong[0].code, **wrong[0].args)


def _value(value) -> Callable[[str], Any]:
    """How an answer to ``value`` (``rules.Value``) is read: as ``jifen add``'s option of that name."""

    def read(text: str) -> Any:
        if not text:
            if value.required:
                raise errors.InvalidInput("desk.answer-needed")
            return None
        if value.field == "count":
            return parse_count(text)
        if value.field in ("points", "measure"):
            return parse_decimal(text)
        return text

    return read


def _members(members: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Who may be named: each member on the roll by name (by id where the name is not unique), with
    the id beside it."""
    named: dict[str, int] = {}
    for member in members.values():
        named[member.name] = named.get(member.name, 0) + 1
    return [(member.name if named[member.name] == 1 else member.id, member.id) for member in members.values()
            if member.active]


def _rules(scheme) -> list[tuple[str, str]]:
    """Every rule by its name (by id where the name is not unique), with its category, id and points."""
    from jifen.core import rules

    named: dict[str, int] = {}
    for rule in scheme.rules:
        named[rule.name] = named.get(rule.name, 0) + 1
    return [(rule.name if named[rule.name] == 1 else rule.id,
             f"{scheme.category(rule.category).name} {rule.id} {rules.describe(rule)}") for rule in scheme.rules]


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _choices(pairs: Iterable[tuple[str, str]]):
    """A prompt_toolkit completer of (value, what it is) ``pairs``: those holding what was typed,
    in the value or in what it is (``三`` finds 张三, ``m02`` finds 李四), those starting with it first."""
    from prompt_toolkit.completion import Completer, Completion

    pairs = list(pairs)

    class Choices(Completer):
        def get_completions(self, document, complete_event):
            typed = _key(document.text_before_cursor.strip())
            found = [(value, about) for value, about in pairs if typed in _key(value) or typed in _key(about)]
            found.sort(key=lambda pair: not _key(pair[0]).startswith(typed))
            for value, about in found:
                yield Completion(value, start_position=-len(document.text_before_cursor), display_meta=about or None)

    return Choices()
