"""Challenge/response notices: the recipient's filter holds the mail until the
sender proves to be a person (Bluebottle, Boxbe, Spam Arrest, ChoiceMail and the like).

Such a notice is no bounce: nothing refused the mail and the recipient's
address works. The mail waits in a holding area ("please confirm your
message", "your message was waitlisted", "add yourself to my guest list")
and is delivered once the sender answers the challenge, or dropped after a
while if nobody does. So it is reported as one row for the protected
address with reason ``onhold`` (not decided yet: the sender must act) and
action ``delayed``, never as a failure of the address. The notices are told
apart by their wording (``challenge_words`` in bounce_signs.toml), read in
the subject and the start of the text; the reason is this layout's meaning,
not a reading of an error text.

The protected address is the attached original's To, else the notice's
Reply-To (Boxbe answers from its own address and replies go to the member),
else an address the text names (help and contact lines excepted), else the
notice's From (Bluebottle writes from the member's own address).
"""

from __future__ import annotations

from smtp_explain import catalog
from smtp_explain.decoding.formats import SIGNATURE_BODY
from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import clean_diagnostic, own_addresses, recipients_in

NAME = "challenge"
ORDER = 940  # before rfc3834 (950): these notices often say Auto-Submitted: auto-replied
MAX_READ = SIGNATURE_BODY
# Phrases (lower case) that only a challenge notice uses; also the dispatch hints.
WORDS: tuple[str, ...] = tuple(catalog.facts("bounce_signs")["challenge_words"])
HINTS = (*WORDS, "=?")  # "=?": the Subject may be RFC 2047-encoded


def match(mail: Mail) -> bool:
    if mail.dsn is not None or mail.first_part("message/feedback-report") is not None:
        return False
    text = " ".join(f"{mail.subject}\n{mail.body[:MAX_READ]}".lower().split())
    return any(word in text for word in WORDS)


def decode(mail: Mail) -> list[Delivery]:
    protected = ""
    if mail.original is not None:
        protected = address_in(mail.original.header("to"))
    sender = address_in(mail.sender)
    reply_to = address_in(mail.header("reply-to"))
    if not protected and reply_to and reply_to != sender:
        protected = reply_to
    if not protected:
        named = recipients_in(mail.body[:MAX_READ], own_addresses(mail) - {sender})
        protected = named[0] if named else sender
    if not protected:
        return []
    return [Delivery(recipient=protected, action="delayed", reason="onhold", temporary=True,
                     diagnostic=clean_diagnostic(f"{mail.subject}: {mail.body[:MAX_READ]}"))]
