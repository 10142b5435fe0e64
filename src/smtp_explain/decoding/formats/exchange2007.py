"""Microsoft Exchange Server 2007 and later (on premises).

The non-delivery report is a multipart/report whose text part has a section
for users and one for administrators (both localised)::

    Delivery has failed to these recipients or groups:
    Neko<mailto:kijitora@example.jp>
    The recipient's e-mail address was not found in the recipient's ...

    Diagnostic information for administrators:
    Generating server: mx.example.org
    Receiving server: mx.example.jp (192.0.2.2)

    kijitora@example.jp
    #550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##        (2007/2010)
    Remote Server returned '550 5.1.1 ...'                       (2013 and later)
    3/09/2016 8:05:56 PM - Remote Server at mx (192.0.2.3) returned '550 4.4.7 ...'

    Original message headers:

A message/delivery-status part usually follows; it gives the recipients,
actions and statuses, the administrators' section the complete error text
(for expired messages, every attempt with the remote server's own reply).
The parsing is shared with ``office365`` (Exchange Online).
"""

from __future__ import annotations

import re

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic, own_addresses, recipients_in
from smtp_explain.extract import find_status

NAME = "exchange2007"
ORDER = 360

# "Diagnostic information for administrators" in the languages Exchange speaks.
ADMIN_HEADINGS = (
    "diagnostic information for administrators",
    "informations de diagnostic pour les administrateurs",
    "diagnoseinformationen für administratoren",
    "información de diagnóstico para administradores",
    "informazioni di diagnostica per gli amministratori",
    "diagnostische informatie voor beheerders",
    "informações de diagnóstico para administradores",
    "diagnostikinformation för administratörer",
    "diagnostiske oplysninger til administratorer",
    "diagnostiikkatiedot järjestelmänvalvojille",
    "informacje diagnostyczne dla administratorów",
    "диагностические сведения для администраторов",
    "管理者向けの診断情報",
    "管理员诊断信息",
    "系統管理員診斷資訊",
    "관리자를 위한 진단 정보",
)
# The users' section: "Delivery has failed to these recipients or groups".
USER_HEADINGS = (
    "delivery has failed to these recipients",
    "your message to these recipients",
    "rejected your message to the following",
    "échec de la remise pour ces destinataires",
    "la remise à ces destinataires",
    "übermittlung an folgende empfänger",
    "error al entregar el mensaje a estos destinatarios",
    "recapito non riuscito per questi destinatari",
    "次の受信者またはグループへの配信に失敗しました",
)
_SERVER_LINE = re.compile(r"(?i)^(?:generating|receiving|sending) server\s*:|^serveur de ")
_QUOTED = re.compile(r"returned '(.{1,2000})'")
_AT_HOST = re.compile(r"(?i)server at ([\w.-]{1,255})")
_HOSTNAME = re.compile(r"^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,10}\.?$", re.I)
_HEADER_LINE = re.compile(r"^[A-Za-z][\w-]{1,40}:[ \t]")


def has_layout(mail: Mail) -> bool:
    """True when the text part has Exchange's administrators' section."""
    lower = mail.body_lower[:200_000]
    return any(h in lower for h in ADMIN_HEADINGS)


def match(mail: Mail) -> bool:
    if mail.root.header_all("x-ms-exchange-message-is-ndr"):
        return True
    return has_layout(mail)


def decode(mail: Mail) -> list[Delivery]:
    return decode_exchange(mail)


def decode_exchange(mail: Mail) -> list[Delivery]:
    """Recipients of an Exchange 2007+ / Exchange Online report."""
    body = mail.body
    blocks, generating = admin_blocks(body)
    found: list[Delivery] = []
    if mail.dsn is not None:
        found = [d for d in deliveries(mail.dsn)[1] if d.recipient]
    if not found:
        found = [Delivery(recipient=r, action="failed") for r in blocks]
    if not found:
        found = [Delivery(recipient=r, action="failed") for r in _user_recipients(mail)]
    for delivery in found:
        block = blocks.get(delivery.recipient)
        if block is not None:
            _apply_block(delivery, block)
        if not delivery.reporting_mta:
            delivery.reporting_mta = generating
        if delivery.diagnostic and not delivery.diagnostic_type:
            delivery.diagnostic_type = "SMTP"
    return relayed_by_gateway(found)


def admin_blocks(body: str) -> tuple[dict[str, list[str]], str]:
    """The administrators' section: error lines per recipient, and the generating server."""
    lower = body.lower()
    starts = [lower.find(h) for h in ADMIN_HEADINGS if h in lower]
    if not starts:
        return {}, ""
    lines = body[min(starts) :].split("\n")[1:]
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    generating = ""
    blank = False
    for raw in lines:
        line = raw.strip()
        if not line:
            blank = True
            continue
        if _SERVER_LINE.match(line):
            if line.lower().startswith("generating") and not generating:
                generating = line.split(":", 1)[1].strip()
            continue
        address = _address_line(line)
        if address:
            current = blocks.setdefault(address, [])
            blank = False
            continue
        if (blank and line.endswith(":")) or _HEADER_LINE.match(line):
            break  # "Original message headers:" (in any language) or the headers themselves
        if current is not None:
            current.append(line)
        blank = False
    return blocks, generating


def _address_line(line: str) -> str:
    """The address when a line holds nothing but one address."""
    text = line.split("<mailto:", 1)[0].strip().strip("<>")
    if " " in text or "@" not in text:
        return ""
    return address_in(text)


def _apply_block(delivery: Delivery, block: list[str]) -> None:
    errors: list[str] = []
    for line in block:
        quoted = _QUOTED.search(line)
        if quoted:
            errors.append(quoted.group(1))
            host = _AT_HOST.search(line)
            if host and not delivery.remote_host:
                delivery.remote_host = host.group(1).rstrip(".").lower()
        elif line.startswith("#"):
            errors.append(line.lstrip("#").split("##", 1)[0].strip())
        elif _HOSTNAME.match(line):
            delivery.remote_host = delivery.remote_host or line.rstrip(".").lower()
        else:
            errors.append(line)
    text = clean_diagnostic(" ".join(e for e in errors if e))
    if text:
        delivery.diagnostic = text
    _refine_status(delivery, errors)


def _refine_status(delivery: Delivery, errors: list[str]) -> None:
    """For an expired message, report the remote server's last status, not 4.4.7.

    Exchange lists attempts newest first; the first line is its own
    "QUEUE.Expired" verdict, the next one holds what the remote server said.
    """
    statuses = [s for s in (find_status(e) for e in errors) if s]
    if not statuses:
        return
    if not delivery.status:
        delivery.status = statuses[0]
        return
    if delivery.status.endswith(".4.7"):
        cause = next((s for s in statuses if not s.endswith(".4.7")), "")
        if cause:
            delivery.status = cause


def _user_recipients(mail: Mail) -> list[str]:
    body = mail.body
    lower = body.lower()
    starts = [lower.find(h) for h in USER_HEADINGS if h in lower]
    if not starts:
        return []
    section = body[min(starts) :]
    end = min((section.lower().find(h) for h in ADMIN_HEADINGS if h in section.lower()),
              default=len(section))
    return recipients_in(section[:end], own_addresses(mail))[:100]
