"""MX records of a domain, and whether every mail host they name resolves."""

from __future__ import annotations

from typing import Any

from smtp_explain.check.model import CheckResult
from smtp_explain.check.resolver import Resolver
from smtp_explain.check.wording import result


async def check_mx(resolver: Resolver, domain: str, lang: str) -> CheckResult:
    answer = await resolver.query(domain, "MX")
    evidence = [answer.evidence()]
    if answer.outcome in ("timeout", "error"):
        return result("mx", "error", "mx_dns_error", lang, evidence=evidence, domain=domain)
    if answer.outcome == "nxdomain":
        return result("mx", "fail", "mx_nxdomain", lang, evidence=evidence, domain=domain)
    if not answer.ok:
        return result("mx", "warn", "mx_missing", lang, evidence=evidence, domain=domain)
    hosts = []
    for record in answer.records:
        preference, _, host = record.partition(" ")
        hosts.append((int(preference) if preference.isdigit() else 0, host.rstrip(".").lower()))
    if any(host in ("", ".") for _, host in hosts) and len(hosts) == 1:
        return result("mx", "warn", "mx_null", lang, evidence=evidence, domain=domain)
    hosts.sort()
    names = [host for _, host in hosts]
    lookups = await resolver.many([(h, t) for h in names for t in ("A", "AAAA")])
    evidence.extend(a.evidence() for a in lookups)
    dead = [h for i, h in enumerate(names)
            if not (lookups[2 * i].ok or lookups[2 * i + 1].ok)]
    unsure = [h for i, h in enumerate(names)
              if h in dead and any(a.outcome in ("timeout", "error")
                                   for a in lookups[2 * i:2 * i + 2])]
    values: dict[str, Any] = {"domain": domain, "hosts": ", ".join(names), "count": len(names),
              "dead": ", ".join(dead)}
    if unsure:
        return result("mx", "error", "mx_host_dns_error", lang, evidence=evidence, **values)
    if dead and len(dead) == len(names):
        return result("mx", "fail", "mx_none_resolve", lang, evidence=evidence, **values)
    if dead:
        return result("mx", "warn", "mx_some_dead", lang, evidence=evidence, **values)
    return result("mx", "pass", "mx_ok", lang, evidence=evidence, **values)
