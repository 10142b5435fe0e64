"""DNS queries for the checks: dnspython's async resolver, bounded in time and size.

Every query of a run goes through one :class:`Resolver`, pointed at ``--nameserver``
when given, so a test never leaves the machine. A query never raises: it returns
a :class:`DnsAnswer` whose ``outcome`` says what happened.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Literal

import dns.asyncresolver
import dns.exception
import dns.message
import dns.name
import dns.nameserver
import dns.rdatatype
import dns.resolver

Outcome = Literal["ok", "nxdomain", "nodata", "timeout", "error"]
MAX_RECORDS = 64  # per answer: more is cut off (a huge RRset is not evidence, it is noise)
MAX_TEXT = 8192  # characters kept of one record (a TXT record joined from its parts)
MAX_SHOWN = 300  # characters of one record shown in evidence


@dataclass(frozen=True, slots=True)
class DnsAnswer:
    name: str
    rdtype: str
    outcome: Outcome
    records: tuple[str, ...] = ()
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def void(self) -> bool:
        """NXDOMAIN or no records: a "void lookup" in SPF's terms."""
        return self.outcome in ("nxdomain", "nodata")

    def evidence(self) -> str:
        """The answer as one line for a result's evidence, cut to a readable length."""
        if self.ok:
            shown = [r if len(r) <= MAX_SHOWN else r[:MAX_SHOWN] + "…" for r in self.records[:8]]
            more = f" | (+{len(self.records) - 8})" if len(self.records) > 8 else ""
            return f"{self.name} {self.rdtype}: " + " | ".join(shown) + more
        return f"{self.name} {self.rdtype}: {self.outcome}{': ' + self.detail if self.detail else ''}"


def parse_nameserver(text: str) -> tuple[str, int]:
    """``ADDR`` or ``ADDR:PORT`` or ``[V6ADDR]:PORT`` -> (address, port); ValueError if bad."""
    import ipaddress

    text = text.strip()
    port = 53
    if text.startswith("["):
        address, _, rest = text[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise ValueError(text)
            port = int(rest[1:])
    elif text.count(":") == 1:
        address, _, port_text = text.partition(":")
        port = int(port_text)
    else:
        address = text
    ipaddress.ip_address(address)
    if not 0 < port < 65536:
        raise ValueError(text)
    return address, port


class Resolver:
    """One resolver for a whole check run, with a deadline shared by all queries."""

    def __init__(self, nameservers: list[tuple[str, int]], *, timeout: float,
                 query_timeout: float | None = None) -> None:
        if nameservers:
            resolver = dns.asyncresolver.Resolver(configure=False)
            resolver.nameservers = [dns.nameserver.Do53Nameserver(address, port)
                                    for address, port in nameservers]
        else:
            try:
                resolver = dns.asyncresolver.Resolver()
            except (dns.resolver.NoResolverConfiguration, OSError):
                resolver = dns.asyncresolver.Resolver(configure=False)
                resolver.nameservers = ["127.0.0.1"]
        resolver.cache = None
        resolver.retry_servfail = False
        self.resolver = resolver
        self.deadline = time.monotonic() + timeout
        self.query_timeout = query_timeout if query_timeout is not None else max(1.0, timeout / 2)
        self._memo: dict[tuple[str, str], asyncio.Future[DnsAnswer]] = {}

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    async def query(self, name: str, rdtype: str) -> DnsAnswer:
        """One query; the same (name, type) asked twice in a run is asked once."""
        key = (name.lower().rstrip("."), rdtype)
        future = self._memo.get(key)
        if future is None:
            future = asyncio.ensure_future(self._ask(key[0], rdtype))
            self._memo[key] = future
        return await asyncio.shield(future)

    async def many(self, questions: list[tuple[str, str]]) -> list[DnsAnswer]:
        return list(await asyncio.gather(*(self.query(n, t) for n, t in questions)))

    async def _ask(self, name: str, rdtype: str) -> DnsAnswer:
        budget = min(self.query_timeout, self.remaining())
        if budget <= 0.05:
            return DnsAnswer(name, rdtype, "timeout")
        try:
            answer = await asyncio.wait_for(
                self.resolver.resolve(name, rdtype, lifetime=budget, search=False,
                                      raise_on_no_answer=False),
                timeout=budget + 0.5,
            )
        except dns.resolver.NXDOMAIN:
            return DnsAnswer(name, rdtype, "nxdomain")
        except (dns.exception.Timeout, TimeoutError):
            return DnsAnswer(name, rdtype, "timeout")
        except dns.resolver.NoNameservers as exc:
            return DnsAnswer(name, rdtype, "error", detail=_short(exc))
        except (dns.exception.DNSException, OSError, ValueError, UnicodeError) as exc:
            return DnsAnswer(name, rdtype, "error", detail=_short(exc))
        rrset = answer.rrset
        if rrset is None:
            return DnsAnswer(name, rdtype, "nodata")
        records = [_text(rdata) for rdata in list(rrset)[:MAX_RECORDS]]
        return DnsAnswer(name, rdtype, "ok", tuple(records))


def _text(rdata: object) -> str:
    """A record as text; TXT strings split across several parts are joined (RFC 7208 3.3)."""
    strings = getattr(rdata, "strings", None)
    if strings is not None:
        joined = b"".join(strings).decode("utf-8", errors="replace")
        return joined[:MAX_TEXT]
    exchange = getattr(rdata, "exchange", None)
    if exchange is not None:
        return f"{getattr(rdata, 'preference', 0)} {exchange.to_text(omit_final_dot=True)}"
    target = getattr(rdata, "target", None)
    if target is not None:
        return str(target.to_text(omit_final_dot=True))
    return str(rdata.to_text())[:MAX_TEXT]  # type: ignore[attr-defined]


def _short(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0][:200]


def reverse_name(ip: str) -> str:
    """The name queried for an address: reversed octets (IPv4) or nibbles (IPv6), no zone."""
    import dns.reversename

    name = dns.reversename.from_address(ip)
    return str(name.relativize(dns.reversename.ipv4_reverse_domain)
               if ip.count(".") == 3 and ":" not in ip
               else name.relativize(dns.reversename.ipv6_reverse_domain))
