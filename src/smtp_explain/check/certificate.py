"""What a server's TLS certificate says: chain, names, expiry, trust (via cryptography)."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.x509 import verification
from cryptography.x509.oid import NameOID

EXPIRY_WARNING_DAYS = 14


@dataclass(slots=True)
class CertificateFacts:
    subject: str
    issuer: str
    names: list[str]
    not_after: datetime.datetime
    self_signed: bool
    chain_length: int
    name_matches: bool | None  # None: no host name to compare
    trusted: bool
    trust_detail: str = ""
    evidence: list[str] = field(default_factory=list)

    def days_left(self, now: datetime.datetime) -> int:
        return (self.not_after - now).days


def _cn(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def peer_chain(ssl_object: ssl.SSLObject) -> list[bytes]:
    """The DER certificates the server sent, leaf first (the private API before 3.13)."""
    getter = getattr(ssl_object, "get_unverified_chain", None)
    if getter is None:
        inner = getattr(ssl_object, "_sslobj", None)
        getter = getattr(inner, "get_unverified_chain", None)
    chain: list[bytes] = []
    if getter is not None:
        for cert in getter() or ():
            if isinstance(cert, bytes):
                chain.append(cert)
            else:
                chain.append(cert.public_bytes(ssl._ssl.ENCODING_DER))  # type: ignore[attr-defined]
    if not chain:
        leaf = ssl_object.getpeercert(binary_form=True)
        if leaf:
            chain.append(leaf)
    return chain


@cache
def _trust_store() -> verification.Store | None:
    paths = ssl.get_default_verify_paths()
    for candidate in (paths.cafile, paths.openssl_cafile, "/etc/ssl/certs/ca-certificates.crt"):
        if candidate and Path(candidate).is_file():
            try:
                with warnings.catch_warnings():  # old roots with odd serial numbers
                    warnings.simplefilter("ignore")
                    certs = x509.load_pem_x509_certificates(Path(candidate).read_bytes())
            except ValueError:
                continue
            return verification.Store(certs)
    return None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _matches(host: str, names: list[str]) -> bool:
    host = host.lower().rstrip(".")
    for name in names:
        name = name.lower().rstrip(".")
        if name == host:
            return True
        if name.startswith("*.") and host.count(".") == name.count(".") and \
                host.split(".", 1)[1] == name[2:]:
            return True
    return False


def inspect_chain(chain: list[bytes], host: str | None,
                  now: datetime.datetime | None = None) -> CertificateFacts:
    """Facts about a chain; raises ValueError when the leaf cannot be read."""
    now = now or datetime.datetime.now(datetime.UTC)
    certs = [x509.load_der_x509_certificate(der) for der in chain]
    leaf = certs[0]
    names: list[str] = []
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [str(n) for n in san.get_values_for_type(x509.DNSName)]
        names += [str(a) for a in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        names = [_cn(leaf.subject)]
    # A name is only compared when the probe was given one: for an address the
    # certificate names a host, and trust is judged against that name instead.
    matches: bool | None = None
    is_ip = False
    if host:
        try:
            ipaddress.ip_address(host)
            is_ip = True
        except ValueError:
            matches = _matches(host, names)
    dns_names = [n for n in names if not _is_address(n)]
    check_name = dns_names[0] if is_ip and dns_names else host
    trusted, detail = False, ""
    store = _trust_store()
    if store is None:
        detail = "no trust store"
    else:
        try:
            builder = verification.PolicyBuilder().store(store).time(now)
            subject: verification.Subject = (
                x509.IPAddress(ipaddress.ip_address(host)) if is_ip and host and not dns_names
                else x509.DNSName(check_name or _cn(leaf.subject)))
            builder.build_server_verifier(subject).verify(leaf, certs[1:])
            trusted = True
        except (verification.VerificationError, ValueError) as exc:
            detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    facts = CertificateFacts(
        subject=_cn(leaf.subject), issuer=_cn(leaf.issuer), names=names,
        not_after=leaf.not_valid_after_utc, self_signed=leaf.subject == leaf.issuer,
        chain_length=len(certs), name_matches=matches, trusted=trusted, trust_detail=detail)
    facts.evidence = [
        f"subject: {leaf.subject.rfc4514_string()}",
        f"issuer: {leaf.issuer.rfc4514_string()}",
        f"names: {', '.join(names[:20])}",
        f"not after: {leaf.not_valid_after_utc.isoformat()}",
        f"chain: {len(certs)} certificate(s)",
    ] + ([f"verification: {detail}"] if detail else [])
    return facts
