"""RFC 5965 feedback reports (ARF): a recipient complained, e.g. "this is spam".

Also the unsubscribe mails Apple Mail sends on a user's behalf (marked with
``X-Apple-Unsubscribe: true``): an opt-out, which is feedback too.

And Hotmail / Outlook.com complaint reports (JMRP, the Junk Mail Reporting
Program): ARF reports from Hotmail, and their older form with no
feedback-report part, "Subject: complaint about message from <IP>" with the
complained-about mail attached. Hotmail hides the complaining address from the
attached mail's To and names it in a header it adds to the copy,
X-HmXmrOriginalRecipient; that header (see ``original_recipient_headers`` in
bounce_signs.toml) names the recipient in either form.
"""

from __future__ import annotations

from smtp_explain.decoding import signs
from smtp_explain.decoding.dsn import parse_fields, typed_value
from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.mime import Part

NAME = "arf"
ORDER = 10
HINTS = ("x-apple-unsubscribe: true", "feedback-report", "complaint about message from",
         "=?")  # "=?": the Subject may be RFC 2047-encoded


def match(mail: Mail) -> bool:
    if mail.header("x-apple-unsubscribe").strip().lower() == "true":
        return True
    return (
        mail.root.params.get("report-type", "").lower() == "feedback-report"
        or mail.first_part("message/feedback-report") is not None
        or _complaint_with_original(mail)
    )


def _complaint_with_original(mail: Mail) -> bool:
    """A complaint report with no feedback-report part (JMRP's older form): its
    subject says so and the attached mail carries the header naming who complained."""
    if not signs.complaint_subject().search(mail.subject.strip()):
        return False
    return bool(mail.original is not None and _complainant(mail.original))


def _complainant(original: Part) -> str:
    for name in signs.original_recipient_headers():
        address = address_in(original.header(name))
        if address:
            return address
    return ""


def decode(mail: Mail) -> list[Delivery]:
    if mail.header("x-apple-unsubscribe").strip().lower() == "true":
        who = address_in(mail.sender)
        return [Delivery(recipient=who, reason="feedback", feedback_type="opt-out",
                         diagnostic=mail.body.strip()[:2000])]
    part = mail.first_part("message/feedback-report")
    fields: dict[str, str] = {}
    rcpts: list[str] = []
    if part is not None:
        for block in parse_fields(part.text()):
            for name, value in block.items():
                fields.setdefault(name, value)
        text = part.text()
        for line in text.split("\n"):
            name, _, value = line.partition(":")
            if name.strip().lower() in ("original-rcpt-to", "removal-recipient"):
                address = address_in(value)
                if address and address not in rcpts:
                    rcpts.append(address)
    if not rcpts and mail.original is not None:
        address = _complainant(mail.original) or address_in(mail.original.header("to"))
        if address:
            rcpts.append(address)
    if not rcpts:
        rcpts.append("")
    feedback_type = fields.get("feedback-type", "abuse").strip().lower() or "abuse"
    return [
        Delivery(
            recipient=rcpt,
            action="",
            reason="feedback",
            feedback_type=feedback_type,
            diagnostic=mail.body.strip()[:2000],
            remote_host=fields.get("reporting-mta", "") and typed_value(fields["reporting-mta"])[1],
            timestamp=fields.get("arrival-date", "") or fields.get("received-date", ""),
        )
        for rcpt in rcpts
    ]
