"""KDDI: EZweb/au (Postmaster@ezweb.ne.jp) and au one net/DION bounces.

EZweb notices open with Japanese sentences, then English ones that state
what happened, then the recipients, with the remote reply if there was one:

    The user(s) account is disabled.

    <kijitora@ezweb.ne.jp>: 550 user unknown (in reply to RCPT TO command)

or

    Each of the following recipients was rejected by a remote
    mail server.

        Recipient: <kijitora@ezweb.ne.jp>
        >>> RCPT TO:<kijitora@ezweb.ne.jp>
        <<< 550 <kijitora@ezweb.ne.jp>: User unknown

au one net (DION) notices say it in one sentence:

    Your mail sent on: Thu, 29 Apr 2013 00:00:00 +0900
         Could not be delivered to: <kijitora@example.dion.ne.jp>
         As their mailbox is full.

Per recipient the diagnostic is the English statements plus its reply; a
generic "were rejected" preface is left out when there is a reply. Texts
declared ISO-2022-JP are sometimes really EUC-JP or Shift_JIS: decoded here.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import ORIGINAL_TYPES, Delivery, Mail, address_in
from smtp_explain.decoding.text import clean_diagnostic
from smtp_explain.extract import command_name

NAME = "kddi"
ORDER = 360
HINTS = ("ezweb.ne.jp", "@au.com", ".au.com", "auone-net.jp", "dion.ne.jp", "kddi.com",
         "=?")  # "=?": From may be RFC 2047-encoded

_SYSTEM_SENDERS = ("postmaster", "mailer-daemon", "no-reply", "noreply")
_DOMAINS = ("ezweb.ne.jp", "au.com", "auone-net.jp", "dion.ne.jp", "kddi.com")
_SENT = re.compile(r"(?i)^(?:recipient:[ \t]*|could not be delivered to:[ \t]*)?<[^<>]{3,320}>:?")
_GENERIC = ("each of the following recipients", "the following recipients did not receive")
_PREAMBLE = ("this message is in mime format", "this is a mime", "your mail sent on")
_IN_REPLY = re.compile(r"(?i)\(in reply to ([a-z ]{3,20}) command\)")
_ENCODINGS = ("iso-2022-jp", "euc-jp", "shift_jis", "utf-8")
_QUOTED = re.compile(r"(?m)^-{10,}[ \t]*$|^Received: from ")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


def match(mail: Mail) -> bool:
    local, _, domain = address_in(mail.sender).partition("@")
    if local not in _SYSTEM_SENDERS:
        return False
    message_id = mail.header("message-id").lower().rpartition("@")[2].strip(" >")
    return any(v == d or v.endswith("." + d) for v in (domain, message_id) for d in _DOMAINS)


def japanese_text(mail: Mail) -> str:
    """The bounce's text parts, re-decoded when a Japanese charset label was wrong."""
    texts: list[str] = []
    for part in mail.parts:
        if part.content_type in ORIGINAL_TYPES:
            break
        if part.content_type != "text/plain" or part.children:
            continue
        text = part.text()
        encoding = part.header("content-transfer-encoding").strip().lower()
        if "\ufffd" in text and encoding not in ("base64", "quoted-printable"):
            for name in _ENCODINGS:
                try:
                    text = part.body[: 256 << 10].decode(name)
                    break
                except UnicodeDecodeError:
                    continue
        texts.append(text)
    if not texts and not mail.root.children:
        texts.append(mail.body)
    return "\n".join(texts)


def decode(mail: Mail) -> list[Delivery]:
    text = _own_text(japanese_text(mail))
    statements, japanese = _statements(text)
    lines = [line.strip() for line in text.split("\n")]
    found: list[Delivery] = []
    for index, line in enumerate(lines):
        head = _SENT.match(line)
        if not head:
            continue
        address = address_in(head.group(0))
        if not address or any(d.recipient == address for d in found):
            continue
        found.append(_one(address, line[head.end() :], lines[index + 1 :], statements, japanese))
    reported = [d for d in deliveries(mail.dsn)[1] if d.recipient] if mail.dsn else []
    if not found:
        for delivery in reported:
            delivery.diagnostic = clean_diagnostic(" ".join(statements or japanese))
        return reported
    fields = {d.recipient: d for d in reported}
    for delivery in found:
        field = fields.get(delivery.recipient)
        if field is not None:
            delivery.status, delivery.remote_host = field.status, field.remote_host
            delivery.reporting_mta, delivery.timestamp = field.reporting_mta, field.timestamp
    return found


def _statements(text: str) -> tuple[list[str], list[str]]:
    """English paragraphs that say what happened, and the Japanese ones."""
    english: list[str] = []
    japanese: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        folded = " ".join(paragraph.split())
        if not folded or "@" in folded or folded.startswith(("<<<", ">>>", "-")):
            continue
        if not folded.isascii():
            japanese.append(folded)
        elif not folded.lower().startswith(_PREAMBLE):
            english.append(folded)
    return english, japanese


def _own_text(text: str) -> str:
    """The notice itself: before a quoted header block of the original."""
    cut = _QUOTED.search(text)
    return text[: cut.start()] if cut else text


def _one(address: str, same_line: str, after: list[str], statements: list[str],
         japanese: list[str]) -> Delivery:
    """One recipient: its own lines run to the next blank line or recipient."""
    reply_lines = [same_line.strip()] if same_line.strip() else []
    command = ""
    for line in after:
        if not line or _SENT.match(line):
            break
        if line.startswith(">>>"):
            command = line[3:].strip().split(":")[0].strip().lower()
        else:
            reply_lines.append(line.removeprefix("<<<").strip())
    reply = " ".join(reply_lines)
    in_reply = _IN_REPLY.search(reply)
    if in_reply:
        command = in_reply.group(1).lower()
    told = [s for s in statements if not reply or not s.lower().startswith(_GENERIC)]
    parts = told or ([] if reply else japanese)
    return Delivery(
        recipient=address,
        action="failed",
        diagnostic=clean_diagnostic(" ".join([*parts, reply])),
        diagnostic_type="SMTP" if reply[:1].isdigit() else "",
        smtp_command=command_name(command),
    )
