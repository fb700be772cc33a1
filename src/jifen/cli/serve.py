"""The web front end's accounts (``jifen user invite``).

The web libraries (Starlette, uvicorn, argon2) are imported here only inside
the commands that need them, so that every other command starts as fast as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from jifen import messages
from jifen.cli.common import (
    LangOpt,
    LedgerOpt,
    handled,
    lang_of,
    ledger_dir,
    member_id,
    open_book,
    user_app,
)


@user_app.command("invite")
@handled
def invite(
    name: Annotated[str, typer.Argument(help="The person's name: a member's name or id in the roster, or (for a supervisor) any name.")],
    role: Annotated[str, typer.Option("--role", help="党员 (member), 记分员 (recorder), 书记 (secretary) or 监督员 (supervisor).")] = "党员",
    ledger: LedgerOpt = None,
    lang: LangOpt = None,
) -> None:
    """Invite a person to the web pages: prints a one-time code to sign in with (then they set a password).

    Inviting someone again resets their account: a new code, the old password and sessions gone.
    """
    from jifen.core import roster
    from jifen.web import accounts

    lang = lang_of(lang)
    directory = ledger_dir(ledger)
    chosen = accounts.role_of(role)
    book = open_book(directory).usable()
    found, _ = roster.resolve(book.members, name)
    if found is None and chosen == "member":
        member_id(book.members, name)  # says why: nobody, or several, are called that
    shown = book.members[found].name if found else accounts.check_name(name)
    code = accounts.invite(directory, shown, chosen, found, dt.datetime.now())
    typer.echo(messages.text("user.invited", lang, name=shown, role=messages.text(f"role.{chosen}", lang),
                             member=found or "-", otp=code, days=accounts.CODE_DAYS,
                             path=str(directory / accounts.FILENAME)))
