"""The web's ``check``: the report of `smtp-explain check`, with the guards a public
server needs, because each check makes DNS queries and SMTP connections for a visitor.

- at most :data:`CHECKS_PER_WINDOW` checks per client address per :data:`WINDOW` seconds;
- SMTP probes only to ports 25, 465 and 587;
- no connection to private, loopback or link-local addresses unless the server was
  started with ``--check-private`` (``create_app(check_private=True)``).
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict, deque

from starlette.requests import Request

from smtp_explain.check import (
    CheckOptions,
    CheckReport,
    Target,
    TargetError,
    parse_target,
    public_address,
    run_check_async,
)

ALLOWED_PORTS = frozenset({25, 465, 587})
CHECKS_PER_WINDOW = 6
WINDOW = 60.0
WEB_TIMEOUT = 10.0
MAX_CLIENTS = 10_000  # remembered client addresses; the oldest are forgotten first
# A dotted IPv4 address standing alone; no nested repetition, so no backtracking blow-up.
_IPV4 = re.compile(r"(?<![0-9.])[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?![0-9.])")
SCAN_LIMIT = 4096  # characters of a pasted text searched for something to check


class CheckRefused(Exception):
    """A check the server will not run; ``key`` names the api.toml/web.toml message."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.values = values


class RateLimiter:
    """A sliding window of request times per client, bounded in memory."""

    def __init__(self, limit: int = CHECKS_PER_WINDOW, window: float = WINDOW) -> None:
        self.limit = limit
        self.window = window
        self.seen: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        times = self.seen.pop(client, None) or deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        allowed = len(times) < self.limit
        if allowed:
            times.append(now)
        self.seen[client] = times
        while len(self.seen) > MAX_CLIENTS:
            self.seen.popitem(last=False)
        return allowed


def named_target(text: str, remote_host: str | None) -> str | None:
    """An IP address named in an explained text (the first valid one), else the remote
    host the engine found, for the "check this" link of the explain page."""
    for match in _IPV4.finditer(text[:SCAN_LIMIT]):
        try:
            parse_target(match.group())
        except TargetError:
            continue
        return match.group()
    if remote_host:
        try:
            if parse_target(remote_host).kind in ("ip", "domain"):
                return remote_host
        except TargetError:
            return None
    return None


def validate(text: str, allow_private: bool) -> Target:
    """The target, or :class:`CheckRefused` saying why this server will not check it."""
    try:
        target = parse_target(text)
    except TargetError:
        raise CheckRefused(422, "check_bad_target", target=text[:80]) from None
    if target.kind == "smtp":
        if target.port not in ALLOWED_PORTS:
            raise CheckRefused(422, "check_bad_port", port=target.port)
        if target.ip is not None and not allow_private and not public_address(str(target.ip)):
            raise CheckRefused(422, "check_not_allowed", target=text[:80])
    return target


async def web_check(request: Request, text: str, lang: str) -> CheckReport:
    """Run a check for a visitor, within the limits above."""
    state = request.app.state
    target = validate(text, state.check_private)
    client = request.client.host if request.client else "unknown"
    if not state.check_limiter.allow(client):
        raise CheckRefused(429, "check_rate_limited")
    options = CheckOptions(nameservers=list(state.check_nameservers), timeout=WEB_TIMEOUT,
                           lang=lang, allow_private=state.check_private)
    return await run_check_async(target, options)
