"""What keeps the web pages safe, apart from the pages: who may do what on a given day (from the
roster), CSRF tokens bound to the session, sign-in attempts limited per name and per address, a cap
on the size of a request's body, and the security headers every response carries."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from jifen.core import roster
from jifen.core.model import Member
from jifen.web.accounts import ROLE_NAMES, Account

OFFICES = ("secretary", "recorder", "supervisor")  # strongest first: one who holds several acts as the first


def roles_on(members: Mapping[str, Member], member: str, on: dt.date) -> frozenset[str]:
    """The offices (``OFFICES``) roster member ``member`` holds on ``on``: every permission of the web
    pages is decided from this one function, through the roster's own answer (``roster.roles_of``:
    a join's role and the dated role and unrole events, ended by a leave). A role written by its
    Chinese name (书记) counts as its id."""
    held = {ROLE_NAMES.get(role, role) for role in roster.roles_of(members, member, on)}
    return frozenset(held) & frozenset(OFFICES)


def role_on(account: Account, members: Mapping[str, Member], on: dt.date) -> Account:
    """``account`` with the role it acts in on ``on``. A roster member acts in the office the roster
    gives them that day, or as a plain member, whatever role the invitation gave, once the roster names
    any office holder that day; a roster that names none leaves the invitation's role, as does an
    account that is nobody in the roster (a supervisor from outside, the committee)."""
    if account.member is None or account.role == "committee":
        return account
    if not any(roles_on(members, m, on) for m in members):
        return account
    held = roles_on(members, account.member, on)
    role = next((r for r in OFFICES if r in held), "member")
    return account if role == account.role else replace(account, role=role)

CSRF_FIELD = "csrf"


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, made on first use; every form carries it back."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def csrf_ok(session: dict[str, Any], given: Any) -> bool:
    token = session.get(CSRF_FIELD)
    return isinstance(token, str) and isinstance(given, str) and secrets.compare_digest(token, given)


class Limiter:
    """At most ``attempts`` failed sign-ins per key within ``window`` seconds (kept in memory:
    a restart forgets them). Keys are a name and an address, each limited on its own."""

    def __init__(self, attempts: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts, self.window, self.clock = attempts, window, clock
        self.failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        times = self.failures[key]
        now = self.clock()
        while times and now - times[0] > self.window:
            times.popleft()
        if not times:
            del self.failures[key]
            return deque()
        return times

    def blocked(self, *keys: str) -> float:
        """Seconds until every key may try again (0: none is blocked)."""
        wait = 0.0
        for key in keys:
            times = self._recent(key)
            if len(times) >= self.attempts:
                wait = max(wait, self.window - (self.clock() - times[0]))
        return wait

    def failed(self, *keys: str) -> None:
        for key in keys:
            self.failures[key].append(self.clock())

    def succeeded(self, name_key: str) -> None:
        self.failures.pop(name_key, None)


SECURITY_HEADERS = [
    # every asset is the server's own; the only script is the server's own file (/static/rules.js:
    # no inline script, no eval, so nothing written into a page runs); forms post only back to it
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                 b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


class Guard:
    """ASGI middleware: refuses a body over ``limit`` bytes before reading it (413), and one whose
    length is not declared (411: the server reads a form only when it knows how big it is; the
    HTTP server holds the client to the length it declared), and adds ``SECURITY_HEADERS`` to
    every response."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if scope["method"] in ("POST", "PUT", "PATCH"):
            if declared is None:
                await _refuse(send, 411, "411 请声明请求长度 / length required")
                return
            if not declared.isdigit() or int(declared) > self.limit:
                await _refuse(send, 413, "413 请求内容过大 / request too large")
                return

        async def guarded_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in SECURITY_HEADERS}
                message = {**message, "headers": [h for h in message.get("headers", []) if h[0] not in names]
                           + SECURITY_HEADERS}
            await send(message)

        await self.app(scope, receive, guarded_send)


async def _refuse(send: Callable, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": text.encode()})
