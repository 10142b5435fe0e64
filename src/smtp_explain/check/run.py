"""One check run: parse the target, run every check that applies, concurrently, in time."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from smtp_explain import catalog
from smtp_explain.check.blocklist import check_lists, zones_for
from smtp_explain.check.dkim import check_dkim
from smtp_explain.check.dmarc import check_dmarc
from smtp_explain.check.model import CheckReport, CheckResult
from smtp_explain.check.mtasts import check_mtasts
from smtp_explain.check.mx import check_mx
from smtp_explain.check.ptr import check_ptr
from smtp_explain.check.resolver import Resolver
from smtp_explain.check.smtp_probe import probe
from smtp_explain.check.spf import check_spf
from smtp_explain.check.target import Target, parse_target
from smtp_explain.check.tlsrpt import check_tlsrpt
from smtp_explain.check.wording import result

DEFAULT_TIMEOUT = 10.0
MARGIN = 1.0  # seconds over --timeout that a run may take (closing sockets, rendering)


@dataclass(slots=True)
class CheckOptions:
    nameservers: list[tuple[str, int]] = field(default_factory=list)
    timeout: float = DEFAULT_TIMEOUT
    selectors: list[str] = field(default_factory=list)
    rcpt: str | None = None
    lang: str = catalog.DEFAULT_LANG
    # Whether private, loopback and link-local addresses may be contacted (SMTP, HTTPS).
    # The CLI allows them; the web service does not unless started with a flag.
    allow_private: bool = True


def public_address(address: str) -> bool:
    """True for an address on the public internet (not private, loopback, link-local...)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_global and not ip.is_multicast


def run_check(target: str | Target, options: CheckOptions) -> CheckReport:
    """Run a check; raises TargetError for an invalid target. Never takes much over the timeout."""
    parsed = target if isinstance(target, Target) else parse_target(target)
    return asyncio.run(run_check_async(parsed, options))


async def run_check_async(target: Target, options: CheckOptions) -> CheckReport:
    lang = catalog.pick_language(options.lang)
    resolver = Resolver(options.nameservers, timeout=options.timeout)
    report = CheckReport(target.text, target.kind, lang)

    def may_connect(address: str) -> bool:
        return options.allow_private or public_address(address)

    groups: list[tuple[Awaitable[list[CheckResult]], list[str]]] = []
    if target.kind == "ip" and target.ip is not None:
        ip = str(target.ip)
        family = "ipv4" if target.ip.version == 4 else "ipv6"
        groups.append((check_lists(resolver, ip, family, lang),
                       [f"blocklist:{z.list_id}" for z in zones_for(family)]))
        groups.append((check_ptr(resolver, ip, lang), ["ptr", "fcrdns"]))
    elif target.kind == "domain" and target.domain:
        domain = target.domain
        groups += [
            (_one(check_mx(resolver, domain, lang)), ["mx"]),
            (_one(check_spf(resolver, domain, lang)), ["spf"]),
            (_one(check_dmarc(resolver, domain, lang)), ["dmarc"]),
            (check_dkim(resolver, domain, options.selectors, lang),
             [f"dkim:{s}" for s in options.selectors] or ["dkim:*"]),
            (_one(check_mtasts(resolver, domain, lang, may_connect)), ["mta-sts"]),
            (_one(check_tlsrpt(resolver, domain, lang)), ["tls-rpt"]),
            (check_lists(resolver, domain, "domain", lang),
             [f"blocklist:{z.list_id}" for z in zones_for("domain")]),
        ]
    elif target.kind == "smtp" and target.host and target.port:
        groups.append((_smtp(resolver, target, options, lang, may_connect),
                       ["smtp:banner", "smtp:ehlo", "smtp:starttls", "smtp:certificate",
                        *(["smtp:rcpt"] if options.rcpt else []), "ptr", "fcrdns"]))
    outcomes = await asyncio.gather(*(_bounded(resolver, coro, ids, lang)
                                      for coro, ids in groups))
    seen: set[str] = set()
    for outcome in outcomes:
        for check in outcome:
            if check.id not in seen:
                seen.add(check.id)
                report.checks.append(check)
    return report


async def _one(coro: Awaitable[CheckResult]) -> list[CheckResult]:
    return [await coro]


async def _smtp(resolver: Resolver, target: Target, options: CheckOptions, lang: str,
                may_connect: Callable[[str], bool]) -> list[CheckResult]:
    assert target.host is not None and target.port is not None
    address = str(target.ip) if target.ip is not None else None
    if address is None:
        answers = await resolver.many([(target.host, "A"), (target.host, "AAAA")])
        found = [r for a in answers for r in a.records]
        address = found[0] if found else None
    smtp = probe(resolver, target.host, target.port, lang, rcpt=options.rcpt,
                 may_connect=may_connect, address=address)
    if address is None:
        return await smtp
    probed, reverse = await asyncio.gather(smtp, check_ptr(resolver, address, lang))
    return [*probed, *reverse]


async def _bounded(resolver: Resolver, coro: Awaitable[list[CheckResult]], ids: list[str],
                   lang: str) -> list[CheckResult]:
    """A group of checks, cut off at the run's deadline: what did not finish is ``error``."""
    try:
        return await asyncio.wait_for(coro, max(0.1, resolver.remaining() + MARGIN / 2))
    except TimeoutError:
        return [result(i, "error", "check_timeout", lang) for i in ids]
    except Exception as exc:  # a bug in one check must not cost the others their results
        detail = f"{type(exc).__name__}: {str(exc)[:160]}"
        return [result(i, "error", "check_internal", lang, detail=detail) for i in ids]
