"""Microsoft Exchange 5.5 - 2003 (Internet Mail Service / Internet Mail Connector).

Plain-text non-delivery reports (X-Mailer "Internet Mail Service (5.5...)",
"Microsoft Exchange Server Internet Mail Connector", X-MS-Embedded-Report)::

    Your message [did not reach some or all of the intended recipients.]
      To: ... Subject: ... Sent: ...
    did not reach the following recipient(s):      (or:
    The following recipient(s) could not be reached:)

    kijitora@example.jp on Thu, 29 Apr 2010 00:00:00 -0000
        The recipient name is not recognized
        The MTS-ID of the original message is: c=jp;a= ;p=neko;l=...
        MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown Recipient

A recipient with no SMTP address is named by its X.400 O/R address or its
Exchange directory name ("c=US;a= ;p=Org;o=Site;s=Smith;g=Bob; on <date>",
"/O=ORG/OU=SITE/CN=RECIPIENTS/CN=BOB on <date>"); that is reported as the
recipient (see ``mail.directory_address``).

Each recipient line ("<address> on <date>") is followed by indented error
lines. The "MSEXCH:" line ends with Exchange's own error code in brackets;
the codes that name one cause on their own set the reason.
"""

from __future__ import annotations

import re

from smtp_explain import catalog
from smtp_explain.decoding.mail import Delivery, Mail, recipient_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic
from smtp_explain.extract import ADDRESS_SHAPE

NAME = "exchange2003"
ORDER = 320
HINTS = ("internet mail service (5.", "exchange server internet mail connector",
         "x-ms-embedded-report:", "subject: undeliverable",
         "=?")  # "=?": Subject may be RFC 2047-encoded

_MARKERS = ("did not reach the following recipient", "following recipient(s) could not be reached")
_RECIPIENT_LINE = re.compile(rf"^[ \t]*<?({ADDRESS_SHAPE})>? on (.{{5,60}})$")
# A recipient with no SMTP address: its X.400 O/R address or directory name
# ("c=US;a= ;p=Org;o=Site;s=Smith;g=Bob; on ...", "/O=ORG/OU=SITE/CN=RECIPIENTS/CN=BOB on ...").
_DIRECTORY_LINE = re.compile(r"(?i)^[ \t]*((?:/o=|c=)[^\n]{1,400}?) on (.{5,60})$")
_CODE = re.compile(r"\(([0-9A-F]{8})\)")
_MTS_ID = re.compile(r"(?i)^the mts-id of the original message is:")

# Exchange error codes (MSEXCH:IMS/IMC "(xxxxxxxx)") that name one cause:
# knowledge/format_codes.toml [exchange2003.codes].


def match(mail: Mail) -> bool:
    mailer = (mail.header("x-mailer") + " " + " ".join(mail.root.header_all("received"))).lower()
    if "internet mail service (5." in mailer or "exchange server internet mail connector" in mailer:
        return True
    if mail.root.header_all("x-ms-embedded-report"):
        return True
    return mail.subject.lower().startswith("undeliverable") and any(
        m in mail.body_lower for m in _MARKERS
    )


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    lower = body.lower()
    starts = [lower.find(m) for m in _MARKERS if m in lower]
    if not starts:
        return []
    lines = body[min(starts) :].split("\n")[1:]
    out: list[Delivery] = []
    errors: list[str] = []
    for line in lines:
        found = _RECIPIENT_LINE.match(line) or _DIRECTORY_LINE.match(line)
        if found and recipient_in(found.group(1)):
            _finish(out, errors)
            errors = []
            out.append(Delivery(recipient=recipient_in(found.group(1)),
                                timestamp=found.group(2).strip(), action="failed"))
            continue
        if not out:
            continue
        if not line.strip():
            if errors and not line.startswith((" ", "\t")):
                _finish(out, errors)
                errors = []
            continue
        errors.append(line.strip())
    _finish(out, errors)
    return relayed_by_gateway([d for d in out if d.recipient])


def _finish(out: list[Delivery], errors: list[str]) -> None:
    """Give the last recipient its error lines (MTS-ID lines are not errors)."""
    if not out or out[-1].diagnostic:
        return
    kept = [
        line for line in errors
        if not _MTS_ID.match(line) and not (";l=" in line and "MSEXCH" not in line.upper())
    ]
    text = clean_diagnostic(" ".join(kept))
    out[-1].diagnostic = text
    out[-1].diagnostic_type = "X-Exchange" if "MSEXCH:" in text.upper() else ""
    code = _CODE.search(text)
    if code:
        out[-1].reason = catalog.format_table(NAME)["codes"].get(code.group(1), "")
