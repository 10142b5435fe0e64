"""An SMTP probe of HOST:PORT: banner, EHLO, STARTTLS, certificate, optional RCPT TO.

A small client on asyncio streams rather than smtplib, so that every read is
bounded in size (a 1 MB banner ends the probe with a clear result) and in time
(a silent or stalling server costs at most the run's deadline). It never sends
DATA: with ``--rcpt`` it sends MAIL FROM:<> and RCPT TO, then QUIT. Every reply
is explained by the engine through :func:`smtp_explain.check.replies.explain_reply`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from smtp_explain.check.certificate import EXPIRY_WARNING_DAYS, inspect_chain, peer_chain
from smtp_explain.check.model import CheckResult, Status
from smtp_explain.check.replies import explain_reply
from smtp_explain.check.resolver import Resolver
from smtp_explain.check.wording import result

MAX_LINE = 4096  # RFC 5321 allows 512 octets per reply line; more is not a reply
MAX_REPLY_LINES = 100
SLOW_BANNER = 5.0  # seconds: a longer wait is reported (often a deliberate greeting delay)
IMPLICIT_TLS_PORTS = frozenset({465})


class ProbeStop(Exception):
    """The conversation cannot go on; ``key`` names the text that says why."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(key)
        self.key = key
        self.detail = detail


@dataclass(slots=True)
class Reply:
    code: int
    lines: list[str]
    seconds: float

    @property
    def text(self) -> str:
        return "\n".join(f"{self.code}{'-' if i < len(self.lines) - 1 else ' '}{line}"
                         for i, line in enumerate(self.lines))

    @property
    def one_line(self) -> str:
        return f"{self.code} {' '.join(self.lines)}"[:600]


@dataclass(slots=True)
class Session:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    deadline: float
    lang: str = "en"
    transcript: list[str] = field(default_factory=list)

    def budget(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise ProbeStop("smtp_timeout")
        return left

    async def read_reply(self) -> Reply:
        started = time.monotonic()
        lines: list[str] = []
        while True:
            try:
                raw = await asyncio.wait_for(self.reader.readline(), self.budget())
            except TimeoutError:
                raise ProbeStop("smtp_timeout") from None
            except (ValueError, asyncio.LimitOverrunError):
                raise ProbeStop("smtp_line_too_long") from None
            except (OSError, ssl.SSLError) as exc:
                raise ProbeStop("smtp_connection_lost", str(exc)[:160]) from None
            if not raw:
                raise ProbeStop("smtp_connection_lost", "EOF")
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            self.transcript.append(f"S: {line[:600]}")
            if len(line) < 3 or not line[:3].isdigit() or (len(line) > 3 and line[3] not in " -"):
                raise ProbeStop("smtp_not_smtp", line[:160])
            lines.append(line[4:])
            if len(line) == 3 or line[3] == " ":
                reply = Reply(int(line[:3]), lines, time.monotonic() - started)
                # every reply with its timing and what the engine says it means
                meaning = explain_reply(reply.text, self.lang)
                self.transcript.append(f"   ({reply.seconds:.2f} s) {meaning.summary}")
                return reply
            if len(lines) >= MAX_REPLY_LINES:
                raise ProbeStop("smtp_line_too_long")

    async def command(self, text: str) -> Reply:
        self.transcript.append(f"C: {text}")
        try:
            self.writer.write(text.encode("ascii", errors="replace") + b"\r\n")
            await asyncio.wait_for(self.writer.drain(), self.budget())
        except TimeoutError:
            raise ProbeStop("smtp_timeout") from None
        except (OSError, ssl.SSLError) as exc:
            raise ProbeStop("smtp_connection_lost", str(exc)[:160]) from None
        return await self.read_reply()


def extensions(reply: Reply) -> dict[str, str]:
    """EHLO keywords (upper case) and their parameters; the greeting line is skipped."""
    found: dict[str, str] = {}
    for line in reply.lines[1:]:
        keyword, _, params = line.strip().partition(" ")
        if keyword:
            found[keyword.upper()] = params.strip()
    return found


@dataclass(slots=True)
class ProbeState:
    results: list[CheckResult] = field(default_factory=list)
    tls_version: str | None = None


def _explained(check_id: str, status: Status, key: str, reply: Reply, lang: str,
               evidence: list[str], **values: Any) -> CheckResult:
    meaning = explain_reply(reply.text, lang)
    return result(check_id, status, key, lang, evidence=evidence,
                  extra=meaning.text, fix=meaning.fix if status == "fail" else None,
                  reply=reply.one_line, seconds=f"{reply.seconds:.2f}", **values)


async def probe(resolver: Resolver, host: str, port: int, lang: str, *,
                rcpt: str | None, may_connect: Callable[[str], bool],
                address: str | None = None) -> list[CheckResult]:
    """The smtp:* results for one server; later steps are ``skip`` when an earlier one failed."""
    state = ProbeState()
    ids = ["smtp:banner", "smtp:ehlo", "smtp:starttls", "smtp:certificate"] + \
        (["smtp:rcpt"] if rcpt else [])
    values: dict[str, Any] = {"host": host, "port": port}
    if address is None:
        answers = await resolver.many([(host, "A"), (host, "AAAA")])
        addresses = [r for a in answers for r in a.records]
        if not addresses:
            first = result("smtp:banner", "error", "smtp_no_address", lang,
                           evidence=[a.evidence() for a in answers], **values)
            return _skip_rest([first], ids, lang)
        address = addresses[0]
    if not may_connect(address):
        first = result("smtp:banner", "error", "smtp_not_allowed", lang, address=address,
                       **values)
        return _skip_rest([first], ids, lang)
    try:
        await _converse(state, resolver, host, address, port, lang, rcpt)
    except ProbeStop as stop:
        if stop.key == "smtp_skip":
            return _skip_rest(state.results, ids, lang)
        failed_step = ids[len(state.results)] if len(state.results) < len(ids) else ids[-1]
        status: Status = "fail" if stop.key in ("smtp_line_too_long", "smtp_not_smtp",
                                        "smtp_refused") else "error"
        state.results.append(result(failed_step, status, stop.key, lang, detail=stop.detail,
                                    address=address, **values))
    return _skip_rest(state.results, ids, lang)


def _skip_rest(done: list[CheckResult], ids: list[str], lang: str) -> list[CheckResult]:
    have = {r.id for r in done}
    return done + [result(i, "skip", "smtp_skip", lang) for i in ids if i not in have]


async def _connect(address: str, port: int, host: str, deadline: float
                   ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    context = None
    if port in IMPLICIT_TLS_PORTS:
        context = _inspecting_context()
    left = deadline - time.monotonic()
    if left <= 0:
        raise ProbeStop("smtp_timeout")
    try:
        return await asyncio.wait_for(asyncio.open_connection(
            address, port, ssl=context, server_hostname=host if context else None,
            limit=MAX_LINE), left)
    except TimeoutError:
        raise ProbeStop("smtp_timeout") from None
    except ConnectionRefusedError:
        raise ProbeStop("smtp_refused") from None
    except (OSError, ssl.SSLError) as exc:
        raise ProbeStop("smtp_connect_error", str(exc)[:160]) from None


def _inspecting_context() -> ssl.SSLContext:
    """Accept any certificate for the handshake: trust is judged afterwards, with reasons."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    # Let an old server finish the handshake, so that "TLS 1.0" is reported as such
    # rather than as a failed handshake (where the local OpenSSL allows it).
    with contextlib.suppress(ValueError, ssl.SSLError):
        context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


async def _converse(state: ProbeState, resolver: Resolver, host: str, address: str,
                    port: int, lang: str, rcpt: str | None) -> None:
    values: dict[str, Any] = {"host": host, "port": port, "address": address}
    reader, writer = await _connect(address, port, host, resolver.deadline)
    session = Session(reader, writer, resolver.deadline, lang)
    try:
        await _dialogue(state, session, host, address, port, lang, rcpt, values)
    finally:
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError, TimeoutError):
            await asyncio.wait_for(writer.wait_closed(), 0.5)


async def _dialogue(state: ProbeState, session: Session, host: str, address: str, port: int,
                    lang: str, rcpt: str | None, values: dict[str, Any]) -> None:
    banner = await session.read_reply()
    evidence = [*session.transcript, f"time: {banner.seconds:.2f} s"]
    if banner.code != 220:
        state.results.append(_explained("smtp:banner", "fail", "smtp_banner_refused", banner,
                                        lang, evidence, **values))
        raise ProbeStop("smtp_skip")
    key = "smtp_banner_slow" if banner.seconds >= SLOW_BANNER else "smtp_banner_ok"
    state.results.append(result("smtp:banner", "pass", key, lang, evidence=evidence,
                                reply=banner.one_line, seconds=f"{banner.seconds:.2f}",
                                **values))
    local = session.writer.get_extra_info("sockname")
    helo_name = f"[{local[0]}]" if local else "[127.0.0.1]"
    if local and ":" in str(local[0]):
        helo_name = f"[IPv6:{local[0]}]"
    mark = len(session.transcript)
    ehlo = await session.command(f"EHLO {helo_name}")
    if ehlo.code != 250:
        state.results.append(_explained("smtp:ehlo", "fail", "smtp_ehlo_refused", ehlo, lang,
                                        session.transcript[mark:], **values))
        raise ProbeStop("smtp_skip")
    before = extensions(ehlo)
    implicit = port in IMPLICIT_TLS_PORTS
    tls_result, cert_result, after = await _starttls(session, before, host, port, lang,
                                                     implicit, values)
    ehlo_evidence = session.transcript[mark:]
    auth_before = "" if implicit else before.get("AUTH", "")
    auth_after = (after or before).get("AUTH", "") if (implicit or after is not None) else ""
    size = (after or before).get("SIZE", "")
    ehlo_values: dict[str, Any] = {**values, "extensions": ", ".join(sorted(after or before)),
                   "size": _size_text(size), "auth_before": auth_before or "-",
                   "auth_after": auth_after or "-"}
    if auth_before and "STARTTLS" in before:
        state.results.append(result("smtp:ehlo", "warn", "smtp_ehlo_auth_plain", lang,
                                    evidence=ehlo_evidence, **ehlo_values))
    else:
        state.results.append(result("smtp:ehlo", "pass", "smtp_ehlo_ok", lang,
                                    evidence=ehlo_evidence, **ehlo_values))
    state.results.append(tls_result)
    state.results.append(cert_result)
    if rcpt:
        mark = len(session.transcript)
        mail = await session.command("MAIL FROM:<>")
        if mail.code != 250:
            state.results.append(_explained("smtp:rcpt", "fail", "smtp_mail_refused", mail, lang,
                                            session.transcript[mark:], rcpt=rcpt, **values))
        else:
            answer = await session.command(f"RCPT TO:<{rcpt}>")
            status: Status = "pass" if answer.code in (250, 251) else \
                "warn" if 400 <= answer.code < 500 else "fail"
            key = {"pass": "smtp_rcpt_ok", "warn": "smtp_rcpt_deferred",
                   "fail": "smtp_rcpt_refused"}[status]
            state.results.append(_explained("smtp:rcpt", status, key, answer, lang,
                                            session.transcript[mark:], rcpt=rcpt, **values))
    with contextlib.suppress(ProbeStop, TimeoutError):
        await asyncio.wait_for(session.command("QUIT"), min(2.0, session.budget()))


def _size_text(size: str) -> str:
    if not size:
        return "-"
    if size.isdigit() and int(size) > 0:
        return f"{int(size) / 1_000_000:.1f} MB"
    return size or "-"


async def _starttls(session: Session, before: dict[str, str], host: str, port: int, lang: str,
                    implicit: bool, values: dict[str, Any]
                    ) -> tuple[CheckResult, CheckResult, dict[str, str] | None]:
    """(smtp:starttls, smtp:certificate, extensions after TLS or None)."""
    if implicit:
        ssl_object = session.writer.get_extra_info("ssl_object")
        tls = result("smtp:starttls", "pass", "smtp_tls_implicit", lang,
                     version=ssl_object.version() if ssl_object else "?", **values)
        return tls, _certificate(ssl_object, host, port, lang, values), None
    if "STARTTLS" not in before:
        return (result("smtp:starttls", "fail", "smtp_no_starttls", lang,
                       evidence=[f"EHLO: {', '.join(sorted(before))}"], **values),
                result("smtp:certificate", "skip", "smtp_cert_skip", lang, **values), None)
    mark = len(session.transcript)
    reply = await session.command("STARTTLS")
    if reply.code != 220:
        return (_explained("smtp:starttls", "fail", "smtp_starttls_refused", reply, lang,
                           session.transcript[mark:], **values),
                result("smtp:certificate", "skip", "smtp_cert_skip", lang, **values), None)
    try:
        await asyncio.wait_for(session.writer.start_tls(_inspecting_context(),
                                                        server_hostname=host),
                               session.budget())
    except TimeoutError:
        raise ProbeStop("smtp_timeout") from None
    except (OSError, ssl.SSLError) as exc:
        return (result("smtp:starttls", "fail", "smtp_tls_failed", lang,
                       evidence=[*session.transcript[mark:], str(exc)[:200]], **values),
                result("smtp:certificate", "skip", "smtp_cert_skip", lang, **values), None)
    ssl_object = session.writer.get_extra_info("ssl_object")
    version = ssl_object.version() if ssl_object else "?"
    cipher = ssl_object.cipher() if ssl_object else None
    evidence = [*session.transcript[mark:], f"TLS: {version} {cipher[0] if cipher else ''}"]
    status: Status = "warn" if version in ("TLSv1", "TLSv1.1", "SSLv3") else "pass"
    key = "smtp_tls_old" if status == "warn" else "smtp_tls_ok"
    tls = result("smtp:starttls", status, key, lang, evidence=evidence, version=version,
                 **values)
    cert = _certificate(ssl_object, host, port, lang, values)
    after_reply = await session.command(_ehlo_again(session))
    after = extensions(after_reply) if after_reply.code == 250 else {}
    return tls, cert, after


def _ehlo_again(session: Session) -> str:
    for line in session.transcript:
        if line.startswith("C: EHLO "):
            return line[3:]
    return "EHLO [127.0.0.1]"


def _certificate(ssl_object: ssl.SSLObject | None, host: str, port: int, lang: str,
                 values: dict[str, Any]) -> CheckResult:
    if ssl_object is None:
        return result("smtp:certificate", "error", "smtp_cert_unreadable", lang, **values)
    try:
        facts = inspect_chain(peer_chain(ssl_object), host)
    except (ValueError, IndexError) as exc:
        return result("smtp:certificate", "error", "smtp_cert_unreadable", lang,
                      evidence=[str(exc)[:200]], **values)
    now = datetime.datetime.now(datetime.UTC)
    days = facts.days_left(now)
    cert_values: dict[str, Any] = {**values, "subject": facts.subject, "issuer": facts.issuer,
                   "names": ", ".join(facts.names[:10]), "days": days,
                   "expiry": facts.not_after.date().isoformat(), "detail": facts.trust_detail}
    strict = port != 25  # mail programs verify on 465/587; MTAs on 25 often do not
    if days < 0:
        return result("smtp:certificate", "fail", "smtp_cert_expired", lang,
                      evidence=facts.evidence, **cert_values)
    if facts.name_matches is False:
        return result("smtp:certificate", "fail" if strict else "warn", "smtp_cert_name", lang,
                      evidence=facts.evidence, **cert_values)
    if not facts.trusted:
        key = "smtp_cert_self_signed" if facts.self_signed else "smtp_cert_untrusted"
        return result("smtp:certificate", "fail" if strict else "warn", key, lang,
                      evidence=facts.evidence, **cert_values)
    if days < EXPIRY_WARNING_DAYS:
        return result("smtp:certificate", "warn", "smtp_cert_expiring", lang,
                      evidence=facts.evidence, **cert_values)
    return result("smtp:certificate", "pass", "smtp_cert_ok", lang, evidence=facts.evidence,
                  **cert_values)
