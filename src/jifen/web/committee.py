"""``jifen serve`` over a folder of branch ledgers: the higher committee's server.

Each branch found under the folder (``jifen.book.rollup.find``) has its own pages at
``/b/<folder>/`` (the pages of ``jifen.web.app``, over its own ledger and its own account file);
its accounts see only it. The folder's own account file holds the committee's accounts: they
sign in at ``/signin``, see the roll-up across the branches at ``/`` (``jifen rollup``'s table,
with the audit's result for each), and read every branch's pages, changing nothing. One signed
session cookie (the folder's key) says which account file a session belongs to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from jifen import book as book_api
from jifen.book import rollup as rollup_lib
from jifen.errors import InvalidInput, JifenError
from jifen.web import accounts, guard, views
from jifen.web.app import (
    COMMITTEE,
    SIGNIN_ATTEMPTS,
    SIGNIN_WINDOW,
    Site,
    application,
    error_text,
    lang_of,
    password,
    plain,
    routes_of,
    signed_in,
    signin,
    signout,
)


def branches(folder: Path) -> list[tuple[str, Path]]:
    """Each branch ledger under ``folder`` with the path of its pages (``/b/`` and its folder's path
    under ``folder``)."""
    return [("/b/" + found.relative_to(folder).as_posix(), found) for found in rollup_lib.find(folder)]


def year_of(text: str | None, today: dt.date) -> int:
    if not text:
        return today.year
    if not text.isdigit() or not 1900 <= int(text) <= 9999:
        raise InvalidInput("cli.bad-year", text=text)
    return int(text)


def create_folder_app(folder: Path, lang: str = "zh", today: Callable[[], dt.date] = dt.date.today,
                      search: list[Path] | None = None, limiter: guard.Limiter | None = None,
                      https_only: bool = False, commits: bool = True, cached: bool = True) -> Starlette:
    """The web application over every branch ledger under ``folder`` (InvalidInput if there is none);
    ``commits`` and ``cached`` as for ``create_app``."""
    folder = Path(folder)
    found = branches(folder)
    if not found:
        raise InvalidInput("rollup.none", path=str(folder))
    book_api.long_running()
    limiter = limiter or guard.Limiter(SIGNIN_ATTEMPTS, SIGNIN_WINDOW)
    secret = accounts.ensure(folder).secret
    top = Site(folder, lang, today, search, limiter, scope=COMMITTEE, commits=False, cached=cached)
    mounts = []
    for base, directory in found:
        accounts.ensure(directory)
        site = Site(directory, lang, today, search, limiter, base=base, scope=base, committee=folder,
                    commits=commits, cached=cached)
        mounts.append(Mount(base, routes=routes_of(site)))

    async def overview(request: Request) -> Response:
        """Signed in as the committee: the roll-up; anyone else: the branches to sign in to."""
        account = await run_in_threadpool(signed_in, top, request)
        if account is None or account.role != "committee":
            return top.page(request, "branches.html", branches=[(base, d.name) for base, d in found])
        request.state.account = account
        try:
            year = year_of(request.query_params.get("year"), today())
            data = await run_in_threadpool(views.rollup, found, search, year, today(), lang_of(request), top.cached)
        except JifenError as exc:
            return top.page(request, "error.html", 400, message=error_text(request, exc))
        return top.page(request, "rollup.html", rollup=data)

    routes = [
        Route("/", overview),
        Route("/signin", plain(top, signin), methods=["GET", "POST"]),
        Route("/signout", plain(top, signout), methods=["POST"]),
        Route("/password", password(top), methods=["GET", "POST"]),
        *sorted(mounts, key=lambda m: -len(m.path)),  # a branch inside another's folder before it
    ]
    return application(routes, secret, lang, https_only)
