"""Mail.Ru (mailer-daemon@corp.mail.ru): Exim bounces with a Russian preface.

The Russian paragraph and the English Exim text list the same failures:

      kijitora@example.jp
        SMTP error from remote mail server after RCPT TO:<kijitora@example.jp>:
        host mx.example.jp [192.0.2.222]: 550 5.1.1 <kijitora@example.jp>... User Unknown

An address alone on an indented line starts a recipient; the more deeply
indented lines under it are its error. "after RCPT TO / MAIL FROM / end of
data" names the SMTP command, "host NAME [IP]:" the remote server.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import before_original, clean_diagnostic
from smtp_explain.extract import command_name

NAME = "mailru"
ORDER = 330
HINTS = ("@mail.ru", ".mail.ru", ".smailru.net", "=?")  # "=?": From may be RFC 2047-encoded

_DOMAINS = (".mail.ru", "@mail.ru", ".smailru.net")
_FAILED = re.compile(r"(?i)the following address(?:\(es\))? failed:|получателям:")
_ADDRESS_LINE = re.compile(r"^([ \t]{1,12})<?([^\s<>@]{1,64}@[^\s<>@]{1,254}?)>?:?[ \t]*$")
_GENERATED = re.compile(r"^\((?:ultimately )?generated from [^)]{1,300}\)")
_AFTER = re.compile(
    r"(?i)\bafter (rcpt to|mail from|end of data|data|helo|ehlo|initial connection|"
    r"sending data block|pipelined rcpt to|pipelined mail from)"
)
_HOST = re.compile(r"(?i)\bhost ([a-z0-9][a-z0-9.-]{0,250}) \[[0-9a-f.:]{3,45}\]")


def match(mail: Mail) -> bool:
    sender = mail.sender
    if "mailer-daemon" not in sender and "mail delivery" not in sender:
        return False
    domains = (sender, mail.header("message-id").lower())
    return any(d in value for value in domains for d in _DOMAINS)


def decode(mail: Mail) -> list[Delivery]:
    text = before_original(mail.body)
    markers = list(_FAILED.finditer(text))
    if not markers:
        return []
    # The English Exim block when there is one (it comes last), else the Russian one.
    found = exim_failures(text[markers[-1].end() :])
    return found or exim_failures(text[markers[0].end() :])


def exim_failures(text: str) -> list[Delivery]:
    """Recipients and their errors from the indented list of an Exim bounce."""
    out: list[Delivery] = []
    current: Delivery | None = None
    indent = 0
    lines: list[str] = []
    for line in text.split("\n"):
        head = _ADDRESS_LINE.match(line)
        if head and address_in(head.group(2)):
            if current is not None:
                _finish(current, lines)
            current = Delivery(recipient=address_in(head.group(2)), action="failed")
            out.append(current)
            indent, lines = len(head.group(1).expandtabs()), []
            continue
        if current is None:
            continue
        if not line.strip() or len(line) - len(line.lstrip()) <= indent:
            if lines or not line.strip():
                _finish(current, lines)
                current, lines = None, []
            continue
        stripped = _GENERATED.sub("", line.strip()).strip()
        if stripped:
            lines.append(stripped)
    if current is not None:
        _finish(current, lines)
    return out


def _finish(delivery: Delivery, lines: list[str]) -> None:
    text = " ".join(lines)
    delivery.diagnostic = clean_diagnostic(text)
    after = _AFTER.search(text)
    if after:
        delivery.smtp_command = command_name(after.group(1))
    host = _HOST.search(text)
    if host:
        delivery.remote_host = host.group(1).lower().rstrip(".")
