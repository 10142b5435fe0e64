"""Sendmail: "Returned mail: see transcript for details" and its v5 ancestor.

Sendmail lists the failed addresses, then a session transcript::

       ----- The following addresses had permanent fatal errors -----
    <rcpt@example.org>
        (reason: 550 5.1.1 <rcpt@example.org>... User Unknown)

       ----- Transcript of session follows -----
    ... while talking to mx.example.org.:
    >>> DATA
    <<< 550 5.1.1 <rcpt@example.org>... User Unknown
    550 5.1.1 <rcpt@example.org>... User unknown

The delivery-status part keeps only the first line of a multi-line reply
and none of the SMTP command, so the diagnostic is rebuilt from the
transcript: ">>> COMMAND <<< reply" of the exchange that failed. Sendmail
5 (no DSN) writes "554 <rcpt>... error" lines in the transcript only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from smtp_explain.decoding.dsn import deliveries, parse_fields
from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import (
    clean_diagnostic,
    local_program_failed,
    local_program_reason,
    strip_continuations,
)
from smtp_explain.extract import REPLY_HEAD, STATUS_SHAPE, find_status, first_error_code

NAME = "sendmail"
ORDER = 750
HINTS = ("----- transcript of session follows -----", "addresses had permanent fatal errors",
         "addresses had transient non-fatal errors", "following addresses had delivery problems",
         "subject: returned mail:", "subject: warning: could not send message for past",
         "subject: postmaster notify:", "subject: postmaster warning:",
         "=?")  # "=?": Subject may be RFC 2047-encoded

_TRANSCRIPT = "----- transcript of session follows -----"
_ERRORS = re.compile(r"(?im)^[ \t]*-{3,} ?the following addresses? had "
                     r"(?:(?:permanent fatal|transient non-fatal) errors|delivery problems)")
_LIST_MARKERS = ("addresses had permanent fatal errors", "addresses had transient non-fatal errors",
                 "following addresses had delivery problems")
_SUBJECTS = ("returned mail:", "warning: could not send message for past", "postmaster notify:",
             "postmaster warning:")
_SECTION_END = re.compile(r"(?im)^(?:[ \t]*-{3,} ?(?:unsent message follows|original message|"
                          r"the following addresses|message header follows|transcript of session)|"
                          r"--[^-\s]|content-type:|reporting-mta:|final-recipient:|"
                          r"original-recipient:|arrival-date:|return-path:|received:)")
_LOCAL = re.compile(rf"^(?:([245]\d\d) )?(?:{STATUS_SHAPE} )?"
                    r"<?([^<>\s]{1,320}?)>?\.\.\. ?(.*)$")
_CODES = re.compile(rf"^(?:[245]\d\d )?(?:{STATUS_SHAPE} )?")
_BARE_REPLY = re.compile(rf"^[245]\d\d(?:[ -]{STATUS_SHAPE})?\s*$")
_DOMAIN_LINE = re.compile(r"^([245]\d\d) ([\w.-]{1,255}) \(\w{1,20}\)\.\.\. ?(.*)$")
# A local delivery program (|pipe, procmail, maildrop) failed: its exit code is the
# diagnostic; only a full mailbox is worth telling apart from a plain mailer error.


def match(mail: Mail) -> bool:
    head = mail.body_lower[:8000]
    if _TRANSCRIPT in head or any(marker in head for marker in _LIST_MARKERS):
        return True
    return mail.subject.lower().startswith(_SUBJECTS) and "mailer-daemon" in mail.sender


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    listed = _listed_recipients(body)
    exchanges = _transcript(body)
    dsn_text = mail.dsn
    if dsn_text is None and "\nfinal-recipient:" in body.lower():
        dsn_text = body  # the report part was not recognised as MIME: read its fields as text
    if dsn_text is None:
        return _v5(mail, exchanges, listed)
    _, found = deliveries(dsn_text)
    blocks = [b for b in parse_fields(dsn_text)
              if "final-recipient" in b or "original-recipient" in b]
    out = []
    for index, delivery in enumerate(found):
        actual = blocks[index].get("x-actual-recipient", "") if index < len(blocks) else ""
        kind, _, value = actual.partition(";")
        if kind.strip().lower() == "rfc822" and not value.strip().startswith(("|", '"|')):
            delivery.recipient = address_in(value) or delivery.recipient
        name, reason = listed[index] if index < len(listed) else ("", "")
        name = name.partition(" (")[0]  # "<rcpt> (unrecoverable error)"
        delivery.recipient = delivery.recipient or address_in(name)
        if not delivery.recipient:
            continue
        if not delivery.diagnostic and index < len(blocks):
            delivery.diagnostic = _status_comment(blocks[index].get("status", ""))
        _improve(delivery, name.strip("<>").lower(), reason, exchanges)
        out.append(delivery)
    return out


def _status_comment(value: str) -> str:
    """'4.0.0 (example.org: host name lookup failure)' -> the words in parentheses."""
    _, paren, comment = value.partition("(")
    return clean_diagnostic(comment.rstrip(") ")) if paren else ""


@dataclass(slots=True)
class Exchange:
    """One failed step of the transcript and the addresses Sendmail blamed on it."""

    host: str = ""
    command: str = ""
    reply: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_reply(self.reply)


def _listed_recipients(body: str) -> list[tuple[str, str]]:
    """(address, reason text) from the "following addresses had ... errors" list."""
    found = _ERRORS.search(body)
    if not found:
        return []
    start = body.find("\n", found.end()) + 1
    end = _SECTION_END.search(body, start)
    out: list[tuple[str, str]] = []
    for line in body[start : end.start() if end else len(body)].split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        if line[0] not in " \t":
            out.append((stripped, ""))
        elif out and stripped.lower().startswith("(reason:"):
            out[-1] = (out[-1][0], stripped[8:].rstrip(")").strip())
    return out


def _transcript(body: str) -> list[Exchange]:
    lower = body.lower()
    start = lower.find(_TRANSCRIPT)
    if start < 0:
        return []
    start = lower.find("\n", start) + 1
    end = _SECTION_END.search(body, start)
    out: list[Exchange] = []
    current = Exchange()
    for line in body[start : end.start() if end else len(body)].split("\n"):
        stripped = line.strip()
        low = stripped.lower()
        if low.startswith(("... while talking to", "while talking to")):
            current = Exchange(host=stripped.split("talking to", 1)[1].strip(" :.").lower())
            out.append(current)
        elif stripped.startswith(">>>"):
            current = Exchange(host=current.host, command=stripped[3:].strip())
            out.append(current)
        elif stripped.startswith("<<<"):
            if current.reply and _reply_complete(current.reply[-1]):
                current = Exchange(host=current.host, command=current.command)
                out.append(current)
            elif not out:
                out.append(current)
            current.reply.append(stripped[3:].strip())
        elif stripped:
            if not out:
                out.append(current)
            current.local.append(stripped)
    return out


def _reply_complete(line: str) -> bool:
    head = REPLY_HEAD.match(line)
    return not head or head.group(2) == " "


def join_reply(lines: list[str]) -> str:
    """Lines of a multi-line SMTP reply as one text, continuation codes dropped."""
    return strip_continuations(" ".join(lines))


def _exchange_for(recipient: str, name: str, reason: str,
                  exchanges: list[Exchange]) -> Exchange | None:
    """The transcript step that failed this recipient: the last one naming it, else
    the one whose reply is the reason quoted in the address list."""
    named = [e for e in exchanges
             if e.reply and any(_names(line, recipient, name) for line in e.local)]
    if named:
        return named[-1]
    reason = clean_diagnostic(reason).lower()
    if reason:
        for exchange in reversed(exchanges):
            if exchange.reply and clean_diagnostic(exchange.reply[0]).lower().startswith(reason):
                return exchange
    return None


def _improve(delivery: Delivery, name: str, reason: str, exchanges: list[Exchange]) -> None:
    """Diagnostic, command, host and codes of one DSN recipient from the transcript."""
    if local_program_failed(delivery):
        text = clean_diagnostic(" ".join(line for e in exchanges for line in e.local))
        delivery.diagnostic = text or delivery.diagnostic
        delivery.reply_code = first_error_code(text)
        delivery.reason = local_program_reason(delivery)
        return
    exchange = _exchange_for(delivery.recipient, name, reason, exchanges)
    if exchange is not None:
        reply = exchange.text
        delivery.diagnostic = f">>> {exchange.command} <<< {reply}" if exchange.command else reply
        delivery.smtp_command = _command(exchange.command)
        delivery.remote_host = exchange.host or delivery.remote_host
        if _BARE_REPLY.match(reply):  # the server gave no words: add Sendmail's own
            notes = _notes(exchanges)
            delivery.diagnostic = clean_diagnostic(" ".join([delivery.diagnostic, *notes]))
    elif remote_reason(reason, delivery.recipient, name, exchanges) and (
            not delivery.diagnostic or delivery.diagnostic == reason
            or _names(delivery.diagnostic, delivery.recipient, name)):
        # No transcript step to read, but the address list quotes the remote server's
        # reply: that, not Sendmail's own summary line ("<rcpt>... User unknown").
        delivery.diagnostic = clean_diagnostic(reason)
    elif not delivery.diagnostic or delivery.diagnostic == reason:
        own = [line for e in exchanges for line in e.local
               if _names(line, delivery.recipient, name)]
        if own:
            delivery.diagnostic = clean_diagnostic(" ".join([own[-1], *_notes(exchanges)]))
    if not delivery.diagnostic:
        # Nothing names this recipient, yet the transcript has the MTA's own words on
        # the failure (IceWarp: "554 could not connect and send the mail to <ip>"):
        # they are all the mail says about why.
        delivery.diagnostic = clean_diagnostic(" ".join(line for e in exchanges
                                                        for line in e.local))
    reply = delivery.diagnostic.rpartition("<<< ")[2]
    delivery.reply_code = first_error_code(reply) or delivery.reply_code
    stated = find_status(reply)
    same_class = not delivery.status or stated[:1] == delivery.status[:1]
    if stated and not stated.endswith(".0.0") and same_class:
        delivery.status = stated  # the server's own code beats the one Sendmail derived


def remote_reason(reason: str, recipient: str, name: str,
                  exchanges: list[Exchange] | None = None) -> str:
    """The "(reason: ...)" text of the address list when it is a remote server's reply,
    not Sendmail's own verdict: it is no "<rcpt>... text" line, and its words are not
    those of Sendmail's own line on the recipient (Sendmail's summary of a local error,
    "550 Host unknown", repeats its own "<rcpt>... Host unknown (...)")."""
    reason = reason.strip()
    if not reason or not REPLY_HEAD.match(reason) or _names(reason, recipient, name):
        return ""
    words = _CODES.sub("", reason, count=1).strip().lower()
    for line in (line for e in exchanges or [] for line in e.local):
        if _names(line, recipient, name) and words in line.lower():
            return ""
    return reason


def _names(line: str, recipient: str, name: str) -> bool:
    """A transcript line that is Sendmail's verdict on this recipient ("<rcpt>... text")."""
    rest = _CODES.sub("", line, count=1).lower()
    return any(who and rest.startswith((f"<{who}>...", f"{who}...")) for who in (recipient, name))


def _notes(exchanges: list[Exchange]) -> list[str]:
    """Sendmail's own remarks in the transcript ("Message could not be delivered for 5
    days"), not tied to one recipient and not a generic status line."""
    return [line for e in exchanges for line in e.local
            if not _LOCAL.match(line) and not REPLY_HEAD.match(line)]


def _command(line: str) -> str:
    """">>> RCPT To:<x>" -> "RCPT"; no command: the reply was the server's greeting."""
    verb = line.split(" ", 1)[0].upper()
    return verb if verb.isalpha() and len(verb) <= 10 else "CONN"


def _v5(mail: Mail, exchanges: list[Exchange],
        listed: list[tuple[str, str]] | None = None) -> list[Delivery]:
    """Sendmail 5: "554 <rcpt>... reason" lines, or only "NNN domain (smtp)... reason".

    A session's exchange belongs to the lines after it up to the summary line of
    the next destination ("NNN other.domain (smtp)... ").
    """
    out: dict[str, Delivery] = {}
    for exchange in exchanges:
        attached = bool(exchange.reply)
        seen_rcpt = False
        for line in exchange.local:
            if _DOMAIN_LINE.match(line):
                attached = attached and not seen_rcpt
                continue
            local = _LOCAL.match(line)
            rcpt = address_in(local.group(2)) if local and "@" in local.group(2) else ""
            if local is None or not rcpt:
                continue
            seen_rcpt = True
            delivery = Delivery(recipient=rcpt, action="failed", diagnostic=clean_diagnostic(line),
                                reply_code=local.group(1) or "")
            remote = _listed_reason(listed or [], rcpt, exchanges)
            if remote and not attached:
                delivery.diagnostic = clean_diagnostic(remote)
                delivery.reply_code = first_error_code(remote) or delivery.reply_code
            if attached:
                prefix = f">>> {exchange.command} <<< " if exchange.command else ""
                delivery.diagnostic = clean_diagnostic(f"{prefix}{exchange.text} {line}")
                delivery.reply_code = first_error_code(exchange.text) or delivery.reply_code
                delivery.smtp_command = _command(exchange.command)
                delivery.remote_host = exchange.host
            out[rcpt] = delivery
    if out:
        return list(out.values())
    return _v5_by_domain(mail, exchanges)


def _listed_reason(listed: list[tuple[str, str]], rcpt: str,
                   exchanges: list[Exchange]) -> str:
    """The remote reply the address list quotes for one recipient, if any."""
    for name, reason in listed:
        name = name.partition(" (")[0]
        if address_in(name) == rcpt:
            return remote_reason(reason, rcpt, name.strip("<>").lower(), exchanges)
    return ""


def _v5_by_domain(mail: Mail, exchanges: list[Exchange]) -> list[Delivery]:
    """No per-address line: the "NNN domain (mailer)... reason" line names the domain,
    the returned message's To/Cc name the recipients at it."""
    named = f'{mail.original_header("to")},{mail.original_header("cc")}'.split(",")
    rcpts = [address_in(part) for part in named]
    summary = mail.subject.partition(":")[2].strip()
    out: dict[str, Delivery] = {}
    for line in (line for e in exchanges for line in e.local):
        found = _DOMAIN_LINE.match(line)
        if not found or found.group(1)[0] == "2":
            continue
        domain = found.group(2).lower()
        for rcpt in rcpts:
            if rcpt and rcpt.endswith("@" + domain):
                text = f"{summary}: {line}" if summary else line
                out[rcpt] = Delivery(recipient=rcpt, action="failed", reply_code=found.group(1),
                                     diagnostic=clean_diagnostic(text))
    return list(out.values())
