"""Reverse DNS of an address (PTR) and forward-confirmed reverse DNS (FCrDNS)."""

from __future__ import annotations

import ipaddress
from typing import Any

import dns.reversename

from smtp_explain.check.model import CheckResult
from smtp_explain.check.resolver import Resolver
from smtp_explain.check.wording import result


async def check_ptr(resolver: Resolver, ip: str, lang: str) -> list[CheckResult]:
    """The ``ptr`` and ``fcrdns`` results; fcrdns is skipped when there is no PTR."""
    reverse = dns.reversename.from_address(ip).to_text(omit_final_dot=True)
    answer = await resolver.query(reverse, "PTR")
    evidence = [answer.evidence()]
    values: dict[str, Any] = {"ip": ip}
    if answer.outcome in ("timeout", "error"):
        return [result("ptr", "error", "ptr_dns_error", lang, evidence=evidence, **values),
                result("fcrdns", "skip", "fcrdns_skip", lang, **values)]
    if not answer.ok:
        return [result("ptr", "fail", "ptr_missing", lang, evidence=evidence, **values),
                result("fcrdns", "skip", "fcrdns_skip", lang, **values)]
    names = [name.rstrip(".").lower() for name in answer.records]
    ptr = result("ptr", "pass", "ptr_ok", lang, evidence=evidence, names=", ".join(names),
                 **values)
    version = ipaddress.ip_address(ip).version
    rdtype = "A" if version == 4 else "AAAA"
    forward = await resolver.many([(name, rdtype) for name in names])
    fwd_evidence = [a.evidence() for a in forward]
    wanted = ipaddress.ip_address(ip)
    confirmed = [name for name, a in zip(names, forward, strict=True)
                 if any(_same(r, wanted) for r in a.records)]
    values.update(names=", ".join(names), confirmed=", ".join(confirmed))
    if confirmed:
        return [ptr, result("fcrdns", "pass", "fcrdns_ok", lang, evidence=fwd_evidence,
                            **values)]
    if any(a.outcome in ("timeout", "error") for a in forward):
        return [ptr, result("fcrdns", "error", "fcrdns_dns_error", lang,
                            evidence=fwd_evidence, **values)]
    return [ptr, result("fcrdns", "fail", "fcrdns_mismatch", lang, evidence=fwd_evidence,
                        **values)]


def _same(record: str, wanted: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    try:
        return ipaddress.ip_address(record) == wanted
    except ValueError:
        return False
