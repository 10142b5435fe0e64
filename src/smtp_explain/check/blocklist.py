"""DNS blocklist queries and the validation of their answers.

Written on dnspython rather than taken from pydnsbl: pydnsbl counts any answer as
a listing, so Spamhaus's 127.255.255.x ("refused: public resolver", "rate-limited")
makes every sender look listed. Here an answer is a listing only when the list
documents it as one (blocklists.toml ``[<id>.dns]``); documented error codes and
undocumented answers are ``error``, never ``fail``.
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass
from typing import Any

from smtp_explain import catalog
from smtp_explain.check.model import CheckResult
from smtp_explain.check.resolver import DnsAnswer, Resolver, reverse_name
from smtp_explain.check.wording import code_meaning, result

LOOPBACK_NET = ipaddress.ip_network("127.0.0.0/8")


@dataclass(frozen=True, slots=True)
class ListZone:
    list_id: str
    name: str
    zone: str
    dns: dict[str, Any]
    lookup_url: str | None


def zones_for(kind: str) -> list[ListZone]:
    """Every list with a DNS zone for ``kind`` (ipv4, ipv6 or domain), in file order."""
    found = []
    for list_id, entry in catalog.facts("blocklists").get("blocklists", {}).items():
        dns = entry.get("dns")
        if not dns or kind not in dns.get("zones", {}):
            continue
        found.append(ListZone(list_id, entry.get("name", list_id), dns["zones"][kind], dns,
                              entry.get("lookup_url")))
    return found


def query_name(subject: str, zone: str) -> str:
    """IPv4: reversed octets; IPv6: reversed nibbles; a domain as it is; then the zone."""
    try:
        ipaddress.ip_address(subject)
    except ValueError:
        return f"{subject}.{zone}"
    return f"{reverse_name(subject)}.{zone}"


def classify_answer(dns: dict[str, Any], records: tuple[str, ...]) -> tuple[str, list[str]]:
    """(``listed`` | ``error`` | ``not-listed`` | ``unexpected``, meaning ids) for A answers."""
    listed = dns.get("listed", {})
    errors = dns.get("errors", {})
    not_listed = dns.get("not_listed", {})
    meanings: list[str] = []
    error_meanings: list[str] = []
    unexpected = False
    quiet = False
    for record in records:
        try:
            address = ipaddress.ip_address(record)
        except ValueError:
            unexpected = True
            continue
        text = str(address)
        if text in errors:
            error_meanings.append(errors[text])
        elif text in not_listed:
            quiet = True
        elif address.version != 4 or address not in LOOPBACK_NET:
            unexpected = True
        elif dns.get("bitmask"):
            octet = int(text.rsplit(".", 1)[1])
            bits = [meaning for bit, meaning in listed.items() if octet & int(bit)]
            if bits and text.startswith("127.0.0."):
                meanings.extend(bits)
            else:
                unexpected = True
        elif text in listed:
            meanings.append(listed[text])
        else:
            unexpected = True
    if error_meanings:
        return "error", error_meanings
    if meanings:
        return "listed", list(dict.fromkeys(meanings))
    if unexpected:
        return "unexpected", []
    return ("not-listed" if quiet else "unexpected"), []


def _lookup_link(zone: ListZone, subject: str) -> str | None:
    if not zone.lookup_url:
        return None
    return str(zone.lookup_url.replace("{ip}", subject).replace("{domain}", subject))


def judge(zone: ListZone, subject: str, answer: DnsAnswer, lang: str) -> CheckResult:
    check_id = f"blocklist:{zone.list_id}"
    evidence = [answer.evidence()]
    values = {"list": zone.name, "subject": subject, "zone": zone.zone,
              "link": _lookup_link(zone, subject) or catalog.facts("blocklists")["blocklists"]
              [zone.list_id].get("delist", "")}
    if answer.outcome in ("nxdomain", "nodata"):
        return result(check_id, "pass", "blocklist_clean", lang, evidence=evidence, **values)
    if answer.outcome == "timeout":
        return result(check_id, "error", "blocklist_timeout", lang, evidence=evidence, **values)
    if answer.outcome == "error":
        return result(check_id, "error", "blocklist_dns_error", lang, evidence=evidence,
                      detail=answer.detail, **values)
    verdict, meanings = classify_answer(zone.dns, answer.records)
    words = "; ".join(code_meaning(lang, m) for m in meanings)
    if verdict == "listed":
        key = "blocklist_listed_plain" if meanings == ["listed"] else "blocklist_listed"
        return result(check_id, "fail", key, lang, evidence=evidence, meaning=words, **values)
    if verdict == "error":
        return result(check_id, "error", "blocklist_refused", lang, evidence=evidence,
                      meaning=words, **values)
    if verdict == "not-listed":
        return result(check_id, "pass", "blocklist_clean", lang, evidence=evidence, **values)
    return result(check_id, "error", "blocklist_unexpected", lang, evidence=evidence,
                  answer=", ".join(answer.records[:4]), **values)


async def check_lists(resolver: Resolver, subject: str, kind: str, lang: str
                      ) -> list[CheckResult]:
    """Every list that holds ``kind``, queried concurrently; one result per list."""
    zones = zones_for(kind)
    answers = await asyncio.gather(*(resolver.query(query_name(subject, z.zone), "A")
                                     for z in zones))
    return [judge(zone, subject, answer, lang) for zone, answer in zip(zones, answers, strict=True)]
