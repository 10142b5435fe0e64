"""What the user asked to check: an IP address, a domain (or an address's domain), HOST:PORT."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from smtp_explain.check.model import Kind

MAX_TARGET = 320
# One DNS label: letters, digits, hyphens (and underscores, seen in real names); no
# backtracking risk, each label is matched on its own.
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_PORT = re.compile(r"[0-9]{1,5}")


class TargetError(ValueError):
    """The target is not an IP address, a domain, an email address or HOST:PORT."""


@dataclass(frozen=True, slots=True)
class Target:
    text: str
    kind: Kind
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None
    domain: str | None = None
    host: str | None = None
    port: int | None = None


def normalize_domain(text: str) -> str | None:
    """A lower-case domain name without the final dot, or None when it is not one."""
    name = text.strip().rstrip(".").lower()
    if not name or len(name) > 253 or "." not in name:
        return None
    try:
        name = name.encode("idna").decode("ascii") if not name.isascii() else name
    except UnicodeError:
        return None
    labels = name.split(".")
    if not all(_LABEL.fullmatch(label) for label in labels):
        return None
    if labels[-1].isdigit():
        return None
    return name


def parse_target(text: str) -> Target:
    """Read a target; raises :class:`TargetError` with the reason when it is none of the forms."""
    raw = text.strip()
    if not raw or len(raw) > MAX_TARGET:
        raise TargetError(raw[:80])
    try:
        return Target(raw, "ip", ip=ipaddress.ip_address(raw.strip("[]")))
    except ValueError:
        pass
    host, port = _split_host_port(raw)
    if port is not None:
        try:
            ip = ipaddress.ip_address(host.strip("[]"))
            return Target(raw, "smtp", ip=ip, host=str(ip), port=port)
        except ValueError:
            domain = normalize_domain(host)
            if domain is None:
                raise TargetError(raw[:80]) from None
            return Target(raw, "smtp", host=domain, port=port)
    raw_domain = raw.rsplit("@", 1)[1] if "@" in raw else raw
    domain = normalize_domain(raw_domain)
    if domain is None:
        raise TargetError(raw[:80])
    return Target(raw, "domain", domain=domain)


def _split_host_port(raw: str) -> tuple[str, int | None]:
    if raw.startswith("[") and "]:" in raw:
        host, _, port = raw[1:].partition("]:")
    elif raw.count(":") == 1 and "@" not in raw:
        host, _, port = raw.partition(":")
    else:
        return raw, None
    if not _PORT.fullmatch(port) or not 0 < int(port) < 65536:
        raise TargetError(raw[:80])
    return host, int(port)
