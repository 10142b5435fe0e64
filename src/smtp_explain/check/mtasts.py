"""MTA-STS (RFC 8461): the ``_mta-sts`` TXT record and the policy file served over HTTPS.

The policy host is resolved through the run's resolver (never the system's) and
fetched with a bounded read; an address the caller may not reach is not contacted.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from typing import Any

from smtp_explain.check.model import CheckResult
from smtp_explain.check.resolver import Resolver
from smtp_explain.check.tags import parse_tags
from smtp_explain.check.wording import result

MAX_POLICY = 64 << 10
MODES = ("enforce", "testing", "none")
POLICY_PORT = 443


def policy_context() -> ssl.SSLContext:
    """TLS for the policy fetch: verified against the system's trust store (RFC 8461 3.3)."""
    return ssl.create_default_context()


def parse_policy(text: str) -> dict[str, list[str]]:
    """``key: value`` lines of a policy file; ``mx`` may repeat."""
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip().lower(), []).append(value.strip())
    return fields


async def fetch_policy(host: str, address: str, timeout: float) -> tuple[int, str]:
    """(HTTP status, body) of https://host/.well-known/mta-sts.txt at ``address``."""
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(address, POLICY_PORT, ssl=policy_context(),
                                server_hostname=host), timeout)
    try:
        writer.write(f"GET /.well-known/mta-sts.txt HTTP/1.0\r\nHost: {host}\r\n"
                     "User-Agent: smtp-explain\r\nConnection: close\r\n\r\n".encode("ascii"))
        await writer.drain()
        data = await asyncio.wait_for(reader.read(MAX_POLICY + 4096), timeout)
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].decode("latin-1").split()
    status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
    return status, body[:MAX_POLICY].decode("utf-8", errors="replace")


async def check_mtasts(resolver: Resolver, domain: str, lang: str,
                       may_connect: Callable[[str], bool]) -> CheckResult:
    answer = await resolver.query(f"_mta-sts.{domain}", "TXT")
    evidence = [answer.evidence()]
    values: dict[str, Any] = {"domain": domain}
    if answer.outcome in ("timeout", "error"):
        return result("mta-sts", "error", "mtasts_dns_error", lang, evidence=evidence, **values)
    records = [r for r in answer.records if r.replace(" ", "").lower().startswith("v=stsv1")]
    if not records:
        return result("mta-sts", "warn", "mtasts_missing", lang, evidence=evidence, **values)
    tags = parse_tags(records[0])
    if len(records) > 1 or tags is None or not tags.get("id"):
        return result("mta-sts", "fail", "mtasts_syntax", lang, evidence=evidence, **values)
    host = f"mta-sts.{domain}"
    addresses = await resolver.many([(host, "A"), (host, "AAAA")])
    evidence.extend(a.evidence() for a in addresses)
    candidates = [r for a in addresses for r in a.records]
    if not candidates:
        return result("mta-sts", "warn", "mtasts_no_host", lang, evidence=evidence, **values)
    allowed = [a for a in candidates if may_connect(a)]
    budget = min(5.0, resolver.remaining())
    if not allowed or budget <= 0.2:
        return result("mta-sts", "warn", "mtasts_not_fetched", lang, evidence=evidence,
                      detail="not contacted", **values)
    try:
        status, body = await fetch_policy(host, allowed[0], budget)
    except (OSError, ssl.SSLError, TimeoutError, ValueError) as exc:
        detail = (str(exc) or type(exc).__name__).splitlines()[0][:160]
        evidence.append(f"https://{host}/.well-known/mta-sts.txt: {detail}")
        return result("mta-sts", "warn", "mtasts_not_fetched", lang, evidence=evidence,
                      detail=detail, **values)
    evidence.append(f"https://{host}/.well-known/mta-sts.txt: HTTP {status}")
    policy = parse_policy(body)
    mode = (policy.get("mode") or [""])[0].lower()
    if status != 200 or mode not in MODES or not policy.get("max_age"):
        return result("mta-sts", "fail", "mtasts_bad_policy", lang, evidence=evidence,
                      http_status=status, **values)
    evidence.extend(f"{k}: {v}" for k, vs in policy.items() for v in vs[:10])
    values.update(mode=mode, mx=", ".join(policy.get("mx", [])))
    if mode != "enforce":
        return result("mta-sts", "warn", "mtasts_not_enforced", lang, evidence=evidence,
                      **values)
    return result("mta-sts", "pass", "mtasts_ok", lang, evidence=evidence, **values)
