"""Bounce mail -> one classified result per bounced recipient.

A mail goes through the format modules in order (``formats.FORMATS``); the
first that claims it and finds recipients wins. Each recipient's error text
is then classified with the same rules engine as ``explain``.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import IO

from smtp_explain import catalog
from smtp_explain.classify import UNDEFINED, Classifier, get_classifier
from smtp_explain.decoding import formats, signs
from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.mime import MAX_TEXT
from smtp_explain.extract import find_command, find_status, first_error_code
from smtp_explain.model import BounceResult, Problem
from smtp_explain.verdict import Verdict, decide_hard_bounce, judge_row, reply_class_of

_COMMAND_WORDS = re.compile(r"(?i)\b(?:rcpt to|mail from|data|helo|ehlo|connect)\b")


def looks_like_bounce(mail: Mail) -> bool:
    if mail.dsn is not None or any(mail.header(h) for h in signs.bounce_headers()):
        return True
    if any(mail.header(h) for h in signs.autoreply_headers()) and \
            signs.autoreply_subject().search(mail.subject.strip()):
        # a recipient's automatic reply that a sending service passed on under its own
        # MAILER-DAEMON address (Amazon SES): not a failure, so nothing to scrape
        return False
    return bool(signs.bounce_sender().search(mail.sender)
                or signs.bounce_subject().search(mail.subject))


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_RFC5322_DATE = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?"
    r"\s+([+-]\d{4})(?!\d)"
)


def _iso_time(value: str) -> str:
    """An RFC 5322 date as ISO 8601; the canonical shape without the email package."""
    value = value.strip()
    if not value:
        return ""
    found = _RFC5322_DATE.match(value)
    if found and found.group(2).lower() in _MONTHS:
        day, month, year, hour, minute, second, zone = found.groups()
        if int(day) <= 31 and int(hour) < 24 and int(minute) < 60 and int(second or 0) < 61:
            return (f"{year}-{_MONTHS[month.lower()]:02d}-{int(day):02d}T{hour}:{minute}:"
                    f"{second or '00'}{zone[:3]}:{zone[3:]}")
    from email.utils import parsedate_to_datetime  # rare odd dates only: costs start-up

    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return value[:64]


@cache
def _pseudo() -> dict[str, dict[str, str]]:
    return catalog.facts("pseudo_status")


@cache
def _pseudo_codes() -> frozenset[str]:
    return frozenset(code for table in _pseudo().values() for code in table.values())


def _is_pseudo(status: str) -> bool:
    """A status this tool made up because the bounce stated none (one of the codes of
    knowledge/pseudo_status.toml)."""
    return status in _pseudo_codes()


def _status_for(delivery: Delivery, reason: str, temporary: bool) -> str:
    if delivery.status[:1] in ("2", "4", "5") and (
        not delivery.status.endswith(".0.0") or reason in ("delivered", UNDEFINED)
    ):
        return delivery.status
    in_text = find_status(delivery.diagnostic)
    if in_text and (not delivery.status or in_text[0] == delivery.status[0]):
        return in_text
    if delivery.status:
        return delivery.status
    if reason in ("feedback", "vacation"):
        return ""
    table = _pseudo()["temporary" if temporary else "permanent"]
    return table.get(reason) or _pseudo()["permanent"].get(reason, "")


def classify_delivery(delivery: Delivery, classifier: Classifier) -> tuple[Verdict, str, str]:
    """(verdict, status, reply_code) of one recipient, through the one verdict step."""
    reply_code = delivery.reply_code or first_error_code(delivery.diagnostic)
    status = delivery.status or find_status(delivery.diagnostic)
    verdict = judge_row(delivery.diagnostic, reply_code, status, classifier,
                        stated_reason=delivery.reason, action=delivery.action,
                        temporary=delivery.temporary, command=delivery.smtp_command,
                        relayed=delivery.relayed)
    temporary = verdict.reply_class == "temporary"
    return verdict, _status_for(delivery, verdict.reason, temporary), reply_code


def decode_mail(data: bytes, origin: str = "", lang: str = "en",
                classifier: Classifier | None = None, index: int = 0) -> list[BounceResult]:
    """All bounced recipients of one mail; [] when the mail is not a bounce."""
    return _decode(Mail(data), origin, lang, classifier or get_classifier(), index)


def _decode(mail: Mail, origin: str, lang: str, classifier: Classifier,
            index: int) -> list[BounceResult]:
    found: list[Delivery] = []
    decoded_by = ""
    for module in formats.candidates(mail):
        if module.NAME == "fallback" and not looks_like_bounce(mail):
            break
        if not module.match(mail):
            continue
        found = [d for d in module.decode(mail) if d.recipient or d.reason == "feedback"]
        if found:
            decoded_by = module.NAME
            break
    if not found:
        return []
    addresser = address_in(mail.original_header("from")) or address_in(mail.header("to"))
    message_id = mail.original_header("message-id").strip().strip("<>")
    subject = mail.original_header("subject")[:998]
    results = []
    for delivery in found:
        verdict, status, reply_code = classify_delivery(delivery, classifier)
        reason = verdict.reason
        reason_text = catalog.text_entry(lang, "reasons", "reasons", reason)
        results.append(
            BounceResult(
                origin=origin,
                mail_index=index,
                recipient=delivery.recipient,
                addresser=delivery.addresser or addresser,
                reason=reason,
                status=status,
                reply_code=reply_code,
                hard_bounce=bool(decide_hard_bounce(reason, reply_class_of(None, status))),
                cause=verdict.cause,
                status_stated=bool(status) and not _is_pseudo(status),
                feedback_type=delivery.feedback_type,
                diagnostic=delivery.diagnostic,
                diagnostic_type=delivery.diagnostic_type or ("SMTP" if reply_code else ""),
                action=delivery.action or ("failed" if reason not in ("delivered", "feedback", "vacation") else ""),
                remote_host=delivery.remote_host,
                smtp_command=delivery.smtp_command or find_command(delivery.diagnostic) or "",
                timestamp=_iso_time(delivery.timestamp or mail.header("date")),
                message_id=delivery.message_id or message_id,
                subject=delivery.subject or subject,
                decoded_by=decoded_by,
                summary=reason_text.get("summary", ""),
                lang=lang,
            )
        )
    return results


ProblemHandler = Callable[[str, str], None]


def decode_guarded(origin: str, data: bytes, lang: str, classifier: Classifier,
                   index: int = 0) -> tuple[list[BounceResult], Problem | None]:
    """decode_mail that never raises: an undecodable mail becomes a Problem, a mail cut
    by a size limit comes with one (its unread recipients are lost), and a mail that
    is no bounce with a note (``lost`` False)."""
    try:
        mail = Mail(data)
        results = _decode(mail, origin, lang, classifier, index)
        if mail.cut:
            return results, Problem("problem_cut", f"{MAX_TEXT >> 10}")
        if not results:
            return results, Problem("problem_no_bounce", lost=False)
        return results, None
    except RecursionError:
        return [], Problem("problem_nested")
    except Exception as exc:  # untrusted input: report, never crash the batch
        return [], Problem("problem_undecodable", type(exc).__name__)


def decode(
    source: str | os.PathLike[str] | bytes | IO[bytes],
    lang: str = "en",
    *,
    rules: Iterable[str | os.PathLike[str]] = (),
    on_problem: ProblemHandler | None = None,
) -> Iterator[BounceResult]:
    """Yield one result per bounced recipient from a path (file, mbox, Maildir or
    directory), raw bytes of a mail or mbox, or a binary file object.

    Input that cannot be read or decoded is reported to ``on_problem(origin,
    message)`` and skipped; the rest is decoded.
    """
    from smtp_explain.read.sources import read_path, read_stream

    lang = catalog.pick_language(lang)
    classifier = get_classifier(rules)
    if isinstance(source, bytes):
        items = read_stream("<bytes>", io.BytesIO(source))
    elif isinstance(source, (str, os.PathLike)):
        items = read_path(os.fspath(source))
    else:
        items = read_stream(getattr(source, "name", "<stream>"), source)
    for origin, index, data in items:
        if isinstance(data, Problem):
            problem: Problem | None = data
            results: list[BounceResult] = []
        elif isinstance(data, bytes):
            results, problem = decode_guarded(origin, data, lang, classifier, index)
        else:  # UNREAD: read_path without defer_small_files never yields it
            continue
        if problem is not None and problem.lost and on_problem is not None:
            on_problem(f"{origin}#{index}" if index else origin, problem.message)
        yield from results
