"""TLS-RPT (RFC 8460): where receivers send reports about TLS failures to this domain."""

from __future__ import annotations

from smtp_explain.check.model import CheckResult
from smtp_explain.check.resolver import Resolver
from smtp_explain.check.tags import parse_tags
from smtp_explain.check.wording import result


async def check_tlsrpt(resolver: Resolver, domain: str, lang: str) -> CheckResult:
    answer = await resolver.query(f"_smtp._tls.{domain}", "TXT")
    evidence = [answer.evidence()]
    if answer.outcome in ("timeout", "error"):
        return result("tls-rpt", "error", "tlsrpt_dns_error", lang, evidence=evidence,
                      domain=domain)
    records = [r for r in answer.records if r.replace(" ", "").lower().startswith("v=tlsrptv1")]
    if not records:
        return result("tls-rpt", "warn", "tlsrpt_missing", lang, evidence=evidence,
                      domain=domain)
    tags = parse_tags(records[0])
    if len(records) > 1 or tags is None or not tags.get("rua"):
        return result("tls-rpt", "fail", "tlsrpt_syntax", lang, evidence=evidence,
                      domain=domain)
    return result("tls-rpt", "pass", "tlsrpt_ok", lang, evidence=evidence, domain=domain,
                  rua=tags["rua"])
