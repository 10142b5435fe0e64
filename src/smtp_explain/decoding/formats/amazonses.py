"""Amazon SES: JSON notifications (SNS or e-mail feedback) and SES's own DSNs.

SES reports bounces, complaints, deliveries and delays as JSON objects
(``notificationType``/``eventType`` with a ``bounce``, ``complaint``,
``delivery`` or ``deliveryDelay`` object), often wrapped in an SNS envelope
whose ``Message`` field holds that JSON as a string. SES's DSNs (outbound,
and inbound "receiving" bounces from inbound-smtp.*.amazonaws.com) are RFC
3464 reports whose diagnostic quotes the remote server's last reply in two
SES-specific ways, undone here:

* ``5.1.0 - Unknown address error 550-'5.2.2 <addr>... Mailbox Full'``:
  SES's own label, then the remote reply in quotes;
* ``554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2
  Connection timed out>``: the remote reply at the end in angle brackets.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from smtp_explain import catalog
from smtp_explain.decoding.dsn import deliveries, typed_value
from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import clean_diagnostic, fill_from_body
from smtp_explain.extract import STATUS_SHAPE, find_status, first_error_code

NAME = "amazonses"
ORDER = 300
HINTS = ("amazonses", "sns.amazonaws.com", "x-amz-sns-message-id:", "x-ses-outgoing:",
         "=?")  # "=?": From may be RFC 2047-encoded

_JSON_KEYS = ('"notificationType"', '"eventType"', '\\"notificationType\\"', '\\"eventType\\"')
# 5.1.0 - Unknown address error 550-'5.7.1 <...>... Access denied'
_QUOTED_REPLY = re.compile(rf"\b([245]\d\d)[- ]'({STATUS_SHAPE})\b([^']{{0,1000}})'")
# ...unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>
_BRACKET_REPLY = re.compile(rf"<([245]\d\d)[ -]({STATUS_SHAPE})\b([^<>]{{0,1000}})>\s*$")
_MAX_JSON = 1 << 20


@cache
def _subtype_reasons() -> dict[str, str]:
    """SES's subtypes that name the reason outright ("General"/"Undetermined" do not):
    knowledge/format_codes.toml [amazonses.codes], keyed in lower case."""
    return {key.lower(): reason for key, reason in catalog.format_table(NAME)["codes"].items()}


def _is_ses(mail: Mail) -> bool:
    sender = mail.sender
    return (
        "amazonses.com" in sender
        or "sns.amazonaws.com" in sender
        or bool(mail.header("x-amz-sns-message-id") or mail.header("x-ses-outgoing"))
        or "amazonses" in mail.header("feedback-id").lower()
        or "amazonses.com" in mail.header("message-id").lower()
    )


def match(mail: Mail) -> bool:
    if not _is_ses(mail):
        return False
    if mail.dsn is not None:
        return True
    return any(any(key in text[:4096] for key in _JSON_KEYS) for text in _json_texts(mail))


def _json_texts(mail: Mail) -> list[str]:
    """Where a notification can be: the text of the mail, or a JSON attachment."""
    texts = [mail.body]
    texts.extend(p.text() for p in mail.parts if p.content_type == "application/json")
    return texts


def decode(mail: Mail) -> list[Delivery]:
    for text in _json_texts(mail):
        notice = _notification(text)
        if notice is not None:
            return from_json(notice)
    if mail.dsn is None:
        return []
    _, found = deliveries(mail.dsn)
    found = [d for d in found if d.recipient]
    for delivery in found:
        unwrap_reply(delivery)
    fill_from_body(mail, found)
    return found


def unwrap_reply(delivery: Delivery) -> None:
    """Take status and reply code from the remote reply SES quotes in its diagnostic."""
    text = delivery.diagnostic
    quoted = _QUOTED_REPLY.search(text)
    if quoted:
        delivery.reply_code, delivery.status = quoted.group(1), quoted.group(2)
        delivery.diagnostic = clean_diagnostic(" ".join(quoted.groups()))
        return
    bracket = _BRACKET_REPLY.search(text)
    if bracket:
        delivery.reply_code, delivery.status = bracket.group(1), bracket.group(2)


# --- JSON notifications ----------------------------------------------------


def _notification(body: str) -> dict[str, Any] | None:
    """The SES notification object in a mail body, unwrapping an SNS envelope."""
    start = body.find("{")
    if start < 0 or not any(key in body[start : start + 4096] for key in _JSON_KEYS):
        return None
    text = body[start : start + _MAX_JSON]
    found = _load_object(text)
    if found is None and "!\n " in text:
        # Sendmail splits lines longer than 990 bytes with "!" + newline + space.
        found = _load_object(text.replace("!\n ", ""))
    if found is None:
        return None
    message = found.get("Message")
    if isinstance(message, str) and "Type" in found:
        inner = _load_object(message)
        if inner is not None:
            found = inner
    kind = found.get("notificationType") or found.get("eventType")
    return found if isinstance(kind, str) else None


def _load_object(text: str) -> dict[str, Any] | None:
    try:
        value, _ = json.JSONDecoder().raw_decode(text.lstrip())
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def from_json(notice: dict[str, Any]) -> list[Delivery]:
    """One Delivery per recipient of an SES bounce/complaint/delivery/delay notice."""
    kind = (_str(notice.get("notificationType")) or _str(notice.get("eventType"))).lower()
    if kind == "bounce":
        return _bounces(_dict(notice.get("bounce")))
    if kind == "complaint":
        return _complaints(_dict(notice.get("complaint")))
    if kind == "delivery":
        return _delivered(_dict(notice.get("delivery")))
    if kind == "deliverydelay":
        return _delays(_dict(notice.get("deliveryDelay")))
    return []


def _recipient_entry(entry: object, report: dict[str, Any], action: str, subtype: str) -> Delivery:
    item = _dict(entry)
    diag_type, diagnostic = typed_value(_str(item.get("diagnosticCode")))
    delivery = Delivery(
        recipient=address_in(_str(item.get("emailAddress"))),
        action=_str(item.get("action")).lower() or action,
        status=find_status(_str(item.get("status"))),
        diagnostic=clean_diagnostic(diagnostic),
        diagnostic_type=diag_type,
        reply_code=first_error_code(diagnostic),
        remote_host=_str(item.get("remoteMtaIp")),
        reporting_mta=typed_value(_str(report.get("reportingMTA")))[1],
        timestamp=_str(report.get("timestamp")),
        reason=_subtype_reasons().get(subtype.lower(), ""),
    )
    unwrap_reply(delivery)
    return delivery


def _bounces(bounce: dict[str, Any]) -> list[Delivery]:
    subtype = _str(bounce.get("bounceSubType"))
    action = "delayed" if _str(bounce.get("bounceType")).lower() == "transient" else "failed"
    return [
        _recipient_entry(entry, bounce, action, subtype)
        for entry in _list(bounce.get("bouncedRecipients"))
    ]


def _delays(delay: dict[str, Any]) -> list[Delivery]:
    subtype = _str(delay.get("delayType"))
    return [
        _recipient_entry(entry, delay, "delayed", subtype)
        for entry in _list(delay.get("delayedRecipients"))
    ]


def _complaints(complaint: dict[str, Any]) -> list[Delivery]:
    feedback_type = _str(complaint.get("complaintFeedbackType")).lower() or "abuse"
    note = " ".join(
        part
        for part in (_str(complaint.get("complaintSubType")), _str(complaint.get("userAgent")))
        if part
    )
    out = []
    for entry in _list(complaint.get("complainedRecipients")):
        recipient = address_in(_str(_dict(entry).get("emailAddress")))
        out.append(
            Delivery(
                recipient=recipient,
                reason="feedback",
                feedback_type=feedback_type,
                diagnostic=clean_diagnostic(note),
                timestamp=_str(complaint.get("timestamp")),
            )
        )
    return out


def _delivered(delivery: dict[str, Any]) -> list[Delivery]:
    response = _str(delivery.get("smtpResponse"))
    reporting = _str(delivery.get("reportingMTA"))
    return [
        Delivery(
            recipient=address_in(_str(rcpt)),
            action="delivered",
            status=find_status(response),
            diagnostic=clean_diagnostic(response),
            diagnostic_type="SMTP" if response else "",
            reply_code=first_error_code(response),
            reporting_mta=reporting,
            timestamp=_str(delivery.get("timestamp")),
        )
        for rcpt in _list(delivery.get("recipients"))
    ]
