"""DMARC (RFC 7489): the policy record of a domain or of its organisational domain."""

from __future__ import annotations

from typing import Any

from smtp_explain.check.model import CheckResult
from smtp_explain.check.resolver import DnsAnswer, Resolver
from smtp_explain.check.tags import parse_tags
from smtp_explain.check.wording import result

POLICIES = ("none", "quarantine", "reject")


def organisational_domain(domain: str) -> str:
    """The registrable domain, approximated as the last two labels.

    No public suffix list is shipped: for names under a two-label suffix (example.co.uk)
    the fallback asks one level too high, which only finds nothing.
    """
    labels = domain.split(".")
    return ".".join(labels[-2:])


def dmarc_records(answer: DnsAnswer) -> list[str]:
    return [r for r in answer.records if r.replace(" ", "").lower().startswith("v=dmarc1")]


async def check_dmarc(resolver: Resolver, domain: str, lang: str) -> CheckResult:
    org = organisational_domain(domain)
    names = [f"_dmarc.{domain}"] + ([f"_dmarc.{org}"] if org != domain else [])
    answers = await resolver.many([(name, "TXT") for name in names])
    evidence = [answer.evidence() for answer in answers]
    used = None
    for answer in answers:
        if answer.outcome in ("timeout", "error"):
            return result("dmarc", "error", "dmarc_dns_error", lang, evidence=evidence,
                          domain=domain)
        if dmarc_records(answer):
            used = answer
            break
    if used is None:
        return result("dmarc", "fail", "dmarc_missing", lang, evidence=evidence, domain=domain)
    records = dmarc_records(used)
    where = used.name.removeprefix("_dmarc.")
    values: dict[str, Any] = {"domain": domain, "where": where}
    if len(records) > 1:
        return result("dmarc", "fail", "dmarc_multiple", lang, evidence=evidence, **values)
    tags = parse_tags(records[0])
    if tags is None or tags.get("v") != "DMARC1" or tags.get("p", "").lower() not in POLICIES:
        return result("dmarc", "fail", "dmarc_syntax", lang, evidence=evidence,
                      record=records[0][:200], **values)
    policy = tags["p"].lower()
    if where != domain and tags.get("sp"):
        policy = tags["sp"].lower() if tags["sp"].lower() in POLICIES else policy
    pct_text = tags.get("pct", "100")
    pct = int(pct_text) if pct_text.isdigit() else -1
    values.update(policy=policy, pct=pct_text, rua=tags.get("rua") or "-",
                  adkim="strict" if tags.get("adkim", "r").lower() == "s" else "relaxed",
                  aspf="strict" if tags.get("aspf", "r").lower() == "s" else "relaxed",
                  inherited="" if where == domain else where)
    if not 0 <= pct <= 100:
        return result("dmarc", "fail", "dmarc_syntax", lang, evidence=evidence,
                      record=records[0][:200], **values)
    key = "dmarc_ok" if where == domain else "dmarc_ok_org"
    if policy == "none":
        return result("dmarc", "warn", "dmarc_none", lang, evidence=evidence, **values)
    if pct < 100:
        return result("dmarc", "warn", "dmarc_partial", lang, evidence=evidence, **values)
    if not tags.get("rua"):
        return result("dmarc", "warn", "dmarc_no_rua", lang, evidence=evidence, **values)
    return result("dmarc", "pass", key, lang, evidence=evidence, **values)
