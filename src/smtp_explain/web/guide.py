"""The code guide: lists and cross-links built from the knowledge files.

Everything here depends only on the (static) knowledge, so it is computed once
per language and kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from smtp_explain import catalog
from smtp_explain.model import CLASS_BY_DIGIT, ReplyClass

STATUS_CLASSES = ("2", "4", "5")


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a guide list: a code or a reason with its headline."""

    key: str
    summary: str
    reply_class: ReplyClass = "unknown"
    registered: bool = True


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    title: str
    explanation: str
    entries: tuple[Entry, ...]


@cache
def reply_groups(lang: str) -> tuple[Group, ...]:
    """All basic reply codes, grouped by their first digit."""
    codes = catalog.facts("reply_codes")["codes"]
    first = catalog.texts(lang, "structure").get("first", {})
    groups = []
    for digit in sorted({code[0] for code in codes}):
        text = first.get(digit, {})
        entries = tuple(
            Entry(code, catalog.text_entry(lang, "reply_codes", "codes", code).get("summary", ""),
                  CLASS_BY_DIGIT.get(digit, "unknown"), bool(codes[code].get("registered")))
            for code in sorted(c for c in codes if c[0] == digit)
        )
        groups.append(Group(digit, text.get("title", ""), text.get("explanation", ""), entries))
    return tuple(groups)


def _status_order(key: str) -> tuple[int, int]:
    _, subject, detail = key.split(".")
    return int(subject), int(detail)


@cache
def status_groups(lang: str) -> tuple[Group, ...]:
    """All enhanced status codes (X.Y.Z), grouped by subject (the middle number)."""
    codes = catalog.facts("status_codes")["codes"]
    subjects = catalog.texts(lang, "status_codes").get("subjects", {})
    groups = []
    for subject in sorted({key.split(".")[1] for key in codes}, key=int):
        text = subjects.get(subject, {})
        keys = sorted((k for k in codes if k.split(".")[1] == subject), key=_status_order)
        entries = tuple(
            Entry(key, catalog.text_entry(lang, "status_codes", "codes", key).get("summary", ""))
            for key in keys
        )
        groups.append(Group(subject, text.get("title", ""), text.get("explanation", ""), entries))
    return tuple(groups)


@cache
def status_classes(lang: str) -> tuple[Group, ...]:
    """The three classes of enhanced status codes (2, 4, 5), with their meaning."""
    classes = catalog.texts(lang, "status_codes").get("classes", {})
    return tuple(
        Group(digit, classes.get(digit, {}).get("title", ""),
              classes.get(digit, {}).get("explanation", ""), ())
        for digit in STATUS_CLASSES
    )


@cache
def reasons(lang: str) -> tuple[Entry, ...]:
    return tuple(
        Entry(reason, catalog.text_entry(lang, "reasons", "reasons", reason).get("summary", ""))
        for reason in catalog.facts("reasons")["reasons"]
    )


def reason_summary(lang: str, reason: str) -> str:
    return catalog.text_entry(lang, "reasons", "reasons", reason).get("summary", reason)


def is_reason(reason: str) -> bool:
    return reason in catalog.facts("reasons")["reasons"]


@cache
def reply_codes_for_reason(reason: str) -> tuple[str, ...]:
    """Basic reply codes that list the reason among their possible reasons."""
    codes = catalog.facts("reply_codes")["codes"]
    return tuple(sorted(c for c, facts in codes.items() if reason in facts.get("reasons", ())))


@cache
def status_codes_for_reason(reason: str) -> tuple[str, ...]:
    """Enhanced status codes (X.Y.Z) that imply the reason on their own."""
    codes = catalog.facts("status_codes")["codes"]
    return tuple(sorted((k for k, facts in codes.items() if facts.get("reason") == reason),
                        key=_status_order))


def status_codes_for_reply(code: str, reasons: tuple[str, ...]) -> tuple[str, ...]:
    """Enhanced codes often sent with a reply code: same class, implying one of its reasons."""
    klass = code[0]
    if klass not in STATUS_CLASSES:
        return ()
    found = dict.fromkeys(
        key.replace("X", klass, 1) for reason in reasons for key in status_codes_for_reason(reason)
    )
    return tuple(sorted(found, key=_status_order))


def reply_codes_for_status(code: str, reason: str | None) -> tuple[str, ...]:
    """Basic reply codes of the same class that list the status code's reason."""
    if not reason:
        return ()
    klass = code[0]
    return tuple(c for c in reply_codes_for_reason(reason) if klass in ("X", c[0]))
