"""The Starlette application of ``jifen serve``: routes, who may use each, and the forms.

Every page opens the ledger (``jifen.book.open``, through the cache) and shows
what ``jifen.web.views`` takes from it; every form that changes something
appends one event through ``jifen.book.record`` with the signed-in person as
``by``, under the same lock as the command line. Pages work without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from jifen import book as book_api
from jifen import messages
from jifen.core import typed
from jifen.core.kinds import RULE_VALUES
from jifen.core.periods import Period
from jifen.errors import InvalidInput, JifenError, PartlyWritten
from jifen.render.cells import printable
from jifen.store import ledger as ledger_io
from jifen.web import accounts, evidence, guard, views
from jifen.web.accounts import Account

HERE = Path(__file__).resolve().parent
BODY_LIMIT = evidence.LIMIT + 256 * 1024  # an upload at the limit plus the form around it
# failed sign-ins allowed per name, and per address (a whole office may share one), in a window of seconds
SIGNIN_ATTEMPTS, ADDRESS_ATTEMPTS, SIGNIN_WINDOW = 5, 50, 15 * 60.0


LANG_COOKIE = "jifen-lang"
COMMITTEE = "*"  # the session scope of a committee account (the account file of the folder served)


class Site:
    """What the routes of one ledger share: its folder, the default language, the clock, the
    templates; where its pages live (``base``: ``""``, or ``/b/<branch>`` on a server over a folder)
    and whose sessions it takes (``scope``; ``committee``: the folder whose committee accounts may
    read it); whether its appends are committed to git, as their author (``commits``, where git
    tracks the ledger)."""

    def __init__(self, directory: Path, lang: str, today: Callable[[], dt.date],
                 search: list[Path] | None, limiter: guard.Limiter, base: str = "", scope: str = "",
                 committee: Path | None = None, commits: bool = True, cached: bool = True) -> None:
        self.directory, self.lang, self.today, self.search, self.limiter = directory, lang, today, search, limiter
        self.base, self.scope, self.committee = base, scope, committee
        self.url = quote(base)  # ``base`` as links and redirects give it (``base`` is as requests arrive)
        self.address_limiter = guard.Limiter(ADDRESS_ATTEMPTS, limiter.window, limiter.clock)
        self.templates = TEMPLATES
        self.commits = commits and in_git(directory / ledger_io.FILENAME)
        self.cached = cached  # the cache beside the ledger (JIFEN_CACHE=off: never read nor written)
        self.committing = threading.Lock()  # this server's commits, one at a time: git's index is one

    def open(self) -> book_api.Book:
        return book_api.open(self.directory, self.search, cached=self.cached).usable()

    def book(self, request: Request) -> book_api.Book:
        """The book as opened for this request (by the permission check), else opened now."""
        opened = getattr(request.state, "book", None)
        return opened if opened is not None else self.open()

    def record(self, request: Request, fields: dict[str, Any]) -> Written:
        """Append the event ``fields`` describes, as ``jifen add`` does; where the ledger is in git,
        commit it with the signed-in person as author (appended but not committed: said, not failed)."""
        account = request.state.account
        author = account.author(self.directory.name) if self.commits else None

        def write() -> book_api.Recorded:
            return book_api.record(self.directory, lambda spine, members: fields, today=self.today(),
                                   lang=lang_of(request), search=self.search, cached=self.cached, commit=self.commits,
                                   author=author)

        try:
            if not self.commits:
                done = write()
            else:
                with self.committing:
                    done = write()
        except PartlyWritten as exc:
            if exc.code != "book.appended-not-committed":
                raise
            return Written(int(str(exc.args_["id"]).split(",")[0]), "", error_text(request, exc))
        return Written(done.event.id, done.summary, None, done.commit)

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        session = request.session
        flash = session.pop("flash", None)
        account = request.state.account if hasattr(request.state, "account") else None
        lang = lang_of(request)
        html = self.templates.get_template(template).render(
            t=lambda code, **args: messages.text(code, lang, **args), lang=lang, csrf=guard.csrf_token(session),
            account=account, flash=flash, base=self.url, branch=self.directory.name if self.base else "",
            branch_pages=self.scope != COMMITTEE,
            role=messages.text(f"role.{account.role}", lang) if account else "",
            path=request.url.path[len(self.base):] if request.url.path.startswith(self.base) else request.url.path,
            **context)
        return HTMLResponse(html, status_code=status)


TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                        trim_blocks=True, lstrip_blocks=True)


class Written(NamedTuple):
    """What a web append did: the event's id and words, and why it is not in git if it is not."""

    id: int
    summary: str
    uncommitted: str | None = None
    commit: str | None = None


def in_git(ledger: Path) -> bool:
    """Whether the ledger file is tracked by git: then each web append is committed."""
    from jifen.store import gitrepo

    return ledger.exists() and gitrepo.is_tracked(ledger)


def lang_of(request: Request) -> str:
    """The language of this request's pages (``Language`` chose it)."""
    return request.scope.get("jifen.lang", "zh")


def say(request: Request, code: str, **args: Any) -> str:
    return messages.text(code, lang_of(request), **args)


def error_text(request: Request, exc: JifenError) -> str:
    """What went wrong and what to do, on a page: where the command line's hint names its options
    (--points, jifen scheme show …), the page's own hint (``web.hint.<code>``) instead."""
    args = printable(exc.args_)
    lang = lang_of(request)
    text = messages.text(exc.code, lang, **args)
    own = f"web.hint.{exc.code}"
    hint = messages.text(own, lang, **args) if messages.known(own) else messages.hint(exc.code, lang, **args)
    return f"{text} {hint}".strip()


def said(request: Request, done: Written, text: str) -> None:
    """Flash ``text`` for an append, with what kept it out of git if it is not committed."""
    if done.uncommitted:
        flash(request, "warn", f"{text} {done.uncommitted}")
    else:
        flash(request, "ok", text)


class Language:
    """ASGI middleware: the language of the pages, from ``?lang=`` (kept in a cookie for the next
    pages), else the cookie, else the server's."""

    def __init__(self, app: Any, default: str) -> None:
        self.app, self.default = app, default

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        asked = request.query_params.get("lang")
        chosen = asked if asked in messages.LANGS else request.cookies.get(LANG_COOKIE)
        scope["jifen.lang"] = chosen if chosen in messages.LANGS else self.default
        if asked not in messages.LANGS:
            await self.app(scope, receive, send)
            return
        cookie = f"{LANG_COOKIE}={asked}; Path=/; Max-Age=31536000; SameSite=Lax".encode()

        async def keep(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, receive, keep)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def flash(request: Request, kind: str, text: str) -> None:
    request.session["flash"] = [kind, text]


Handler = Callable[[Request], Awaitable[Response]]


def allowed(who: str) -> Callable[[Callable[[Site, Request, Account], Awaitable[Response]]], Callable[[Site], Handler]]:
    """A route for ``who`` (``anyone`` signed in, ``member``: anyone with a roster member,
    ``reader``: recorder, secretary, supervisor, committee; ``writer``: recorder, secretary), each
    role as ``guard.role_on`` finds it on the server's date. Without a session: to the sign-in
    page. A POST: its CSRF token checked first."""

    def wrap(handler):
        def bind(site: Site) -> Handler:
            @functools.wraps(handler)
            async def route(request: Request) -> Response:
                account = await run_in_threadpool(signed_in, site, request)
                if account is None:
                    target = request.url.path if request.method == "GET" else site.base + "/"
                    return see_other(site.url + "/signin?next=" + quote(target))
                request.state.account = account
                if request.session.get("first") and request.url.path != site.base + "/password":
                    return see_other(site.url + "/password")
                if request.method == "POST":
                    form = await request.form(max_files=1, max_fields=400, max_part_size=64 * 1024)
                    if not guard.csrf_ok(request.session, form.get(guard.CSRF_FIELD)):
                        return site.page(request, "error.html", 403, message=say(request, "web.csrf"))
                    request.state.form = form
                if account.member is not None:
                    try:
                        account = await run_in_threadpool(acting, site, request, account)
                    except JifenError as exc:
                        return site.page(request, "error.html", 500, message=error_text(request, exc))
                    request.state.account = account
                permitted = {"anyone": True, "member": account.member is not None, "reader": account.reads_all,
                             "writer": account.writes}[who]
                if not permitted:
                    return site.page(request, "error.html", 403, message=say(request, "web.forbidden"))
                return await handler(site, request, account)

            return route

        return bind

    return wrap


def acting(site: Site, request: Request, account: Account) -> Account:
    """``account`` in the role the roster gives it today; the book it was read from is kept for the page."""
    request.state.book = opened = site.open()
    return guard.role_on(account, opened.members, site.today())


def signed_in(site: Site, request: Request) -> Account | None:
    """The account of the session, if it still exists and was not invited again since: one of this
    ledger's accounts, or on a server over a folder a committee account (which reads every branch)."""
    name, generation, scope = request.session.get("name"), request.session.get("gen"), request.session.get("scope", "")
    if not isinstance(name, str):
        return None
    if scope == site.scope:
        account = accounts.load(site.directory).get(name)
    elif scope == COMMITTEE and site.committee is not None:
        account = accounts.load(site.committee).get(name)
        account = account if account is not None and account.role == "committee" else None
    else:
        return None
    if account is None or account.generation != generation:
        request.session.pop("name", None)
        return None
    return account


def field(request: Request, name: str) -> str:
    value = request.state.form.get(name)
    return value.strip() if isinstance(value, str) else ""


def optional(request: Request, name: str) -> str | None:
    return field(request, name) or None


def date_of(site: Site, text: str) -> dt.date:
    """A date as the command line reads it (2023-5-2, 2023年5月2日 …, with the same words when it is wrong:
    2月没有30日); empty: the server's today."""
    return typed.date(text, site.today()) if text else site.today()


def decimal_of(text: str) -> Decimal | None:
    return typed.number(text) if text else None


def count_of(text: str) -> int | None:
    return typed.whole(text) if text else None


def rule_values(values: dict[str, str]) -> dict[str, Any]:
    """The values a form gives under its rule (count, points, level, measure), read as ``jifen add``
    and ``jifen declare`` read their options; an empty field is not given. Whether the rule takes
    them is the book's check, as on the command line."""
    return {"count": count_of(values["count"]), "points": decimal_of(values["points"]),
            "level": values["level"] or None, "measure": decimal_of(values["measure"])}


def quarter_of(text: str) -> str:
    try:
        period = Period.parse(text)
    except ValueError:
        raise InvalidInput("cli.bad-period", text=text) from None
    if period.kind != "quarter":
        raise InvalidInput("cli.bad-period", text=text)
    return str(period)


def note_text(text: str) -> str | None:
    """A note as given, refused if it holds control characters (as the command line refuses them)."""
    if any(ord(c) < 32 and c not in "\t" or c == "\x7f" for c in text):
        raise InvalidInput("web.bad-text")
    return text or None


# --- signing in and out ------------------------------------------------------------------------


def local_target(text: str | None, base: str = "") -> str:
    """``text`` if it is a path of these pages (under ``base``; no scheme, no host, no ``//``), else
    their first page."""
    if not text or not text.startswith(base + "/") or text.startswith("//") or "\\" in text:
        return base + "/"
    return text


async def signin(site: Site, request: Request) -> Response:
    if request.method == "GET":
        return site.page(request, "signin.html", next=local_target(request.query_params.get("next"), site.base))
    form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
    if not guard.csrf_ok(request.session, form.get(guard.CSRF_FIELD)):
        return site.page(request, "error.html", 403, message=say(request, "web.csrf"))
    name, secret = str(form.get("name", "")).strip(), str(form.get("secret", ""))
    target = local_target(str(form.get("next", "")), site.base)
    address = request.client.host if request.client else "-"
    keys = (f"name:{name}", f"ip:{address}")
    wait = max(site.limiter.blocked(keys[0]), site.address_limiter.blocked(keys[1]))
    if wait:
        return site.page(request, "signin.html", 429, next=target, name=name,
                         error=say(request, "web.too-many", minutes=int(wait // 60) + 1))
    found = await run_in_threadpool(accounts.check, accounts.load(site.directory), name, secret, dt.datetime.now())
    if found is None:
        site.limiter.failed(keys[0])
        site.address_limiter.failed(keys[1])
        return site.page(request, "signin.html", 401, next=target, name=name, error=say(request, "web.signin-failed"))
    site.limiter.succeeded(keys[0])
    account, first = found
    request.session.clear()  # a new session (and CSRF token) on every sign-in
    request.session.update(name=account.name, gen=account.generation, first=first, scope=site.scope)
    return see_other(site.url + "/password" if first else target)


async def signout(site: Site, request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
    if guard.csrf_ok(request.session, form.get(guard.CSRF_FIELD)):
        request.session.clear()
    return see_other(site.url + "/signin")


@allowed("anyone")
async def password(site: Site, request: Request, account: Account) -> Response:
    if request.method == "GET":
        return site.page(request, "password.html")
    new, again = str(request.state.form.get("password", "")), str(request.state.form.get("again", ""))
    if new != again:
        return site.page(request, "password.html", 400, error=say(request, "web.password-mismatch"))
    try:
        done = await run_in_threadpool(accounts.set_password, site.directory, account.name, new, account.generation)
    except JifenError as exc:
        return site.page(request, "password.html", 400, error=error_text(request, exc))
    request.session.update(first=False, gen=done.generation)
    flash(request, "ok", say(request, "web.password-set"))
    return see_other(site.url + "/")


@allowed("anyone")
async def home(site: Site, request: Request, account: Account) -> Response:
    if account.member is not None:
        return see_other(site.url + "/card")
    return see_other(site.url + ("/desk" if account.writes else "/log"))


# --- a member's pages ----------------------------------------------------------------------------


@allowed("member")
async def own_card(site: Site, request: Request, account: Account) -> Response:
    return await show_card(site, request, account, account.member or "")


@allowed("reader")
async def other_card(site: Site, request: Request, account: Account) -> Response:
    return await show_card(site, request, account, request.path_params["member"])


async def show_card(site: Site, request: Request, account: Account, member: str) -> Response:
    def work():
        opened = site.book(request)
        if member not in opened.members:
            return None
        return views.card(opened, member, site.today(), lang_of(request))

    card = await run_in_threadpool(work)
    if card is None:
        return site.page(request, "error.html", 404, message=say(request, "web.not-found"))
    return site.page(request, "card.html", card=card, own=member == account.member)


@allowed("anyone")
async def notice(site: Site, request: Request, account: Account) -> Response:
    def work():
        opened = site.book(request)
        asked = request.query_params.get("quarter")
        quarter = Period.parse(quarter_of(asked)) if asked else views.current_quarter(opened, site.today())
        return views.notice(opened, quarter, lang_of(request)), views.quarters(opened, site.today())

    try:
        board, quarters = await run_in_threadpool(work)
    except JifenError as exc:
        return site.page(request, "error.html", 400, message=error_text(request, exc))
    return site.page(request, "notice.html", board=board, quarters=quarters)


@allowed("member")
async def declare(site: Site, request: Request, account: Account) -> Response:
    opened = await run_in_threadpool(site.book, request)
    rules = views.rules(opened, site.today(), lang_of(request))
    values = {"date": site.today().isoformat()}
    if request.method == "GET":
        return site.page(request, "declare.html", rules=rules, values=values)
    values = {k: field(request, k) for k in ("rule", "date", *RULE_VALUES, "note")}
    kept = None  # an evidence file this declaration stored: removed again if the declaration is refused
    try:
        note = note_text(values["note"])
        upload = request.state.form.get("evidence")
        if isinstance(upload, UploadFile) and (upload.filename or upload.size):
            data = await upload.read(evidence.LIMIT + 1)
            digest, kept = await run_in_threadpool(evidence.store, site.directory, data)
            note = f"{note} {evidence.NOTE_PREFIX}{digest}" if note else f"{evidence.NOTE_PREFIX}{digest}"
        fields = {"date": date_of(site, values["date"]), "kind": "declare", "subject": account.member,
                  "rule": values["rule"], **rule_values(values), "note": note, "by": account.name}
        done = await run_in_threadpool(site.record, request, fields)
    except JifenError as exc:
        if kept is not None:
            kept.unlink(missing_ok=True)
        return site.page(request, "declare.html", 400, rules=rules, values=values, error=error_text(request, exc))
    said(request, done, say(request, "web.declared", id=done.id))
    return see_other(site.url + "/mine")


@allowed("member")
async def mine(site: Site, request: Request, account: Account) -> Response:
    data = await run_in_threadpool(lambda: views.mine(site.book(request), account.member or "", lang_of(request)))
    return site.page(request, "mine.html", mine=data)


@allowed("member")
async def objection(site: Site, request: Request, account: Account) -> Response:
    target = request.path_params["event"]

    def work():
        opened = site.book(request)
        event = next((e for e in opened.events if e.id == target), None)
        if event is None or event.subject != account.member:
            return None, False
        return views.sentence(opened, event, lang_of(request)), views.objectable(opened, event, site.today(), account.member)

    words, may = await run_in_threadpool(work)
    if words is None:
        return site.page(request, "error.html", 403, message=say(request, "web.not-yours"))
    if request.method == "GET" or not may:
        status = 200 if may else 400
        return site.page(request, "object.html", status, event=target, words=words, may=may,
                         error=None if may else say(request, "web.no-notice"))
    try:
        reason = note_text(field(request, "reason"))
        if not reason:
            raise InvalidInput("yaml.want-text", field=say(request, "web.reason"))
        done = await run_in_threadpool(site.record, request, {"date": site.today(), "kind": "appeal", "target": target,
                                                     "subject": account.member, "reason": reason, "by": account.name})
    except JifenError as exc:
        return site.page(request, "object.html", 400, event=target, words=words, may=may, error=error_text(request, exc))
    said(request, done, say(request, "web.objected", id=done.id))
    return see_other(site.url + "/mine")


# --- the recorder's and the secretary's pages ---------------------------------------------------


@allowed("reader")
async def desk(site: Site, request: Request, account: Account) -> Response:
    def work():
        opened = site.book(request)
        return views.desk(opened, lang_of(request)), str(views.current_quarter(opened, site.today()))

    data, quarter = await run_in_threadpool(work)
    return site.page(request, "desk.html", desk=data, quarter=quarter, today=site.today().isoformat())


async def act(site: Site, request: Request, fields: Callable[[], dict[str, Any]], back: str = "/desk") -> Response:
    """Record the event ``fields()`` describes and go back to ``back`` saying what happened."""
    try:
        done = await run_in_threadpool(site.record, request, fields())
    except JifenError as exc:
        flash(request, "error", error_text(request, exc))
    else:
        said(request, done, say(request, "web.done", id=done.id, summary=done.summary))
    return see_other(site.url + back)


def target_of(request: Request) -> int:
    return int(request.path_params["event"])


@allowed("writer")
async def approve(site: Site, request: Request, account: Account) -> Response:
    return await act(site, request, lambda: {"date": site.today(), "kind": "approve", "target": target_of(request),
                                             "note": note_text(field(request, "note")), "by": account.name})


@allowed("writer")
async def reject(site: Site, request: Request, account: Account) -> Response:
    def fields():
        reason = note_text(field(request, "reason"))
        if not reason:
            raise InvalidInput("yaml.want-text", field=say(request, "web.reason"))
        return {"date": site.today(), "kind": "reject", "target": target_of(request), "reason": reason,
                "by": account.name}

    return await act(site, request, fields)


@allowed("writer")
async def open_notice(site: Site, request: Request, account: Account) -> Response:
    return await act(site, request, lambda: {
        "date": date_of(site, field(request, "from")), "kind": "notice", "period": quarter_of(field(request, "quarter")),
        "days": count_of(field(request, "days")) or 7, "note": note_text(field(request, "note")), "by": account.name})


@allowed("writer")
async def ruling(site: Site, request: Request, account: Account) -> Response:
    def fields():
        decision, reason = field(request, "decision"), note_text(field(request, "reason"))
        if decision not in ("upheld", "rejected"):
            raise InvalidInput("yaml.want-choice", field=say(request, "web.decision"), text=decision,
                               choices="upheld, rejected")
        if not reason:
            raise InvalidInput("yaml.want-text", field=say(request, "web.reason"))
        return {"date": site.today(), "kind": "ruling", "target": target_of(request), "decision": decision,
                "reason": reason, "by": account.name}

    return await act(site, request, fields)


@allowed("writer")
async def close(site: Site, request: Request, account: Account) -> Response:
    return await act(site, request, lambda: {
        "date": date_of(site, field(request, "date")), "kind": "close", "period": quarter_of(field(request, "quarter")),
        "note": note_text(field(request, "note")), "by": account.name})


@allowed("writer")
async def record(site: Site, request: Request, account: Account) -> Response:
    opened = await run_in_threadpool(site.book, request)
    rules, people = views.rules(opened, site.today(), lang_of(request)), views.members(opened, site.today())
    if request.method == "GET":
        return site.page(request, "record.html", rules=rules, people=people, values={"date": site.today().isoformat()})
    values = {k: field(request, k) for k in ("rule", "date", *RULE_VALUES, "note")}
    chosen = [m for m in request.state.form.getlist("member") if isinstance(m, str)]
    done: list[int] = []
    uncommitted = None
    try:
        if not chosen:
            raise InvalidInput("yaml.want-text", field=say(request, "web.members"))
        base = {"date": date_of(site, values["date"]), "kind": "score", "rule": values["rule"],
                **rule_values(values), "note": note_text(values["note"]), "by": account.name}
        for member in chosen:  # one event each, each through the book: a refusal stops the rest
            written = await run_in_threadpool(site.record, request, {**base, "subject": member})
            done.append(written.id)
            uncommitted = written.uncommitted or uncommitted
    except JifenError as exc:
        error = error_text(request, exc)
        if done:
            error = say(request, "web.recorded", count=len(done), ids=", ".join(map(str, done))) + " " + error
        return site.page(request, "record.html", 400, rules=rules, people=people, values=values, chosen=chosen,
                         error=error)
    said(request, Written(done[-1], "", uncommitted),
         say(request, "web.recorded", count=len(done), ids=", ".join(map(str, done))))
    return see_other(site.url + "/record")


# --- reading everything ---------------------------------------------------------------------------


@allowed("reader")
async def log(site: Site, request: Request, account: Account) -> Response:
    rows = await run_in_threadpool(lambda: views.log(site.book(request), lang_of(request)))
    return site.page(request, "log.html", rows=rows)


@allowed("reader")
async def roster(site: Site, request: Request, account: Account) -> Response:
    people = await run_in_threadpool(lambda: views.members(site.book(request), site.today()))
    return site.page(request, "members.html", people=people)


@allowed("anyone")
async def evidence_file(site: Site, request: Request, account: Account) -> Response:
    """An evidence file, for staff and supervisors, or for the member whose event records it."""
    digest = request.path_params["digest"]

    def work():
        path = evidence.find(site.directory, digest)
        if path is None:
            return None
        if account.reads_all:
            return path
        opened = site.book(request)
        mine = any(digest in evidence.hashes_in(e.note) for e in opened.events if e.subject == account.member)
        return path if mine else None

    path = await run_in_threadpool(work)
    if path is None:
        return site.page(request, "error.html", 404, message=say(request, "web.not-found"))
    kind = path.suffix[1:]
    return FileResponse(path, media_type=evidence.MEDIA[kind],
                        headers={"content-disposition": f'inline; filename="{digest[:12]}.{kind}"'})


@allowed("reader")
async def history(site: Site, request: Request, account: Account) -> Response:
    """What the audit says of this ledger's git history, and its latest commits' events in words."""
    found = await run_in_threadpool(lambda: views.history(site.book(request), site.directory, lang_of(request)))
    return site.page(request, "history.html", history=found)


def plain(site: Site, handler: Callable[[Site, Request], Awaitable[Response]]) -> Handler:
    async def route(request: Request) -> Response:
        return await handler(site, request)

    return route


def routes_of(site: Site) -> list[Route]:
    """The pages of one ledger, at paths under ``site.base``."""
    return [
        Route("/signin", plain(site, signin), methods=["GET", "POST"]),
        Route("/signout", plain(site, signout), methods=["POST"]),
        Route("/password", password(site), methods=["GET", "POST"]),
        Route("/", home(site)),
        Route("/card", own_card(site)),
        Route("/card/{member}", other_card(site)),
        Route("/notice", notice(site)),
        Route("/declare", declare(site), methods=["GET", "POST"]),
        Route("/mine", mine(site)),
        Route("/object/{event:int}", objection(site), methods=["GET", "POST"]),
        Route("/desk", desk(site)),
        Route("/record", record(site), methods=["GET", "POST"]),
        Route("/approve/{event:int}", approve(site), methods=["POST"]),
        Route("/reject/{event:int}", reject(site), methods=["POST"]),
        Route("/notice/open", open_notice(site), methods=["POST"]),
        Route("/ruling/{event:int}", ruling(site), methods=["POST"]),
        Route("/close", close(site), methods=["POST"]),
        Route("/log", log(site)),
        Route("/history", history(site)),
        Route("/members", roster(site)),
        Route("/evidence/{digest}", evidence_file(site)),
    ]


def application(routes: list, secret: str, lang: str, https_only: bool) -> Starlette:
    """The Starlette application of ``routes`` with the static files, the guard, the signed session
    cookie and the language switch."""
    middleware = [
        Middleware(guard.Guard, limit=BODY_LIMIT),
        Middleware(Language, default=lang),
        Middleware(SessionMiddleware, secret_key=secret, session_cookie="jifen", same_site="lax",
                   https_only=https_only, max_age=12 * 60 * 60),
    ]
    static = Mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return Starlette(routes=[*routes, static], middleware=middleware, exception_handlers={404: not_found})


async def not_found(request: Request, exc: Exception) -> HTMLResponse:
    """An address no page has, said in the reader's language (Starlette's own answer is English)."""
    from html import escape

    lang = lang_of(request)
    text = escape(messages.text("web.not-found", lang))
    home = escape(messages.text("web.home", lang))
    return HTMLResponse(f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
                        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{text}</title>'
                        f'</head><body><p>{text}</p><p><a href="/">{home}</a></p></body></html>', status_code=404)


def create_app(directory: Path, lang: str = "zh", today: Callable[[], dt.date] = dt.date.today,
               search: list[Path] | None = None, limiter: guard.Limiter | None = None,
               https_only: bool = False, commits: bool = True, cached: bool = True) -> Starlette:
    """The web application over the ledger in ``directory``; ``today`` is the server's date
    (a test may fix it); ``commits``: commit each append where git tracks the ledger; ``cached``: read
    and keep the cache beside it (``jifen serve`` follows JIFEN_CACHE). The account file (and its
    cookie key) is made if there is none."""
    book_api.long_running()  # every request opens the book: what one built must be freed after it
    secret = accounts.ensure(directory).secret
    site = Site(Path(directory), lang, today, search, limiter or guard.Limiter(SIGNIN_ATTEMPTS, SIGNIN_WINDOW),
                commits=commits, cached=cached)
    return application(routes_of(site), secret, lang, https_only)
