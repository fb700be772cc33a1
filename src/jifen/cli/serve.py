"""The web front end: ``jifen serve`` and its accounts (``jifen user invite``).

The web libraries (Starlette, uvicorn, argon2) are imported here only inside
the commands that need them, so that every other command starts as fast as before.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from jifen import errors, messages
from jifen.cli.common import (
    LangOpt,
    LedgerOpt,
    app,
    caching,
    handled,
    lang_of,
    ledger_dir,
    member_id,
    open_book,
    user_app,
)

# Who the demo accounts are (``jifen serve ledgers/demo --demo``): members of the demo ledger by id.
DEMO_PEOPLE = (("m04", "recorder"), ("m03", "secretary"), ("m05", "supervisor"), ("m01", "member"), ("m02", "member"))


@user_app.command("invite")
@handled
def invite(
    name: Annotated[str, typer.Argument(help="arg.name.invite")],
    role: Annotated[str, typer.Option("--role", help="opt.role.invite")] = "党员",
    email: Annotated[str, typer.Option("--email", help="opt.email")] = "",
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
    found = None
    if chosen == "committee":
        _branches(directory)  # the folder must hold branch ledgers
    else:
        book = open_book(directory).usable()
        found, _ = roster.resolve(book.members, name)
        if found is None and chosen == "member":
            member_id(book.members, name)  # says why: nobody, or several, are called that
    shown = book.members[found].name if found else accounts.check_name(name)
    code = accounts.invite(directory, shown, chosen, found, dt.datetime.now(), email)
    typer.echo(messages.text("user.invited", lang, name=shown, role=messages.text(f"role.{chosen}", lang),
                             member=found or "-", otp=code, days=accounts.CODE_DAYS,
                             path=str(directory / accounts.FILENAME)))


@app.command()
@handled
def serve(
    ledger: Annotated[Path | None, typer.Argument(help="arg.ledger", show_default=False)] = None,
    host: Annotated[str, typer.Option("--host", help="opt.host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="opt.port")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="opt.demo")] = False,
    no_commit: Annotated[bool, typer.Option("--no-commit", help="opt.no-commit")] = False,
    lang: LangOpt = None,
) -> None:
    """Serve the ledger's web pages: members see their points, declare and object; the recorder records.

    Given a folder of branch ledgers (e.g. ledgers/), serve every branch, each at /b/<folder>/ for its
    own accounts, and the committee's roll-up at / for the folder's committee accounts."""
    import uvicorn

    from jifen.store import ledger as ledger_io
    from jifen.web import accounts
    from jifen.web.app import create_app

    lang = lang_of(lang)
    directory = ledger_dir(ledger)
    if not (directory / ledger_io.FILENAME).exists() and directory.is_dir() and not demo:
        from jifen.web.committee import create_folder_app

        found = _branches(directory)  # a branch that cannot be read says so in the roll-up, as in jifen rollup
        application = create_folder_app(directory, lang=lang, commits=not no_commit, cached=caching())
        typer.echo(messages.text("serve.listening-folder", lang, count=len(found), url=f"http://{host}:{port}/"))
        uvicorn.run(application, host=host, port=port, log_level="warning", proxy_headers=False,
                    server_header=False)
        return
    book = open_book(directory).usable()
    if demo:
        people = [(book.members[m].name, role, m) for m, role in DEMO_PEOPLE if m in book.members]
        if not people:
            raise errors.InvalidInput("user.no-demo-members", ids=", ".join(m for m, _ in DEMO_PEOPLE))
        for name, role, password in accounts.demo(directory, people):
            typer.echo(messages.text("user.demo-account", lang, name=name, role=messages.text(f"role.{role}", lang),
                                     password=password))
    else:
        accounts.ensure(directory)
    typer.echo(messages.text("serve.listening", lang, branch=book.name, url=f"http://{host}:{port}/"))
    uvicorn.run(create_app(directory, lang=lang, commits=not (no_commit or demo), cached=caching()), host=host, port=port,
                log_level="warning", proxy_headers=False, server_header=False)


def _branches(folder: Path) -> list[tuple[str, Path]]:
    """The branch ledgers under ``folder`` with the paths of their pages; InvalidInput if there is none."""
    from jifen.web.committee import branches

    found = branches(folder) if folder.is_dir() else []
    if not found:
        raise errors.InvalidInput("rollup.none", path=str(folder))
    return found
