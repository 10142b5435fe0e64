"""Microsoft 365 / Exchange Online (including Outlook.com since its move to it).

The report has the Exchange 2007+ layout (see ``exchange2007``): a users'
section, "Diagnostic information for administrators" with the generating
server (``*.prod.outlook.com``, ``*.protection.outlook.com``) and a
message/delivery-status part. Exchange Online marks its reports with
``X-MS-Exchange-Message-Is-Ndr`` and ``X-MS-Exchange-CrossTenant-*`` headers;
its Message-Ids end in ``outlook.com`` or ``exchangelabs.com``.
"""

from __future__ import annotations

from smtp_explain.decoding.formats.exchange2007 import decode_exchange, has_layout
from smtp_explain.decoding.mail import Delivery, Mail

NAME = "office365"
ORDER = 340
HINTS = (".outlook.com>", ".exchangelabs.com>", "x-ms-exchange-crosstenant-")

_ID_HOSTS = (".outlook.com>", ".exchangelabs.com>")


def _from_exchange_online(mail: Mail) -> bool:
    if mail.header("message-id").lower().rstrip().endswith(_ID_HOSTS):
        return True
    return any(name.startswith("x-ms-exchange-crosstenant-") for name, _ in mail.root.headers)


def match(mail: Mail) -> bool:
    if not _from_exchange_online(mail):
        return False
    return bool(mail.root.header_all("x-ms-exchange-message-is-ndr")) or has_layout(mail)


def decode(mail: Mail) -> list[Delivery]:
    return decode_exchange(mail)
