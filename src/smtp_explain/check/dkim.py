"""DKIM keys (RFC 6376) published under selectors: present, not revoked, strong enough."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key, load_pem_public_key

from smtp_explain.check.model import CheckResult
from smtp_explain.check.resolver import DnsAnswer, Resolver
from smtp_explain.check.tags import parse_tags
from smtp_explain.check.wording import result

# Selectors that mail services and server programs use by default; tried when the
# user names none, and reported only when found.
COMMON_SELECTORS = ("default", "dkim", "mail", "selector1", "selector2", "google", "k1",
                    "s1", "s2")
STRONG_BITS = 2048
WEAK_BITS = 1024


def _rsa_key(raw: bytes) -> object | None:
    """The key of p=: SubjectPublicKeyInfo (RFC 6376), or a bare PKCS#1 RSAPublicKey,
    which some signers publish and most verifiers accept."""
    try:
        return load_der_public_key(raw)
    except (ValueError, TypeError):
        pass
    body = base64.encodebytes(raw).decode("ascii")
    try:
        return load_pem_public_key(
            f"-----BEGIN RSA PUBLIC KEY-----\n{body}-----END RSA PUBLIC KEY-----\n".encode())
    except (ValueError, TypeError):
        return None


def judge_key(check_id: str, answer: DnsAnswer, lang: str, **values: Any) -> CheckResult:
    evidence = [answer.evidence()[:600]]
    records = [r for r in answer.records if "p=" in r.replace(" ", "")]
    if answer.outcome in ("timeout", "error"):
        return result(check_id, "error", "dkim_dns_error", lang, evidence=evidence, **values)
    if not records:
        return result(check_id, "fail", "dkim_missing", lang, evidence=evidence, **values)
    tags = parse_tags(records[0])
    if tags is None or "p" not in tags:
        return result(check_id, "fail", "dkim_syntax", lang, evidence=evidence, **values)
    key_type = tags.get("k", "rsa").lower()
    data = "".join(tags["p"].split())
    if not data:
        return result(check_id, "fail", "dkim_revoked", lang, evidence=evidence, **values)
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return result(check_id, "fail", "dkim_syntax", lang, evidence=evidence, **values)
    if key_type == "ed25519":
        bits = 256
        if len(raw) != 32:
            return result(check_id, "fail", "dkim_syntax", lang, evidence=evidence, **values)
    elif key_type == "rsa":
        key = _rsa_key(raw)
        if key is None:
            return result(check_id, "fail", "dkim_syntax", lang, evidence=evidence, **values)
        if not isinstance(key, rsa.RSAPublicKey):
            return result(check_id, "fail", "dkim_syntax", lang, evidence=evidence, **values)
        bits = key.key_size
        if bits < WEAK_BITS:
            return result(check_id, "fail", "dkim_weak", lang, evidence=evidence, bits=bits,
                          **values)
        if bits < STRONG_BITS:
            return result(check_id, "warn", "dkim_short", lang, evidence=evidence, bits=bits,
                          **values)
    else:
        return result(check_id, "fail", "dkim_syntax", lang, evidence=evidence, **values)
    if "y" in tags.get("t", "").lower().split(":"):
        return result(check_id, "warn", "dkim_testing", lang, evidence=evidence, bits=bits,
                      key_type=key_type, **values)
    return result(check_id, "pass", "dkim_ok", lang, evidence=evidence, bits=bits,
                  key_type=key_type, **values)


async def check_dkim(resolver: Resolver, domain: str, selectors: list[str], lang: str
                     ) -> list[CheckResult]:
    """Named selectors are always reported; common ones only when a key is found there."""
    named = list(dict.fromkeys(s.strip().lower() for s in selectors if s.strip()))
    common = [s for s in COMMON_SELECTORS if s not in named]
    answers = await resolver.many([(f"{s}._domainkey.{domain}", "TXT") for s in named + common])
    results = []
    for selector, answer in zip(named + common, answers, strict=True):
        if selector in common and not any("p=" in r for r in answer.records):
            continue
        values = {"domain": domain, "selector": selector}
        results.append(judge_key(f"dkim:{selector}", answer, lang, **values))
    if not results and any(a.outcome in ("timeout", "error") for a in answers):
        results.append(result("dkim:*", "error", "dkim_dns_error", lang, domain=domain,
                              selector="*", evidence=[a.evidence() for a in answers][:3]))
    elif not results:
        results.append(result("dkim:*", "warn", "dkim_none_found", lang, domain=domain,
                              selectors=", ".join(COMMON_SELECTORS),
                              evidence=[a.evidence() for a in answers][:3]))
    return results
