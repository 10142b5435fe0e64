"""Codes + reason -> a localized explanation.

``explain`` reads a pasted text and returns a :class:`Diagnosis`; ``lookup``
returns the catalogue entry of one code. Both only combine what the
knowledge files say; no text is written here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlsplit

from smtp_explain import catalog
from smtp_explain.classify import UNDEFINED, get_classifier, status_key
from smtp_explain.extract import extract, normalize_code
from smtp_explain.model import (
    CLASS_BY_DIGIT,
    Blocklist,
    BounceResult,
    CodeInfo,
    Diagnosis,
    DigitMeaning,
    Facts,
    NextSteps,
    Provider,
)
from smtp_explain.untrusted import clean_input
from smtp_explain.verdict import (
    AUDIENCE_PROGRAM,
    Verdict,
    decide_hard_bounce,
    decide_retry,
    judge,
    reply_class_of,
)

MAX_INPUT_ECHO = 4096
# The text explained: a reply, a dialog or a pasted bounce fits many times over; the
# CLI (standard input), the web and the API all stop here, so the work per text is
# bounded (~0.1 s for the worst 1 MB).
MAX_TEXT = 1 << 20


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


_IPV4 = re.compile(r"(?<![\d.])((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})(?![\d.])")
_IPV6 = re.compile(r"\[(?:ipv6:)?([0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7})\]", re.I)
_DOMAIN = re.compile(r"(?<![\w.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w-])", re.I)


def listed_ip(text: str) -> str | None:
    """The address a blocklist reply is about: the first IP in the text that is not a
    loopback or DNSBL answer (127/8)."""
    for found in _IPV4.finditer(text[:8192]):
        if not found.group(1).startswith("127."):
            return found.group(1)
    found6 = _IPV6.search(text[:8192])
    return found6.group(1) if found6 else None


def listed_domain(text: str, zones: tuple[str, ...]) -> str | None:
    """The domain a domain or link blocklist reply is about: replies name it just
    before the list ("x.example is listed in dbl.spamhaus.org", "[a@x.example] blocked
    using ..."), so the last domain before the list's own zone or site, else the first
    domain that is not the list's."""
    candidates: list[tuple[int, str]] = []
    first_zone = -1
    for found in _DOMAIN.finditer(text[:8192]):
        domain = found.group(1).lower().rstrip(".")
        if any(domain == z or domain.endswith("." + z) for z in zones):
            if first_zone < 0:
                first_zone = found.start()
            continue
        candidates.append((found.start(), domain))
    before = [domain for start, domain in candidates if first_zone >= 0 and start < first_zone]
    if before:
        return before[-1]
    return candidates[0][1] if candidates else None


def _blocklist(list_id: str | None, lang: str, text: str = "") -> Blocklist | None:
    """The named blocklist; its lookup link carries the IP or domain found in the text."""
    if not list_id:
        return None
    facts = catalog.facts("blocklists")["blocklists"][list_id]
    description = catalog.text_entry(lang, "blocklists", "blocklists", list_id)
    lookup = facts.get("lookup", "")
    template = facts.get("lookup_url", "")
    if template:
        # the list's own names: its DNS zones and its operator's site (spamhaus.org)
        sites = (urlsplit(u).hostname or "" for u in (facts.get("lookup", ""),
                                                      facts.get("delist", "")))
        own = tuple(z.lower() for z in facts.get("dns", {}).get("zones", {}).values()) + tuple(
            ".".join(site.split(".")[-2:]) for site in sites if site)
        value = (listed_domain(text, tuple(filter(None, own))) if "{domain}" in template
                 else listed_ip(text))
        if value:
            lookup = template.replace("{domain}", quote(value)).replace("{ip}", quote(value))
    return Blocklist(
        id=list_id,
        name=facts.get("name", list_id),
        operator=facts.get("operator", ""),
        description=description.get("description", ""),
        lookup=lookup,
        delist=facts.get("delist", facts.get("lookup", "")),
    )


def _provider(provider_id: str | None) -> Provider | None:
    if not provider_id:
        return None
    facts = catalog.facts("providers")["providers"][provider_id]
    return Provider(provider_id, facts.get("name", provider_id), facts.get("postmaster", ""),
                    catalog.provider_kind(provider_id))


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
    verdict = judge(text, facts.reply_code, facts.status, get_classifier(rules))
    return localize(text, facts, verdict, lang)


def row_text(row: BounceResult) -> str:
    """A bounced recipient's error as one text: the server's words, led by the codes the
    bounce stated when the words leave them out (a pseudo status is no stated code)."""
    codes = (row.reply_code, row.status if row.status_stated else "")
    lead = [code for code in codes if code and code not in row.diagnostic]
    return " ".join([*lead, row.diagnostic]).strip()


def explain_row(row: BounceResult, lang: str = "en") -> Diagnosis:
    """A bounced recipient in words. Its verdict was decided once, by the bounce
    decoder (verdict.judge_row, which also weighs what the bounce's layout states);
    this only words it, so a row and its explanation never disagree."""
    lang = catalog.pick_language(lang)
    text = row_text(row)
    facts = extract(text)
    verdict = judge(text, facts.reply_code, facts.status, get_classifier())
    reply_class = reply_class_of(row.reply_code or None, row.status or None)
    verdict = replace(verdict, reason=row.reason, cause=row.cause, reply_class=reply_class,
                      hard_bounce=decide_hard_bounce(row.reason, reply_class),
                      retry=decide_retry(row.reason, reply_class, row.reply_code or None))
    return localize(text, facts, verdict, lang)


def localize(text: str, facts: Facts, verdict: Verdict, lang: str) -> Diagnosis:
    """A verdict in words: the most specific texts that apply (the cause's, else the
    reason's, else the codes'), the advice for the reader first."""
    reason = verdict.reason
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
    cause_text = (catalog.text_entry(lang, "causes", "causes", verdict.cause)
                  if verdict.cause else {})

    # The most specific text that applies: the cause's, the reason's, else the codes'.
    chosen = cause_text or (
        reason_text if reason != UNDEFINED else status_entry or reply_entry or reason_text)
    program: tuple[str, ...] = ()
    if verdict.audience == AUDIENCE_PROGRAM:
        audience_text = catalog.text_entry(lang, "audiences", "audiences", AUDIENCE_PROGRAM)
        program = tuple(cause_text.get("program") or audience_text.get("program_steps", ()))

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
        reply_class=verdict.reply_class,
        reason=reason,
        hard_bounce=verdict.hard_bounce,
        retry=verdict.retry,
        provider=_provider(verdict.provider),
        blocklist=_blocklist(verdict.blocklist, lang, text),
        summary=chosen["summary"],
        explanation=chosen["explanation"],
        next_steps=NextSteps(tuple(chosen.get("sender", ())), tuple(chosen.get("admin", ())),
                             program),
        evidence=verdict.evidence,
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
        cause=verdict.cause,
        cause_name=cause_text.get("name") if verdict.cause else None,
        audience=verdict.audience,
        reason_name=catalog.reason_name(lang, reason),
    )


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
