"""Realistic interleaved mail server logs with their ground truth, for tests and benchmarks.

Each generator simulates messages (arrival, deliveries to several recipients,
deferrals with retries, expiry after days, bounces and the bounce notice sent
back to the sender, rejections, noise lines of other programs) and merges all
lines in time order. The truth lists, for every line that is a recipient
outcome, the event it must give: queue id, recipient, status and reason. The
reason of a reply is written beside each reply template here, by hand, from
what the reply says (never computed by smtp-explain).
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

START = datetime(2026, 3, 1, 6, 0, 0, tzinfo=UTC)
YEAR = START.year
EXPIRY = 5 * 86400.0
MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass
class Expect:
    """One event the line must give. ``expires`` marks an expiry that needs the
    recipient's deferral lines (a window that cuts them gives recipient None)."""

    queue_id: str | None
    recipient: str | None
    status: str
    reason: str
    deferrals: list[int] = field(default_factory=list)  # line numbers, filled in at the end


@dataclass
class Log:
    lines: list[str]
    truth: list[tuple[int, Expect]]  # (line number, expected event)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@dataclass(order=True)
class _Item:
    at: float
    seq: int
    text: str = field(compare=False)
    expect: list[Expect] = field(compare=False, default_factory=list)
    tag: str | None = field(compare=False, default=None)  # "defer:<qid>:<rcpt>"
    needs: list[str] = field(compare=False, default_factory=list)  # tags an expiry depends on


# Reply templates: (text, reason as the reply states it). {r} recipient, {mx}/{ip} host.
PERMANENT = [
    ("550 5.1.1 <{r}>: Recipient address rejected: User unknown in virtual mailbox table", "userunknown"),
    ("552 5.2.2 <{r}>: Mailbox full", "mailboxfull"),
    ("554 5.7.1 Service unavailable; Client host [198.51.100.20] blocked using zen.spamhaus.org", "blocked"),
    ("550 5.7.1 Message rejected as spam by Content Filtering", "spamdetected"),
    ("552 5.3.4 Message size exceeds fixed limit", "mesgtoobig"),
    ("550 5.2.1 The email account that you tried to reach is disabled.", "suspend"),
]
TEMPORARY = [
    ("450 4.2.0 <{r}>: Recipient address rejected: Greylisted, see http://postgrey.example/help", "onhold"),
    ("421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later", "toomanyconn"),
    ("452 4.2.2 The email account that you tried to reach is over quota.", "mailboxfull"),
    ("421 4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address.", "badreputation"),  # rate-limited for the IP's unsolicited mail: its reputation
]
CONNECT_FAIL = ("connect to {mx}[{ip}]:25: Connection refused", "networkerror")
SUSPENDED = ("delivery temporarily suspended: connect to {mx}[{ip}]:25: Connection refused", "networkerror")
DOMAINS = ["example.net", "example.com", "mail.test", "bigmail.test", "corp.example"]
LOCAL_DOMAIN = "example.org"
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
LONG_ID_CHARS = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz"
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class _Sim:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seq = itertools.count()
        self.ids: set[str] = set()

    def item(self, at: float, text: str, *expect: Expect, tag: str | None = None,
             needs: list[str] | None = None) -> _Item:
        return _Item(at, next(self.seq), text, list(expect), tag, needs or [])

    def unique(self, make: callable) -> str:  # type: ignore[valid-type]
        while True:
            value = make()
            if value not in self.ids:
                self.ids.add(value)
                return str(value)

    def postfix_qid(self) -> str:
        rng = self.rng
        if rng.random() < 0.3:  # long queue ids (enable_long_queue_ids = yes)
            return self.unique(lambda: rng.choice("123456789") + "".join(
                rng.choice(LONG_ID_CHARS) for _ in range(rng.randint(9, 11))) + "z" + "".join(
                rng.choice(LONG_ID_CHARS) for _ in range(rng.randint(3, 5))))
        return self.unique(lambda: f"{rng.getrandbits(40):010X}")

    def address(self, domain: str | None = None) -> str:
        rng = self.rng
        return f"{rng.choice(USERS)}{rng.randint(1, 400)}@{domain or rng.choice(DOMAINS)}"

    def ip(self) -> str:
        return f"192.0.2.{self.rng.randint(1, 254)}"

    def remote(self) -> tuple[str, str]:
        return f"mx{self.rng.randint(1, 3)}.{self.rng.choice(DOMAINS)}", self.ip()


def _merge(items: list[_Item]) -> Log:
    items.sort()
    lines: list[str] = []
    truth: list[tuple[int, Expect]] = []
    tag_lines: dict[str, list[int]] = {}
    waiting: list[tuple[Expect, list[str]]] = []
    for number, item in enumerate(items):
        lines.append(item.text)
        if item.tag:
            tag_lines.setdefault(item.tag, []).append(number)
        for expect in item.expect:
            truth.append((number, expect))
            if item.needs:
                waiting.append((expect, item.needs))
    for expect, needs in waiting:
        expect.deferrals = sorted(n for tag in needs for n in tag_lines.get(tag, []))
    return Log(lines, truth)


def _expired_reason(last: str) -> str:
    return last if last != "undefined" else "expired"


# ---------------------------------------------------------------- Postfix

def _syslog(at: float, host: str, program: str, text: str, style: str, rng: random.Random) -> str:
    when = START + timedelta(seconds=at)
    if style == "mixed":
        style = "rfc3339" if rng.random() < 0.5 else "classic"
    if style == "rfc3339":
        stamp = when.isoformat(timespec="microseconds")
    else:
        stamp = f"{MONTH_NAMES[when.month - 1]} {when.day:2d} {when:%H:%M:%S}"
    return f"{stamp} {host} {program}[{rng.randint(100, 32000)}]: {text}"


def _postfix_message(sim: _Sim, t0: float, style: str) -> list[_Item]:
    rng = sim.rng
    out: list[_Item] = []

    def line(at: float, program: str, text: str, *expect: Expect, tag: str | None = None,
             needs: list[str] | None = None) -> None:
        out.append(sim.item(at, _syslog(at, "mx1", program, text, style, rng), *expect,
                            tag=tag, needs=needs))

    qid = sim.postfix_qid()
    sender = sim.address(LOCAL_DOMAIN)
    client, cip = f"client{rng.randint(1, 50)}.{LOCAL_DOMAIN}", f"198.51.100.{rng.randint(1, 254)}"
    smtpd = "postfix/submission/smtpd" if rng.random() < 0.5 else "postfix/smtpd"
    line(t0, smtpd, f"connect from {client}[{cip}]")
    line(t0 + 0.05, smtpd, f"{qid}: client={client}[{cip}]"
         + (f", sasl_method=PLAIN, sasl_username={sender}" if "submission" in smtpd else ""))
    plans = ["sent"] * 12 + ["defer_sent"] * 3 + ["defer_expire"] * 2 + ["bounce"] * 3 + ["local"] * 2
    recipients = []
    for n in range(rng.choice((1, 1, 1, 2, 3))):
        plan = rng.choice(plans)
        if n > 0 and rng.random() < 0.15:
            plan = "reject_rcpt"
        recipients.append((sim.address(LOCAL_DOMAIN if plan == "local" else None), plan))
    for rcpt, plan in recipients:
        if plan == "reject_rcpt":
            text = f"550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in local recipient table"
            line(t0 + 0.1, smtpd, f"{qid}: reject: RCPT from {client}[{cip}]: {text}; from=<{sender}> "
                 f"to=<{rcpt}> proto=ESMTP helo=<{client}>",
                 Expect(qid, rcpt, "rejected", "userunknown"))
    accepted = [(r, p) for r, p in recipients if p != "reject_rcpt"]
    msgid = f"{rng.getrandbits(48):x}.{rng.randint(1, 99999)}@{client}"
    line(t0 + 0.2, "postfix/cleanup", f"{qid}: message-id=<{msgid}>")
    line(t0 + 0.3, "postfix/qmgr", f"{qid}: from=<{sender}>, size={rng.randint(800, 90000)}, "
         f"nrcpt={len(accepted)} (queue active)")
    line(t0 + 0.4, smtpd, f"disconnect from {client}[{cip}] ehlo=1 mail=1 rcpt={len(recipients)} "
         f"data=1 quit=1 commands={4 + len(recipients)}")
    last = t0 + 1
    expiring: list[tuple[str, str]] = []  # (recipient, reason of its last reply)
    bounced = False
    for rcpt, plan in accepted:
        mx, ip = sim.remote()
        at = t0 + rng.uniform(0.5, 3)
        orig = f"orig_to=<{rcpt.split('@')[0]}@alias.{LOCAL_DOMAIN}>, " if rng.random() < 0.1 else ""
        if plan == "local":
            agent = rng.choice(("postfix/local", "postfix/virtual", "postfix/lmtp"))
            relay = {"postfix/local": "local", "postfix/virtual": "virtual",
                     "postfix/lmtp": "mail.example.org[private/dovecot-lmtp]"}[agent]
            said = "delivered to mailbox" if agent != "postfix/lmtp" else f"250 2.0.0 <{rcpt}> Saved"
            line(at, agent, f"{qid}: to=<{rcpt}>, {orig}relay={relay}, delay=0.4, "
                 f"delays=0.1/0/0/0.3, dsn=2.0.0, status=sent ({said})",
                 Expect(qid, rcpt, "sent", "delivered"))
            last = max(last, at)
            continue
        tries = rng.randint(1, 3) if plan.startswith("defer") else 0
        wait = 300.0
        last_reason = ""
        for _ in range(tries):
            template, reason = rng.choice([*TEMPORARY, CONNECT_FAIL, SUSPENDED])
            text = template.format(r=rcpt, mx=mx, ip=ip)
            if template.startswith("delivery temporarily"):
                agent, relay, status_text = "postfix/error", "none", text
            elif template.startswith("connect"):
                agent, relay, status_text = "postfix/smtp", "none", text
            else:
                agent, relay = "postfix/smtp", f"{mx}[{ip}]:25"
                status_text = f"host {mx}[{ip}] said: {text} (in reply to RCPT TO command)"
                if rng.random() < 0.5:  # the "said" line without status= is no event
                    line(at - 0.01, agent, f"{qid}: {status_text}")
            dsn = "4.4.1" if relay == "none" else text.split()[1]
            line(at, agent, f"{qid}: to=<{rcpt}>, {orig}relay={relay}, delay={at - t0:.1f}, "
                 f"delays=0.1/0/0.5/0.6, dsn={dsn}, status=deferred ({status_text})",
                 Expect(qid, rcpt, "deferred", reason), tag=f"defer:{qid}:{rcpt}")
            last_reason = reason
            at += wait
            wait *= 2
        if plan == "defer_expire":
            expiring.append((rcpt, last_reason))
            continue
        if plan == "bounce":
            template, reason = rng.choice(PERMANENT)
            text = template.format(r=rcpt)
            line(at, "postfix/smtp", f"{qid}: to=<{rcpt}>, {orig}relay={mx}[{ip}]:25, delay={at - t0:.1f}, "
                 f"delays=0.1/0/0.5/0.6, dsn={text.split()[1]}, status=bounced (host {mx}[{ip}] said: "
                 f"{text} (in reply to RCPT TO command))", Expect(qid, rcpt, "bounced", reason))
            bounced = True
        else:
            line(at, "postfix/smtp", f"{qid}: to=<{rcpt}>, {orig}relay={mx}[{ip}]:25, delay={at - t0:.1f}, "
                 f"delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as "
                 f"{rng.getrandbits(32):X})", Expect(qid, rcpt, "sent", "delivered"))
        last = max(last, at)
    if expiring:
        at = t0 + EXPIRY + rng.uniform(0, 600)
        line(at, "postfix/qmgr", f"{qid}: from=<{sender}>, status=expired, returned to sender",
             *[Expect(qid, r, "expired", _expired_reason(reason)) for r, reason in expiring],
             needs=[f"defer:{qid}:{r}" for r, _ in expiring])
        last = at
        bounced = True
    if bounced:
        notice = sim.postfix_qid()
        line(last + 0.1, "postfix/cleanup", f"{notice}: message-id=<{rng.getrandbits(40):x}@mx1.{LOCAL_DOMAIN}>")
        line(last + 0.1, "postfix/bounce", f"{qid}: sender non-delivery notification: {notice}")
        line(last + 0.2, "postfix/qmgr", f"{notice}: from=<>, size=3000, nrcpt=1 (queue active)")
        line(last + 0.4, "postfix/local", f"{notice}: to=<{sender}>, relay=local, delay=0.3, "
             "delays=0.1/0/0/0.2, dsn=2.0.0, status=sent (delivered to mailbox)",
             Expect(notice, sender, "sent", "delivered"))
        line(last + 0.5, "postfix/qmgr", f"{notice}: removed")
    line(last + 0.2, "postfix/qmgr", f"{qid}: removed")
    return out


def _postfix_reject(sim: _Sim, t0: float, style: str) -> list[_Item]:
    rng = sim.rng
    ip = f"203.0.113.{rng.randint(1, 254)}"
    rcpt, sender = sim.address(LOCAL_DOMAIN), sim.address()
    kind = rng.randrange(5)
    if kind == 0:
        text = f"554 5.7.1 <{sim.address()}>: Relay access denied"
        rcpt = text.split("<")[1].split(">")[0]
        return [sim.item(t0, _syslog(t0, "mx1", "postfix/smtpd", f"NOQUEUE: reject: RCPT from unknown[{ip}]: "
                f"{text}; from=<{sender}> to=<{rcpt}> proto=ESMTP helo=<x{ip}>", style, rng),
                Expect(None, rcpt, "rejected", "norelaying"))]
    if kind == 1:
        text = f"550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in local recipient table"
        return [sim.item(t0, _syslog(t0, "mx1", "postfix/smtpd", f"NOQUEUE: reject: RCPT from "
                f"host{ip.split('.')[-1]}.example[{ip}]: {text}; from=<{sender}> to=<{rcpt}> proto=ESMTP "
                f"helo=<h.example>", style, rng), Expect(None, rcpt, "rejected", "userunknown"))]
    if kind == 2:
        text = f"550 5.7.1 Service unavailable; client [{ip}] blocked using zen.spamhaus.org"
        return [
            sim.item(t0 - 1, _syslog(t0 - 1, "mx1", "postfix/postscreen", f"CONNECT from [{ip}]:{rng.randint(1024, 65000)} to [192.0.2.1]:25", style, rng)),
            sim.item(t0 - 0.5, _syslog(t0 - 0.5, "mx1", "postfix/postscreen", f"DNSBL rank 3 for [{ip}]:{rng.randint(1024, 65000)}", style, rng)),
            sim.item(t0, _syslog(t0, "mx1", "postfix/postscreen", f"NOQUEUE: reject: RCPT from [{ip}]:"
                     f"{rng.randint(1024, 65000)}: {text}; from=<{sender}>, to=<{rcpt}>, proto=ESMTP, "
                     "helo=<spam.example>", style, rng), Expect(None, rcpt, "rejected", "blocked")),
        ]
    qid = sim.postfix_qid()
    host = f"relay{rng.randint(1, 9)}.example[{ip}]"
    first = [sim.item(t0, _syslog(t0, "mx1", "postfix/smtpd", f"{qid}: client={host}", style, rng)),
             sim.item(t0 + 0.1, _syslog(t0 + 0.1, "mx1", "postfix/cleanup",
                      f"{qid}: message-id=<{rng.getrandbits(40):x}@relay.example>", style, rng))]
    if kind == 3:
        return [*first, sim.item(t0 + 0.2, _syslog(t0 + 0.2, "mx1", "postfix/cleanup",
                f"{qid}: milter-reject: END-OF-MESSAGE from {host}: 5.7.1 Spam message rejected; "
                f"from=<{sender}> to=<{rcpt}> proto=ESMTP helo=<relay.example>", style, rng),
                Expect(qid, rcpt, "rejected", "spamdetected"))]
    return [*first, sim.item(t0 + 0.2, _syslog(t0 + 0.2, "mx1", "postfix/cleanup",
            f"{qid}: discard: header Subject: You won a prize from {host}; from=<{sender}> to=<{rcpt}> "
            "proto=ESMTP helo=<relay.example>", style, rng), Expect(qid, rcpt, "discarded", "undefined")),
            sim.item(t0 + 0.3, _syslog(t0 + 0.3, "mx1", "postfix/qmgr", f"{qid}: removed", style, rng))]


NOISE_POSTFIX = [
    ("postfix/anvil", "statistics: max connection rate 3/60s for (smtp:203.0.113.7) at Mar  1 10:00:00"),
    ("postfix/smtpd", "lost connection after EHLO from unknown[203.0.113.50]"),
    ("postfix/smtpd", "warning: hostname spam.example does not resolve to address 203.0.113.51: Name or service not known"),
    ("postfix/smtp", "Trusted TLS connection established to mx1.example.net[192.0.2.10]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)"),
    ("postfix/postscreen", "PASS OLD [198.51.100.23]:40000"),
    ("dovecot", "lmtp(bob@example.org)<4321><XyZ>: msgid=<abc@example.org>: saved mail to INBOX"),
    ("CRON", "(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)"),
    ("kernel", "[UFW BLOCK] IN=eth0 OUT= MAC=00:00 SRC=203.0.113.9 DST=192.0.2.1 PROTO=TCP DPT=23"),
    ("postfix/smtpd", "NOQUEUE: lost connection after CONNECT from unknown[203.0.113.60]"),
    ("opendkim", "4F2B3C1D0E: DKIM-Signature field added (s=mail, d=example.org)"),
]


def postfix_items(seed: int, messages: int, style: str = "classic",
                  spacing: float = 6.0) -> Iterator[list[_Item]]:
    """The lines of each simulated message/rejection/noise, in order of their start."""
    sim = _Sim(seed)
    rng = sim.rng
    at = 0.0
    for _ in range(messages):
        at += rng.expovariate(1 / spacing)
        roll = rng.random()
        if roll < 0.75:
            yield _postfix_message(sim, at, style)
        elif roll < 0.9:
            yield _postfix_reject(sim, at, style)
        else:
            program, text = rng.choice(NOISE_POSTFIX)
            yield [sim.item(at, _syslog(at, "mx1", program, text, style, rng))]


def postfix_log(seed: int = 1, messages: int = 300, style: str = "classic") -> Log:
    return _merge([item for group in postfix_items(seed, messages, style) for item in group])


def stream_lines(groups: Iterator[list[_Item]], slack: float = 5.0) -> Iterator[str]:
    """The lines of many groups in time order with bounded look-ahead (for big files):
    a group never has a line more than ``slack`` seconds before the group before it."""
    heap: list[_Item] = []
    for group in groups:
        start = min(item.at for item in group)
        while heap and heap[0].at < start - slack:
            yield heapq.heappop(heap).text
        for item in group:
            heapq.heappush(heap, item)
    while heap:
        yield heapq.heappop(heap).text


# ---------------------------------------------------------------- Exim

def _exim_id(sim: _Sim, new: bool) -> str:
    rng = sim.rng
    if new:
        return sim.unique(lambda: "1" + "".join(rng.choice(B62) for _ in range(5)) + "-" + "".join(
            rng.choice(B62) for _ in range(11)) + "-" + "".join(rng.choice(B62) for _ in range(4)))
    return sim.unique(lambda: "1" + "".join(rng.choice(B62) for _ in range(5)) + "-" + "".join(
        rng.choice(B62) for _ in range(6)) + "-" + "".join(rng.choice(B62) for _ in range(2)))


def _exim_line(at: float, text: str, new: bool, rng: random.Random) -> str:
    when = START + timedelta(seconds=at)
    if new:
        return f"{when:%Y-%m-%d %H:%M:%S}.{when.microsecond // 1000:03d} +0000 [{rng.randint(100, 32000)}] {text}"
    return f"{when:%Y-%m-%d %H:%M:%S} {text}"


def _exim_message(sim: _Sim, t0: float, style: str) -> list[_Item]:
    rng = sim.rng
    new = style == "new" or (style == "mixed" and rng.random() < 0.5)
    out: list[_Item] = []

    def line(at: float, text: str, *expect: Expect, tag: str | None = None,
             needs: list[str] | None = None) -> None:
        out.append(sim.item(at, _exim_line(at, text, new, rng), *expect, tag=tag, needs=needs))

    mid = _exim_id(sim, new)
    sender = sim.address(LOCAL_DOMAIN)
    line(t0, f"{mid} <= {sender} H=client{rng.randint(1, 9)}.{LOCAL_DOMAIN} [198.51.100.{rng.randint(1, 254)}] "
         f"P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=plain:{sender} S={rng.randint(900, 50000)} "
         f"id={rng.getrandbits(40):x}@{LOCAL_DOMAIN}")
    last = t0 + 1
    bounced = False
    first_remote = True
    for _ in range(rng.choice((1, 1, 2, 3))):
        plan = rng.choice(["sent"] * 10 + ["local"] * 2 + ["defer_sent"] * 3 + ["defer_expire"] * 2
                          + ["bounce"] * 3)
        at = t0 + rng.uniform(0.5, 2)
        if plan == "local":
            user = rng.choice(USERS)
            rcpt = f"{user}@{LOCAL_DOMAIN}"
            line(at, f"{mid} => {user} <{rcpt}> R=local_user T=local_delivery",
                 Expect(mid, rcpt, "sent", "delivered"))
            continue
        rcpt = sim.address()
        mx, ip = sim.remote()
        tries = rng.randint(1, 3) if plan.startswith("defer") else 0
        wait = 900.0
        last_reason = ""
        for _ in range(tries):
            template, reason = rng.choice(TEMPORARY)
            text = template.format(r=rcpt)
            code, status = text.split()[:2]
            multi = f"{code}-{status} {text[len(code) + len(status) + 2:]}\\n{code} {status} please retry later"
            line(at, f"{mid} == {rcpt} R=dnslookup T=remote_smtp defer (-44) H={mx} [{ip}]: SMTP error "
                 f"from remote mail server after RCPT TO:<{rcpt}>: {multi}",
                 Expect(mid, rcpt, "deferred", reason), tag=f"defer:{mid}:{rcpt}")
            last_reason = reason
            at += wait
            wait *= 2
        if plan == "defer_expire":
            at = t0 + EXPIRY + rng.uniform(0, 900)
            text = rng.choice(("retry timeout exceeded",
                               "retry time not reached for any host after a long failure period"))
            sep = ":" if text.startswith("retry timeout") else " R=dnslookup T=remote_smtp:"
            line(at, f"{mid} ** {rcpt}{sep} {text}",
                 Expect(mid, rcpt, "expired", _expired_reason(last_reason)),
                 needs=[f"defer:{mid}:{rcpt}"])
            bounced = True
        elif plan == "bounce":
            template, reason = rng.choice(PERMANENT)
            line(at, f"{mid} ** {rcpt} R=dnslookup T=remote_smtp H={mx} [{ip}]: SMTP error from remote "
                 f"mail server after RCPT TO:<{rcpt}>: {template.format(r=rcpt)}",
                 Expect(mid, rcpt, "bounced", reason))
            bounced = True
        else:
            flag = "=>" if first_remote else "->"
            first_remote = False
            line(at, f"{mid} {flag} {rcpt} R=dnslookup T=remote_smtp H={mx} [{ip}] "
                 f"X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C=\"250 2.0.0 OK id={rng.getrandbits(30):x}\" "
                 f"QT={int(at - t0)}s DT=1s", Expect(mid, rcpt, "sent", "delivered"))
        last = max(last, at)
    if bounced:
        notice = _exim_id(sim, new)
        line(last + 0.1, f"{notice} <= <> R={mid} U=Debian-exim P=local S=3500")
        user = sender.split("@")[0]
        line(last + 0.2, f"{notice} => {user} <{sender}> R=local_user T=local_delivery",
             Expect(notice, sender, "sent", "delivered"))
        line(last + 0.3, f"{notice} Completed")
    line(last + 0.05, f"{mid} Completed")
    return out


def _exim_reject(sim: _Sim, t0: float, style: str) -> list[_Item]:
    rng = sim.rng
    new = style == "new" or (style == "mixed" and rng.random() < 0.5)
    ip = f"203.0.113.{rng.randint(1, 254)}"
    kind = rng.randrange(4)
    if kind == 0:
        rcpt = sim.address()
        return [sim.item(t0, _exim_line(t0, f"H=(spam.example) [{ip}] F=<{sim.address()}> rejected RCPT "
                f"<{rcpt}>: relay not permitted", new, rng), Expect(None, rcpt, "rejected", "norelaying"))]
    if kind == 1:
        mid = _exim_id(sim, new)
        return [sim.item(t0, _exim_line(t0, f"{mid} H=relay.example [{ip}] F=<{sim.address()}> rejected "
                "after DATA: This message contains a virus (Eicar-Test-Signature)", new, rng),
                Expect(mid, None, "rejected", "virusdetected"))]
    if kind == 2:
        return [sim.item(t0, _exim_line(t0, f"H=(bad) [{ip}] rejected EHLO or HELO bad: syntactically "
                "invalid argument(s)", new, rng))]
    return [sim.item(t0, _exim_line(t0, f"SMTP connection from [{ip}]:{rng.randint(1024, 65000)} "
            "(TCP/IP connection count = 1)", new, rng)),
            sim.item(t0 + 0.1, _exim_line(t0 + 0.1, f"H=[{ip}] rejected connection in \"connect\" ACL: "
                     "blocked by local policy", new, rng))]


def exim_log(seed: int = 1, messages: int = 300, style: str = "mixed") -> Log:
    sim = _Sim(seed)
    rng = sim.rng
    at = 0.0
    items: list[_Item] = []
    for _ in range(messages):
        at += rng.expovariate(1 / 6.0)
        roll = rng.random()
        if roll < 0.78:
            items += _exim_message(sim, at, style)
        elif roll < 0.93:
            items += _exim_reject(sim, at, style)
        else:
            items.append(sim.item(at, _exim_line(at, rng.choice((
                "Start queue run: pid=4242", "End queue run: pid=4242",
                "no host name found for IP address 203.0.113.77")), style == "new", rng)))
    return _merge(items)


# ---------------------------------------------------------------- Sendmail

def _sendmail_qid(sim: _Sim) -> str:
    rng = sim.rng
    return sim.unique(lambda: "".join(rng.choice(B62) for _ in range(8)) + f"{rng.randint(0, 999999):06d}")


def sendmail_log(seed: int = 1, messages: int = 200) -> Log:
    sim = _Sim(seed)
    rng = sim.rng
    items: list[_Item] = []
    at = 0.0

    def line(when: float, text: str, *expect: Expect, tag: str | None = None,
             needs: list[str] | None = None) -> None:
        items.append(sim.item(when, _syslog(when, "mx2", "sm-mta", text, "classic", rng), *expect,
                              tag=tag, needs=needs))

    for _ in range(messages):
        at += rng.expovariate(1 / 6.0)
        qid = _sendmail_qid(sim)
        if rng.random() < 0.12:
            rcpt = sim.address()
            line(at, f"{qid}: ruleset=check_rcpt, arg1=<{rcpt}>, relay=spam.example [203.0.113.{rng.randint(1, 254)}], "
                 f"reject=550 5.7.1 <{rcpt}>... Relaying denied", Expect(qid, rcpt, "rejected", "norelaying"))
            continue
        sender = sim.address(LOCAL_DOMAIN)
        rcpts = [sim.address() for _ in range(rng.choice((1, 1, 2)))]
        line(at, f"{qid}: from=<{sender}>, size={rng.randint(900, 9000)}, class=0, nrcpts={len(rcpts)}, "
             f"msgid=<{rng.getrandbits(40):x}@{LOCAL_DOMAIN}>, proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]")
        plan = rng.choice(["sent"] * 6 + ["defer_sent", "defer_expire", "bounce"])
        mx, ip = sim.remote()
        t = at + 1
        relay = f"relay={mx}. [{ip}]"
        who = ",".join(f"<{r}>" for r in rcpts)
        if plan.startswith("defer"):
            for _ in range(rng.randint(1, 2)):
                line(t, f"{qid}: to={who}, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, {relay}, "
                     "dsn=4.0.0, stat=Deferred: Connection refused by " + mx + ".",
                     *[Expect(qid, r, "deferred", "networkerror") for r in rcpts],
                     tag=f"defer:{qid}")
                t += 1800
        if plan == "defer_expire":
            t = at + EXPIRY
            notice = _sendmail_qid(sim)
            line(t, f"{qid}: {notice}: DSN: Cannot send message for 5 days",
                 *[Expect(qid, r, "expired", "networkerror") for r in rcpts], needs=[f"defer:{qid}"])
            line(t + 1, f"{notice}: to=<{sender}>, delay=00:00:00, xdelay=00:00:00, mailer=local, pri=30000, "
                 "dsn=2.0.0, stat=Sent", Expect(notice, sender, "sent", "delivered"))
        elif plan == "bounce":
            line(t, f"{qid}: to={who}, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, {relay}, "
                 "dsn=5.1.1, stat=User unknown", *[Expect(qid, r, "bounced", "userunknown") for r in rcpts])
            notice = _sendmail_qid(sim)
            line(t + 0.5, f"{qid}: {notice}: DSN: User unknown")
            line(t + 1, f"{notice}: to=<{sender}>, delay=00:00:00, xdelay=00:00:00, mailer=local, pri=30000, "
                 "dsn=2.0.0, stat=Sent", Expect(notice, sender, "sent", "delivered"))
        else:
            line(t, f"{qid}: to={who}, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, {relay}, "
                 f"dsn=2.0.0, stat=Sent (Ok: queued as {rng.getrandbits(32):X})",
                 *[Expect(qid, r, "sent", "delivered") for r in rcpts])
        if rng.random() < 0.2:
            line(at + 0.5, f"STARTTLS=client, relay={mx}., version=TLSv1.3, verify=OK, cipher=TLS_AES_256_GCM_SHA384, bits=256/256")
    return _merge(items)


# ---------------------------------------------------------------- Exchange

EXCHANGE_HEADER = [
    "#Software: Microsoft Exchange Server",
    "#Version: 15.02.1118.007",
    "#Log-type: Message Tracking Log",
    "#Date: 2026-03-01T06:00:00.000Z",
    "#Fields: date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,"
    "source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,"
    "total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,"
    "return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,"
    "transport-traffic-type,log-id,schema-version",
]


def _csv_field(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value


def exchange_log(seed: int = 1, messages: int = 200) -> Log:
    sim = _Sim(seed)
    rng = sim.rng
    items: list[_Item] = []
    at = 0.0

    def row(when: float, event: str, internal: str, mid: str, rcpts: list[str], status: str, sender: str,
            *expect: Expect, server: str = "EX01.corp.example", server_ip: str = "10.0.0.5",
            subject: str = "Quarterly report", tag: str | None = None, needs: list[str] | None = None) -> None:
        stamp = (START + timedelta(seconds=when)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        fields = [stamp, "10.0.0.5", "EX01.corp.example", server_ip, server, "", "", "SMTP", event, internal,
                  f"<{mid}>", "5d3e1c2a-0000-4000-8000-00000000000" + str(rng.randint(0, 9)), ";".join(rcpts),
                  status, str(rng.randint(2000, 90000)), str(len(rcpts)), "", "", subject, sender, sender, "",
                  "Originating", "", "", "", "", "", "", "15.02.1118.007"]
        items.append(sim.item(when, ",".join(_csv_field(f) for f in fields), *expect, tag=tag, needs=needs))

    for _ in range(messages):
        at += rng.expovariate(1 / 6.0)
        internal = str(rng.randint(10**11, 10**12))
        mid = f"{rng.getrandbits(64):X}@EX01.corp.example"
        sender = sim.address("corp.example")
        rcpts = [sim.address() for _ in range(rng.choice((1, 1, 2)))]
        row(at, "RECEIVE", internal, mid, rcpts, "", sender, subject="Invoice, March \"final\"")
        plan = rng.choice(["send"] * 5 + ["deliver", "defer_send", "defer_expire", "fail"])
        mx, ip = sim.remote()
        t = at + 1
        if plan == "deliver":
            local = [sim.address("corp.example") for _ in rcpts]
            row(t, "DELIVER", internal, mid, local, "", sender, *[Expect(internal, r, "sent", "delivered") for r in local])
            continue
        if plan.startswith("defer"):
            text = "451 4.4.0 DNS query failed. The error was: DNS query failed with error: ErrorRetry"
            row(t, "DEFER", internal, mid, rcpts, ";".join([text] * len(rcpts)), sender,
                *[Expect(internal, r, "deferred", "networkerror") for r in rcpts], tag=f"defer:{internal}")
            t += 3600
        if plan == "defer_expire":
            text = "450 4.4.7 QUEUE.Expired; message expired"
            row(at + 2 * 86400, "FAIL", internal, mid, rcpts, ";".join([text] * len(rcpts)), sender,
                *[Expect(internal, r, "expired", "expired") for r in rcpts])
            row(at + 2 * 86400 + 1, "DSN", internal, mid, [sender], "", "")
        elif plan == "fail":
            text = "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"
            row(t, "FAIL", internal, mid, rcpts, ";".join([text] * len(rcpts)), sender,
                *[Expect(internal, r, "bounced", "userunknown") for r in rcpts])
            row(t + 1, "DSN", internal, mid, [sender], "", "")
        else:
            row(t, "SEND", internal, mid, rcpts, ";".join([f"250 2.0.0 OK {rng.randint(10**9, 2 * 10**9)} x{rng.randint(1, 99)}si.{rng.randint(1, 9)} - gsmtp"] * len(rcpts)),
                sender, *[Expect(internal, r, "sent", "delivered") for r in rcpts], server=mx, server_ip=ip)
        if rng.random() < 0.3:
            row(at + 0.2, "AGENTINFO", internal, mid, rcpts, "", sender)
    log = _merge(items)
    return Log(EXCHANGE_HEADER + log.lines, [(n + len(EXCHANGE_HEADER), e) for n, e in log.truth])


# ---------------------------------------------------------------- Office 365

O365_HEADER = ('"Organization","MessageId","Received","SenderAddress","RecipientAddress","Subject",'
               '"Status","ToIP","FromIP","Size","MessageTraceId","StartDate","EndDate","Index"')


def o365_log(seed: int = 1, messages: int = 200) -> Log:
    sim = _Sim(seed)
    rng = sim.rng
    items: list[_Item] = []
    at = 0.0
    statuses = [("Delivered", "sent", "delivered")] * 6 + [
        ("Failed", "bounced", "undefined"), ("Pending", "deferred", "undefined"),
        ("FilteredAsSpam", "discarded", "undefined"), ("Quarantined", "discarded", "undefined"),
        ("Expanded", None, None)]
    for n in range(messages):
        at += rng.expovariate(1 / 6.0)
        when = START + timedelta(seconds=at)
        mid = f"<{rng.getrandbits(64):x}@corp.example>"
        trace = f"{rng.getrandbits(32):08x}-aaaa-4bbb-8ccc-{rng.getrandbits(48):012x}"
        sender = sim.address("corp.example")
        rcpt = sim.address()
        word, status, reason = rng.choice(statuses)
        subject = rng.choice(("Hello", "Re: offer, \"urgent\"", "Meeting\nnotes"))
        stamp = f"{when.month}/{when.day}/{when.year} {(when.hour % 12) or 12}:{when:%M:%S} {'AM' if when.hour < 12 else 'PM'}"
        fields = ["corp.onmicrosoft.com", mid, stamp, sender, rcpt, subject, word, "", "198.51.100.4",
                  str(rng.randint(1000, 90000)), trace, "3/1/2026 12:00:00 AM", "3/8/2026 12:00:00 AM", str(n)]
        text = ",".join(f'"{f}"' for f in (x.replace('"', '""') for x in fields))
        expect = [Expect(trace, rcpt, status, reason)] if status else []
        items.append(sim.item(at, text, *expect))
    log = _merge(items)
    head = ['#TYPE Deserialized.Microsoft.Exchange.Management.FfoReporting.MessageTrace', O365_HEADER]
    return Log(head + log.lines, [(n + len(head), e) for n, e in log.truth])
