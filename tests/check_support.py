"""Loopback servers for the check tests: an authoritative DNS server (dnslib) with test
zones, SMTP servers (aiosmtpd, with and without STARTTLS) and misbehaving TCP servers.

Everything listens on 127.0.0.1 and is stopped by the fixtures that start it.
"""

from __future__ import annotations

import base64
import datetime
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from dnslib import CNAME, MX, PTR, QTYPE, RCODE, RR, TXT, A, DNSRecord
from dnslib.server import DNSHandler, DNSLogger, DNSServer


def rsa_public_b64(bits: int, pkcs1: bool = False) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    der = key.public_key().public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.PKCS1 if pkcs1 else
        serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def split255(text: str) -> list[str]:
    return [text[i:i + 255] for i in range(0, len(text), 255)]


def build_zones() -> dict[tuple[str, str], list[object]]:
    """(name, type) -> rdata list. Names are lower case, without the final dot."""
    z: dict[tuple[str, str], list[object]] = {}

    def add(name: str, rtype: str, *rdata: object) -> None:
        z.setdefault((name.lower(), rtype), []).extend(rdata)

    # --- blocklists -------------------------------------------------------
    add("2.0.0.127.zen.spamhaus.org", "A", A("127.0.0.2"))           # the standard test entry
    add("2.0.0.127.sbl.spamhaus.org", "A", A("127.0.0.2"))
    add("2.0.0.127.bl.spamcop.net", "A", A("127.0.0.2"))
    add("10.2.0.192.zen.spamhaus.org", "A", A("127.255.255.254"))    # refused: public resolver
    add("10.2.0.192.bl.spamcop.net", "A", A("127.0.0.2"))            # listed elsewhere
    add("11.2.0.192.zen.spamhaus.org", "A", A("10.0.0.1"))           # not 127/8: undocumented
    # 2001:db8::1 in reversed nibbles
    nibbles = ".".join(reversed("20010db8" + "0" * 23 + "1"))
    add(f"{nibbles}.zen.spamhaus.org", "A", A("127.0.0.4"))
    add("listed.test.dbl.spamhaus.org", "A", A("127.0.1.2"))
    add("listed.test.multi.surbl.org", "A", A("127.0.0.24"))         # PH + MW
    add("refused.test.dbl.spamhaus.org", "A", A("127.255.255.254"))
    # --- reverse DNS ------------------------------------------------------
    add("20.2.0.192.in-addr.arpa", "PTR", PTR("mail.good.test."))
    add("mail.good.test", "A", A("192.0.2.20"))
    add("30.2.0.192.in-addr.arpa", "PTR", PTR("mail.bad.test."))
    add("mail.bad.test", "A", A("192.0.2.99"))
    add("1.0.0.127.in-addr.arpa", "PTR", PTR("localhost.test."))
    add("localhost.test", "A", A("127.0.0.1"))
    # --- good.test: everything in order -----------------------------------
    add("good.test", "MX", MX("mail.good.test.", 10))
    add("good.test", "TXT", TXT([*split255("v=spf1 ip4:192.0.2.0/24 "), "include:_spf.good.test -all"]),   # one record, two parts
        TXT(["google-site-verification=abc123"]))                  # not SPF: ignored
    add("_spf.good.test", "TXT", TXT(["v=spf1 ip4:198.51.100.0/24 ~all"]))
    add("_dmarc.good.test", "TXT",
        TXT(["v=DMARC1; p=reject; rua=mailto:dmarc@good.test; adkim=s"]))
    add("mail._domainkey.good.test", "TXT", TXT(split255(
        "v=DKIM1; k=rsa; p=" + rsa_public_b64(2048))))
    add("short._domainkey.good.test", "TXT", TXT(split255(
        "v=DKIM1; k=rsa; p=" + rsa_public_b64(1024))))
    add("revoked._domainkey.good.test", "TXT", TXT(["v=DKIM1; p="]))
    add("pkcs1._domainkey.good.test", "TXT", TXT(split255(
        "v=DKIM1; k=rsa; p=" + rsa_public_b64(2048, pkcs1=True))))
    add("nullmx.test", "MX", MX(".", 0))
    add("cidr.test", "TXT", TXT(["v=spf1 a:mail.good.test/24 mx/24//64 ip6:2001:db8::/32 "
                                 "redirect=_spf.good.test -all"]))
    add("_mta-sts.good.test", "TXT", TXT(["v=STSv1; id=20260101"]))
    add("_mta-sts.sts.test", "TXT", TXT(["v=STSv1; id=1"]))
    add("mta-sts.sts.test", "A", A("127.0.0.1"))  # the HTTPS policy server of the tests
    add("_smtp._tls.good.test", "TXT", TXT(["v=TLSRPTv1; rua=mailto:tls@good.test"]))
    add("sub.good.test", "MX", MX("mail.good.test.", 10))
    add("sub.good.test", "TXT", TXT(["v=spf1 -all"]))
    # --- SPF lookup counting over the whole tree --------------------------
    # ten.test: 3 + 3 + 3 + 1 = exactly 10 lookups
    add("ten.test", "TXT", TXT(["v=spf1 include:a.ten.test include:b.ten.test mx -all"]))
    add("a.ten.test", "TXT", TXT(["v=spf1 a mx include:c.ten.test -all"]))
    add("c.ten.test", "TXT", TXT(["v=spf1 a:c.ten.test a:c.ten.test a:c.ten.test -all"]))
    add("b.ten.test", "TXT", TXT(["v=spf1 exists:c.ten.test -all"]))
    add("c.ten.test", "A", A("192.0.2.1"))
    add("a.ten.test", "A", A("192.0.2.1"))
    add("ten.test", "MX", MX("mail.good.test.", 10))
    add("a.ten.test", "MX", MX("mail.good.test.", 10))
    add("_dmarc.ten.test", "TXT", TXT(["v=DMARC1; p=none"]))
    # eleven.test: the same tree with one more lookup deep inside (redirect counts too)
    add("eleven.test", "TXT", TXT(["v=spf1 include:a.eleven.test include:b.eleven.test mx -all"]))
    add("a.eleven.test", "TXT", TXT(["v=spf1 a mx include:c.eleven.test -all"]))
    add("c.eleven.test", "TXT", TXT(["v=spf1 a:c.ten.test a:c.ten.test a:c.ten.test -all"]))
    add("b.eleven.test", "TXT", TXT(["v=spf1 exists:c.ten.test redirect=d.eleven.test"]))
    add("d.eleven.test", "TXT", TXT(["v=spf1 ip4:192.0.2.0/24 -all"]))
    add("a.eleven.test", "A", A("192.0.2.1"))
    add("eleven.test", "MX", MX("mail.good.test.", 10))
    add("a.eleven.test", "MX", MX("mail.good.test.", 10))
    # syntax errors and +all
    add("syntax.test", "TXT", TXT(["v=spf1 ip4:999.1.1.1 include -all"]))
    add("plusall.test", "TXT", TXT(["v=spf1 mx +all"]))
    add("twospf.test", "TXT", TXT(["v=spf1 -all"]), TXT(["v=spf1 mx -all"]))
    # DMARC none / missing
    add("none.test", "TXT", TXT(["v=spf1 -all"]))
    add("_dmarc.none.test", "TXT", TXT(["v=DMARC1; p=none; rua=mailto:d@none.test"]))
    add("missing.test", "MX", MX("mail.good.test.", 10))
    # domain blocklists
    add("listed.test", "TXT", TXT(["v=spf1 -all"]))
    # --- bad input ---------------------------------------------------------
    add("huge.test", "TXT", *[TXT(split255("x" * 2000 + str(i))) for i in range(30)])
    add("loop1.test", "CNAME", CNAME("loop2.test."))
    add("loop2.test", "CNAME", CNAME("loop1.test."))
    return z


UDP_LIMIT = 1232


class ZoneResolver:
    """Answers from the zone table; NXDOMAIN for unknown names; CNAMEs as stored."""

    def __init__(self, zones: dict[tuple[str, str], list[object]]) -> None:
        self.zones = zones
        self.names = {name for name, _ in zones}
        self.queries: list[str] = []

    def resolve(self, request: DNSRecord, handler: DNSHandler) -> DNSRecord:
        reply = request.reply()
        qname = str(request.q.qname).rstrip(".").lower()
        qtype = QTYPE[request.q.qtype]
        self.queries.append(f"{qname} {qtype}")
        if qname.startswith("trunc."):
            if handler.protocol == "udp":
                reply.header.tc = 1
            else:
                reply.header.rcode = RCODE.SERVFAIL
            return reply
        cname = self.zones.get((qname, "CNAME"))
        if cname and qtype != "CNAME":
            for rdata in cname:
                reply.add_answer(RR(qname, QTYPE.CNAME, rdata=rdata, ttl=60))
            return reply
        records = self.zones.get((qname, qtype))
        if records:
            for rdata in records:
                reply.add_answer(RR(qname, getattr(QTYPE, qtype), rdata=rdata, ttl=60))
        elif qname not in self.names:
            reply.header.rcode = RCODE.NXDOMAIN
        if handler.protocol == "udp" and len(reply.pack()) > UDP_LIMIT:
            reply = request.reply()  # too long for UDP: truncated, as real servers do
            reply.header.tc = 1
        return reply


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def dns_server() -> Iterator[tuple[int, ZoneResolver]]:
    resolver = ZoneResolver(build_zones())
    logger = DNSLogger(log="-recv,-send,-request,-reply,-truncated,-error,-data", prefix=False,
                       logf=lambda _s: None)
    for _ in range(5):
        port = free_port()
        try:
            udp = DNSServer(resolver, port=port, address="127.0.0.1", logger=logger,
                            handler=DNSHandler)
            tcp = DNSServer(resolver, port=port, address="127.0.0.1", tcp=True, logger=logger,
                            handler=DNSHandler)
            break
        except OSError:
            continue
    else:
        raise RuntimeError("no free port for the test DNS server")
    udp.start_thread()
    tcp.start_thread()
    try:
        yield port, resolver
    finally:
        udp.stop()
        tcp.stop()
        udp.server.server_close()
        tcp.server.server_close()


@contextmanager
def silent_udp() -> Iterator[int]:
    """A DNS 'server' that reads nothing and answers nothing."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


def self_signed(tmp: Path, name: str = "localhost") -> ssl.SSLContext:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=90))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


class RecordingHandler:
    """aiosmtpd handler: refuses one address, remembers whether DATA ever came."""

    def __init__(self) -> None:
        self.data_seen = False
        self.rcpts: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts.append(address)
        if address.startswith("nobody@"):
            return "550 5.1.1 <nobody@good.test>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_seen = True
        return "250 OK"


@contextmanager
def smtp_server(tls_context: ssl.SSLContext | None, *, implicit: bool = False
                ) -> Iterator[tuple[int, RecordingHandler]]:
    """aiosmtpd on 127.0.0.1: STARTTLS with ``tls_context``, or TLS from the first byte
    (as on port 465) with ``implicit``."""
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    port = free_port()
    tls = {"ssl_context": tls_context} if implicit else {"tls_context": tls_context}
    controller = Controller(handler, hostname="127.0.0.1", port=port, require_starttls=False,
                            ready_timeout=10, **tls)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


POLICY = b"version: STSv1\r\nmode: enforce\r\nmx: mail.sts.test\r\nmax_age: 86400\r\n"


@contextmanager
def policy_server(tmp: Path) -> Iterator[tuple[int, Path]]:
    """HTTPS on 127.0.0.1 serving an MTA-STS policy for mta-sts.sts.test; yields the port
    and the certificate file to trust."""
    import http.server

    context = self_signed(tmp, "mta-sts.sts.test")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == "/.well-known/mta-sts.txt"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            if found:
                self.wfile.write(POLICY)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1]), tmp / "cert.pem"
    finally:
        server.shutdown()
        server.server_close()


class _Misbehaving(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        mode = self.server.mode  # type: ignore[attr-defined]
        try:
            if mode == "huge":
                self.request.sendall(b"220 " + b"x" * (1 << 20) + b"\r\n")
            elif mode == "stall":
                self.request.sendall(b"220-slow.test")  # half a line, then silence
            elif mode == "slow":  # a deliberate greeting delay, then plain SMTP
                time.sleep(0.6)
                self.request.sendall(b"220 slow.test ESMTP\r\n")
                for line in self.request.makefile("rb"):
                    verb = line[:4].upper()
                    if verb == b"EHLO":
                        self.request.sendall(b"250-slow.test\r\n250 SIZE 10240000\r\n")
                    elif verb == b"QUIT":
                        self.request.sendall(b"221 bye\r\n")
                        return
                    else:
                        self.request.sendall(b"502 5.5.1 not here\r\n")
            self.server.stop.wait(30)  # type: ignore[attr-defined]
        except OSError:
            pass


@contextmanager
def misbehaving_server(mode: str) -> Iterator[int]:
    """'huge': a 1 MB banner line; 'stall': half a banner then silence; 'silent': nothing;
    'slow': the greeting after 0.6 s, then EHLO without STARTTLS."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Misbehaving)
    server.daemon_threads = True
    server.mode = mode  # type: ignore[attr-defined]
    server.stop = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.stop.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()
