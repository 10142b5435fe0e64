"""Codes + reason -> a localized explanation.

``explain`` reads a pasted text and returns a :class:`Diagnosis`; ``lookup``
returns the catalogue entry of one code. Both only combine what the
knowledge files say; no text is written here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

from smtp_explain import catalog
from smtp_explain.classify import UNDEFINED, get_classifier, status_key
from smtp_explain.extract import extract
from smtp_explain.model import (
    CLASS_BY_DIGIT,
    Blocklist,
    CodeInfo,
    Diagnosis,
    DigitMeaning,
    NextSteps,
    Provider,
    ReplyClass,
    Retry,
)
from smtp_explain.untrusted import clean_input

MAX_INPUT_ECHO = 4096
# The text explained: a reply, a dialog or a pasted bounce fits many times over; the
# CLI (standard input), the web and the API all stop here, so the work per text is
# bounded (~0.1 s for the worst 1 MB).
MAX_TEXT = 1 << 20
_REPLY_SHAPE = re.compile(r"[1-5]\d\d")
_STATUS_SHAPE = re.compile(r"([245])\.(\d{1,3})\.(\d{1,3})")


def reply_class_of(reply_code: str | None, status: str | None) -> ReplyClass:
    if reply_code:
        return CLASS_BY_DIGIT.get(reply_code[0], "unknown")
    if status:
        return CLASS_BY_DIGIT.get(status[0], "unknown")
    return "unknown"


def _steps(entry: dict[str, Any]) -> NextSteps:
    return NextSteps(tuple(entry.get("sender", ())), tuple(entry.get("admin", ())))


def reply_meaning(code: str, lang: str) -> tuple[DigitMeaning, ...]:
    """The meaning of each digit of a basic reply code, as the seed guide explains it."""
    structure = catalog.texts(lang, "structure")
    first = structure.get("first", {}).get(code[0], {})
    second = structure.get("second", {}).get(code[1], {})
    third = structure.get("third", {})
    entry = catalog.text_entry(lang, "reply_codes", "codes", code)
    return (
        DigitMeaning(code[0], first.get("title", ""), first.get("explanation", "")),
        DigitMeaning(code[1], second.get("title", ""), second.get("explanation", "")),
        DigitMeaning(
            code[2],
            entry.get("summary") or third.get("title", ""),
            third.get("explanation", ""),
        ),
    )


def status_meaning(status: str, lang: str) -> tuple[DigitMeaning, ...]:
    """The meaning of class, subject and detail of an enhanced status code."""
    klass, subject, detail = status.split(".")
    table = catalog.texts(lang, "status_codes")
    cls = table.get("classes", {}).get(klass, {})
    subj = table.get("subjects", {}).get(subject, {})
    entry = catalog.text_entry(lang, "status_codes", "codes", status_key(status))
    return (
        DigitMeaning(klass, cls.get("title", ""), cls.get("explanation", "")),
        DigitMeaning(subject, subj.get("title", ""), subj.get("explanation", "")),
        DigitMeaning(detail, entry.get("summary", ""), entry.get("explanation", "")),
    )


def _blocklist(list_id: str | None, lang: str) -> Blocklist | None:
    if not list_id:
        return None
    facts = catalog.facts("blocklists")["blocklists"][list_id]
    text = catalog.text_entry(lang, "blocklists", "blocklists", list_id)
    return Blocklist(
        id=list_id,
        name=facts.get("name", list_id),
        operator=facts.get("operator", ""),
        description=text.get("description", ""),
        lookup=facts.get("lookup", ""),
        delist=facts.get("delist", facts.get("lookup", "")),
    )


def _provider(provider_id: str | None) -> Provider | None:
    if not provider_id:
        return None
    facts = catalog.facts("providers")["providers"][provider_id]
    return Provider(provider_id, facts.get("name", provider_id), facts.get("postmaster", ""))


def decide_retry(reason: str, reply_class: ReplyClass, reply_code: str | None) -> Retry:
    """Retry advice: the reason's, tempered by the reply class."""
    if reply_class in ("success", "intermediate"):
        return "not-needed"
    if reason != UNDEFINED:
        advice: Retry = catalog.facts("reasons")["reasons"][reason]["retry"]
        if reply_class == "temporary" and advice == "no":
            return "later"
        return advice
    if reply_code:
        entry = catalog.facts("reply_codes")["codes"].get(reply_code)
        if entry:
            return entry["retry"]
    return "later" if reply_class == "temporary" else "no" if reply_class == "permanent" else "after-fix"


def decide_hard_bounce(reason: str, reply_class: ReplyClass) -> bool | None:
    """True when the address should be removed: a hard reason, not a temporary reply."""
    bounce = catalog.facts("reasons")["reasons"][reason]["bounce"]
    if bounce == "none" or reply_class in ("success", "intermediate"):
        return None
    return bounce == "hard" and reply_class != "temporary"


def explain(
    text: str | bytes,
    lang: str = "en",
    *,
    rules: Iterable[str | os.PathLike[str]] = (),
) -> Diagnosis:
    """Explain one error text (a reply, a client's error box, an MTA log line).

    ``rules`` names extra rule files that win over the built-in ones.
    """
    lang = catalog.pick_language(lang)
    text = clean_input(text[:MAX_TEXT])
    facts = extract(text)
    result = get_classifier(rules).classify(text, facts.reply_code, facts.status)
    reply_class = reply_class_of(facts.reply_code, facts.status)
    reason = result.reason

    reply_entry = catalog.text_entry(lang, "reply_codes", "codes", facts.reply_code or "")
    reply_facts = catalog.facts("reply_codes")["codes"].get(facts.reply_code or "", {})
    status_entry = (
        catalog.text_entry(lang, "status_codes", "codes", status_key(facts.status))
        if facts.status else {}
    )
    status_facts = (
        catalog.facts("status_codes")["codes"].get(status_key(facts.status), {})
        if facts.status else {}
    )
    reason_text = catalog.text_entry(lang, "reasons", "reasons", reason)
    reason_facts = catalog.facts("reasons")["reasons"][reason]

    # The most specific text that applies: the reason's, else the codes'.
    chosen = reason_text if reason != UNDEFINED else status_entry or reply_entry or reason_text

    meaning: tuple[DigitMeaning, ...] = ()
    if facts.reply_code:
        meaning += reply_meaning(facts.reply_code, lang)
    if facts.status:
        meaning += status_meaning(facts.status, lang)

    echo = text if len(text) <= MAX_INPUT_ECHO else text[:MAX_INPUT_ECHO] + "…"
    return Diagnosis(
        input=echo,
        reply_code=facts.reply_code,
        status=facts.status,
        reply_class=reply_class,
        reason=reason,
        hard_bounce=decide_hard_bounce(reason, reply_class),
        retry=decide_retry(reason, reply_class, facts.reply_code),
        provider=_provider(result.provider),
        blocklist=_blocklist(result.blocklist, lang),
        summary=chosen["summary"],
        explanation=chosen["explanation"],
        next_steps=_steps(chosen),
        evidence=result.evidence,
        lang=lang,
        smtp_command=facts.smtp_command,
        remote_host=facts.remote_host,
        addresses=facts.addresses,
        possible_reasons=tuple(reply_facts.get("reasons", ())),
        meaning=meaning,
        causes=tuple(reply_entry.get("causes", ())),
        references=tuple(
            dict.fromkeys([*reply_facts.get("references", ()), *status_facts.get("references", ())])
        ),
        who=reason_facts.get("who", "nobody"),
    )


def normalize_code(code: str) -> tuple[str, str] | None:
    """('reply', '550') or ('status', '5.7.26') for a code-shaped string, else None."""
    code = code.strip()
    if _REPLY_SHAPE.fullmatch(code):
        return "reply", code
    found = _STATUS_SHAPE.fullmatch(code.upper().replace("X", "5", 1) if code[:1] in "xX" else code)
    if found:
        klass = code[0].upper() if code[:1] in "xX" else found.group(1)
        return "status", f"{klass}.{int(found.group(2))}.{int(found.group(3))}"
    return None


def lookup(code: str, lang: str = "en") -> CodeInfo:
    """The catalogue entry of a basic reply code ('550') or enhanced status code ('5.7.26').

    Raises ValueError when the text is not shaped like a code at all.
    """
    lang = catalog.pick_language(lang)
    shape = normalize_code(code)
    if shape is None:
        raise ValueError(f"not an SMTP reply code or enhanced status code: {code.strip()[:40]!r}")
    kind, value = shape
    if kind == "reply":
        facts = catalog.facts("reply_codes")["codes"].get(value)
        entry = catalog.text_entry(lang, "reply_codes", "codes", value) if facts else {}
        meaning = reply_meaning(value, lang)
        return CodeInfo(
            code=value,
            kind="reply",
            known=facts is not None,
            reply_class=CLASS_BY_DIGIT.get(value[0], "unknown"),
            summary=entry.get("summary") or meaning[0].title,
            explanation=entry.get("explanation") or meaning[0].explanation,
            causes=tuple(entry.get("causes", ())),
            next_steps=_steps(entry),
            references=tuple((facts or {}).get("references", ())),
            lang=lang,
            registered=bool((facts or {}).get("registered", False)),
            retry=(facts or {}).get("retry"),
            reasons=tuple((facts or {}).get("reasons", ())),
            meaning=meaning,
        )
    key = status_key(value)
    facts = catalog.facts("status_codes")["codes"].get(key)
    entry = catalog.text_entry(lang, "status_codes", "codes", key) if facts else {}
    meaning = status_meaning(value if value[0] != "X" else "5" + value[1:], lang)
    return CodeInfo(
        code=value,
        kind="status",
        known=facts is not None,
        reply_class=CLASS_BY_DIGIT.get(value[0], "unknown"),
        summary=entry.get("summary") or f"{meaning[0].title}: {meaning[1].title}",
        explanation=entry.get("explanation") or meaning[1].explanation,
        causes=(),
        next_steps=_steps(entry),
        references=tuple((facts or {}).get("references", ())),
        lang=lang,
        registered=facts is not None,
        retry=None,
        reasons=(facts["reason"],) if facts and facts.get("reason") else (),
        meaning=meaning,
    )


def describe_reasons(lang: str = "en") -> list[dict[str, Any]]:
    """Every reason with its facts and texts, in catalogue order."""
    lang = catalog.pick_language(lang)
    out = []
    for reason_id, facts in catalog.facts("reasons")["reasons"].items():
        text = catalog.text_entry(lang, "reasons", "reasons", reason_id)
        out.append({
            "reason": reason_id,
            "bounce": facts["bounce"],
            "who": facts["who"],
            "retry": facts["retry"],
            "summary": text.get("summary", ""),
            "explanation": text.get("explanation", ""),
            "next_steps": {"sender": text.get("sender", []), "admin": text.get("admin", [])},
            "lang": lang,
        })
    return out
