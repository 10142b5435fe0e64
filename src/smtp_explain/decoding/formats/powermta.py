"""PowerMTA (Port25): "Delivery report" with a bounce category per recipient.

PowerMTA's delivery-status part is standard, plus the category its bounce
classifier chose (X-PowerMTA-BounceCategory). Specific categories state the
reason outright; the vague ones ("other", "bad-configuration") are left to
the phrase rules.
"""

from __future__ import annotations

from smtp_explain import catalog
from smtp_explain.decoding.dsn import deliveries, parse_fields
from smtp_explain.decoding.mail import Delivery, Mail

NAME = "powermta"
ORDER = 700
HINTS = ("message/delivery-status", "message/global-delivery-status")

# PowerMTA's documented bounce categories and the reasons they state:
# knowledge/format_codes.toml [powermta.codes].


def match(mail: Mail) -> bool:
    return mail.dsn is not None and "x-powermta-" in mail.dsn[:4000].lower()


def decode(mail: Mail) -> list[Delivery]:
    if mail.dsn is None:
        return []
    _, found = deliveries(mail.dsn)
    blocks = [b for b in parse_fields(mail.dsn)
              if "final-recipient" in b or "original-recipient" in b]
    out = []
    for index, delivery in enumerate(found):
        if not delivery.recipient:
            continue
        category = blocks[index].get("x-powermta-bouncecategory", "") if index < len(blocks) else ""
        delivery.reason = catalog.format_table(NAME)["codes"].get(category.strip().lower(), "")
        out.append(delivery)
    return out
