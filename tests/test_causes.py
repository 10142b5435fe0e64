"""Finer causes and audiences: every id has every text, and every link to a cause fits."""

from __future__ import annotations

from typing import Any

import pytest

from smtp_explain import catalog

CAUSE_TEXT_KEYS = {"name": str, "summary": str, "explanation": str,
                   "sender": list, "admin": list, "program": list}
AUDIENCES = ("mail-program", "sender", "admin")
RETRY_VALUES = {"no", "later", "after-fix", "not-needed"}
LIST_CAUSES = {"ip-blocklist", "domain-blocklist", "uri-blocklist"}
LOOKUPS = {"ip", "domain", "url", "none"}

CAUSES: dict[str, Any] = catalog.facts("causes")["causes"]
REASONS: dict[str, Any] = catalog.facts("reasons")["reasons"]
BLOCKLISTS: dict[str, Any] = catalog.facts("blocklists")["blocklists"]


def _filled(value: Any, kind: type) -> bool:
    if kind is str:
        return isinstance(value, str) and bool(value.strip())
    return (isinstance(value, list) and bool(value)
            and all(isinstance(v, str) and v.strip() for v in value))


def text_problems(facts: dict[str, Any], texts: dict[str, Any],
                  keys: dict[str, type]) -> list[str]:
    """What a texts table lacks for the ids of a facts table (missing, extra, empty)."""
    problems = [f"{i}: no texts" for i in facts if i not in texts]
    problems += [f"{i}: texts for an unknown id" for i in texts if i not in facts]
    for cause_id, entry in texts.items():
        problems += [f"{cause_id}.{k}: missing or empty" for k, kind in keys.items()
                     if not _filled(entry.get(k), kind)]
        problems += [f"{cause_id}.{k}: unknown key" for k in entry if k not in keys]
    return problems


def test_the_causes_named_in_the_issue_exist() -> None:
    issue = {"ip-blocklist", "domain-blocklist", "uri-blocklist", "greylisting", "spf-fail",
             "dkim-fail", "dmarc-policy", "ptr-missing", "tls-required", "auth-required",
             "auth-failed", "relay-denied", "sender-verify-failed", "client-cannot-connect",
             "client-connection-lost", "client-tls-failed", "hosting-send-limit",
             "provider-rate-limit", "too-many-recipients", "mailbox-quota", "mailbox-disabled",
             "address-unknown", "domain-unknown", "message-too-big", "content-spam",
             "content-virus", "ip-reputation", "domain-reputation", "mail-loop", "dns-failure"}
    assert issue <= set(CAUSES)


@pytest.mark.parametrize("cause_id", sorted(CAUSES))
def test_cause_facts_name_known_reasons_and_lookups(cause_id: str) -> None:
    entry = CAUSES[cause_id]
    assert entry["reasons"], cause_id
    assert set(entry["reasons"]) <= set(REASONS), cause_id
    assert entry["lookup"] in LOOKUPS, cause_id


@pytest.mark.parametrize("lang", catalog.languages())
def test_every_cause_has_every_text(lang: str) -> None:
    texts = catalog.texts(lang, "causes")["causes"]
    assert text_problems(CAUSES, texts, CAUSE_TEXT_KEYS) == []


@pytest.mark.parametrize("lang", catalog.languages())
def test_cause_texts_hold_no_placeholders(lang: str) -> None:
    # lookup links are built from the facts; a text never carries {ip} or {domain}
    texts = catalog.texts(lang, "causes")["causes"]
    found = [f"{cause_id}.{key}" for cause_id, entry in texts.items()
             for key, value in entry.items()
             for item in (value if isinstance(value, list) else [value])
             if "{" in item or "}" in item]
    assert found == []


@pytest.mark.parametrize("lang", catalog.languages())
def test_cause_names_are_distinct(lang: str) -> None:
    names = [e.get("name", "").casefold() for e in catalog.texts(lang, "causes")["causes"].values()]
    assert len(names) == len(set(names))


def test_missing_and_empty_cause_texts_are_reported() -> None:
    facts = {"a": {}, "b": {}}
    texts = {"a": {"name": "A", "summary": " ", "explanation": "x", "sender": ["s"],
                   "admin": [], "program": ["p", ""]},
             "c": {}}
    problems = text_problems(facts, texts, CAUSE_TEXT_KEYS)
    assert "b: no texts" in problems
    assert "c: texts for an unknown id" in problems
    assert {"a.summary: missing or empty", "a.admin: missing or empty",
            "a.program: missing or empty"} <= set(problems)
    assert "a.name: missing or empty" not in problems


def test_default_causes_refine_their_reason() -> None:
    defaults = {r: e["default_cause"] for r, e in REASONS.items() if "default_cause" in e}
    assert defaults, "no reason names a default cause"
    wrong = [f"{reason} -> {cause}" for reason, cause in defaults.items()
             if cause not in CAUSES or reason not in CAUSES[cause]["reasons"]]
    assert wrong == []


def test_reasons_that_imply_one_cause_name_it() -> None:
    expected = {"userunknown": "address-unknown", "mailboxfull": "mailbox-quota",
                "suspend": "mailbox-disabled", "hostunknown": "domain-unknown",
                "mesgtoobig": "message-too-big", "virusdetected": "content-virus",
                "spamdetected": "content-spam", "requireptr": "ptr-missing",
                "norelaying": "relay-denied"}
    found = {r: REASONS[r].get("default_cause") for r in expected}
    assert found == expected


@pytest.mark.parametrize("list_id", sorted(BLOCKLISTS))
def test_every_blocklist_names_what_it_lists(list_id: str) -> None:
    cause = BLOCKLISTS[list_id].get("cause")
    assert cause in LIST_CAUSES, f"{list_id}: cause {cause!r}"
    # a blocklist hit implies the reason 'blocked' (rules.builtin_rules)
    assert "blocked" in CAUSES[cause]["reasons"], list_id


def test_blocklist_causes_follow_what_the_lists_list() -> None:
    by_cause = {c: {i for i, e in BLOCKLISTS.items() if e["cause"] == c} for c in LIST_CAUSES}
    assert {"spamhaus-zen", "spamhaus-sbl", "spamhaus-xbl", "spamhaus-pbl", "spamhaus-css",
            "spamcop", "barracuda", "uceprotect-1"} <= by_cause["ip-blocklist"]
    assert "spamhaus-dbl" in by_cause["domain-blocklist"]
    assert {"surbl", "uribl"} <= by_cause["uri-blocklist"]
    # the lookup a cause needs fits what the list lists
    assert CAUSES["ip-blocklist"]["lookup"] == "ip"
    assert CAUSES["domain-blocklist"]["lookup"] == "domain"
    assert CAUSES["uri-blocklist"]["lookup"] == "domain"


@pytest.mark.parametrize("lang", catalog.languages())
def test_every_audience_has_its_texts(lang: str) -> None:
    audiences = catalog.texts(lang, "audiences")["audiences"]
    assert sorted(audiences) == sorted(AUDIENCES)
    for audience_id, entry in audiences.items():
        assert _filled(entry.get("name"), str), audience_id
        assert _filled(entry.get("lead"), str), audience_id
        note = entry.get("retry_note", {})
        assert set(note) == RETRY_VALUES, audience_id
        assert all(_filled(v, str) for v in note.values()), audience_id
    # generic steps only for the person at a mail program
    assert _filled(audiences["mail-program"].get("program_steps"), list)
    assert [a for a in AUDIENCES if a != "mail-program"
            and "program_steps" in audiences[a]] == []


def test_the_retry_values_are_the_documented_ones() -> None:
    assert {e["retry"] for e in REASONS.values()} == RETRY_VALUES
