"""Vocabulary rules (knowledge/rules/vocabulary.toml): word families that decide only
when no phrase, enhanced status code or implying reply code does, and that point at
their reason reliably on the reply bank's seen sources."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from bank_support import accuracy
from smtp_explain.catalog import KNOWLEDGE_DIR
from smtp_explain.classify import Classifier
from smtp_explain.explanation import explain
from smtp_explain.rules import (
    VOCABULARY_CEILING,
    Rule,
    RuleFileError,
    parse_rule_file,
    rules_from_data,
)

VOCABULARY = tomllib.loads((KNOWLEDGE_DIR / "rules" / "vocabulary.toml").read_text("utf-8"))


def _classifier(vocabulary: list[dict[str, object]], phrases: list[dict[str, object]] = ()
                ) -> Classifier:
    rules = rules_from_data({"rules": list(phrases)}, "phrases.toml", None, user=False)
    rules += rules_from_data({"tier": "vocabulary", "rules": vocabulary}, "vocab.toml", None,
                             user=False)
    return Classifier(rules)


WORDS = [{"id": "w-tls", "pattern": r"\bcertificate\b", "reason": "failedstarttls", "priority": 9},
         {"id": "w-net", "pattern": r"\bconnection\b", "reason": "networkerror", "priority": 1}]


def test_a_vocabulary_rule_decides_when_nothing_else_does() -> None:
    classifier = _classifier(WORDS)
    assert classifier.reason_of("The connection went away") == "networkerror"
    assert classifier.reason_of("nothing known here") == "undefined"


def test_the_files_priority_orders_vocabulary_rules_not_the_reasons() -> None:
    # networkerror outranks failedstarttls in reasons.toml; here the file says otherwise
    assert _classifier(WORDS).reason_of("certificate check on the connection") == "failedstarttls"
    flipped = [dict(WORDS[0], priority=0), WORDS[1]]
    assert _classifier(flipped).reason_of("certificate check on the connection") == "networkerror"


def test_phrases_status_codes_and_implying_reply_codes_win_over_vocabulary() -> None:
    phrase = {"id": "p-vague", "pattern": r"\bdenied\b", "reason": "rejected", "priority": -150}
    classifier = _classifier(WORDS, [phrase])
    assert classifier.reason_of("connection denied") == "rejected"  # even the vaguest phrase
    assert classifier.reason_of("5.1.1 connection", "550", "5.1.1") == "userunknown"
    assert classifier.reason_of("535 connection", "535") == "securityerror"
    # a reply code that implies no single reason leaves the word family to decide
    assert classifier.reason_of("550 connection", "550") == "networkerror"


def test_a_codes_last_resort_decides_only_after_every_word_family() -> None:
    # 501 may be a refused address too; its RFC meaning (syntax error in arguments)
    # decides only a text in which nothing else is found
    classifier = _classifier(WORDS)
    assert classifier.reason_of("501 Bzzzz.", "501") == "syntaxerror"
    assert classifier.reason_of("501 connection", "501") == "networkerror"
    assert classifier.reason_of("Bzzzz.") == "undefined"
    # the built-in knowledge, through explain: a Perl server's joke reply to a MAIL
    # command sent before HELO (Net::SMTP::Server 1.1, reply bank)
    diagnosis = explain("503 Yeah, right.  Tell me who you are first!")
    assert diagnosis.reason == "syntaxerror"
    assert [e.kind for e in diagnosis.evidence] == ["reply_code"]


def test_an_unknown_tier_is_one_clear_error() -> None:
    with pytest.raises(RuleFileError, match="'tier' must be one of"):
        rules_from_data({"tier": "fallback", "rules": []}, "x.toml", None, user=True)


def test_no_vocabulary_rule_climbs_out_of_its_tier(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('tier = "vocabulary"\n\n[[rules]]\nid = "w"\npattern = \'\\bconnection\\b\'\n'
                    'reason = "networkerror"\npriority = 6000\n', encoding="utf-8")
    with pytest.raises(RuleFileError, match="priority must lie within") as raised:
        parse_rule_file(mine, user=True)
    assert str(raised.value).startswith(f"{mine}:7:")  # one line naming file and line
    # a user's vocabulary file stays a last resort too (user rules get a bonus)
    [rule] = rules_from_data({"tier": "vocabulary", "rules": [WORDS[1]]}, "x.toml", None,
                             user=True)
    assert rule.score <= VOCABULARY_CEILING


def test_the_builtin_vocabulary_is_in_force() -> None:
    # texts no phrase rule knows, each worded from a family's words
    for text, reason in [("The peer sent a certificate nobody here vouches for", "failedstarttls"),
                         ("Parolanız sunucu tarafından kabul edilmedi", "securityerror"),
                         ("The link to the outgoing server timed out", "networkerror")]:
        diagnosis = explain(text)
        assert diagnosis.reason == reason, text
        assert diagnosis.evidence[0].kind == "vocabulary", text  # shown as "words only"
    assert explain("421 4.7.0 Closing connection.").reason == "undefined"  # 421 boilerplate


# The engine with the built-in vocabulary alone: no phrase rule, no code
WORDS_ONLY = Classifier(rules_from_data(VOCABULARY, "vocabulary.toml", None, user=False))


def test_each_family_points_at_its_reason_on_the_seen_sources() -> None:
    """How often the vocabulary alone (no phrase rule, no code) names the bank's label,
    on the seen sources and texts not marked uncertain. A family that drifts below
    its floor describes words that no longer say what it claims."""
    per_rule: dict[str, Counter[bool]] = {}
    per_lang: dict[str, Counter[bool]] = {}
    for reply in accuracy.load_bank():
        if accuracy.held_out(reply.source) or reply.uncertain:
            continue
        result = WORDS_ONLY.classify(reply.text)
        if not result.evidence:
            continue
        right = result.reason == reply.reason
        per_rule.setdefault(result.evidence[0].id, Counter())[right] += 1
        per_lang.setdefault(reply.lang if reply.lang == "tr" else "other", Counter())[right] += 1
    assert set(per_rule) == {str(r["id"]) for r in VOCABULARY["rules"]}, "a family decides nothing"
    for rule_id, counts in per_rule.items():
        assert counts[True] / counts.total() >= 0.6, (rule_id, counts)
    overall = sum(per_rule.values(), Counter())
    assert overall.total() >= 2000 and overall[True] / overall.total() >= 0.88, overall
    assert per_lang["tr"].total() >= 200 and per_lang["tr"][True] / per_lang["tr"].total() >= 0.88


def test_a_providers_name_alone_does_not_hide_what_the_codes_say() -> None:
    # a provider pattern names no reason; it must not stand in for one
    provider = Rule("provider", "acme", r"\bacme-mail\b", None, 0, provider="acme")
    classifier = Classifier([provider, *rules_from_data({"tier": "vocabulary", "rules": WORDS},
                                                        "vocab.toml", None, user=False)])
    assert classifier.reason_of("535 acme-mail says no", "535") == "securityerror"
    assert classifier.reason_of("acme-mail: the connection went away") == "networkerror"
    assert classifier.classify("acme-mail: no words we know").provider == "acme"


def test_every_kind_of_evidence_has_a_label_in_every_language() -> None:
    from typing import get_args, get_type_hints

    from smtp_explain import catalog
    from smtp_explain.model import Evidence

    kinds = get_args(get_type_hints(Evidence)["kind"])
    assert "vocabulary" in kinds
    for lang in catalog.languages():
        labels = catalog.texts(lang, "web")["labels"]
        for kind in kinds:
            assert catalog.ui(lang, f"evidence_{kind}").strip(), (lang, kind)  # terminal
            assert labels[f"evidence_{kind}"].strip(), (lang, kind)  # web card


def test_a_web_card_decided_by_words_only_says_so() -> None:
    from starlette.testclient import TestClient

    from smtp_explain import catalog
    from smtp_explain.web.app import create_app

    with TestClient(create_app()) as client:
        for lang in ("en", "tr"):
            page = client.get("/explain", params={"q": "The link to the outgoing server timed out",
                                                  "lang": lang})
            assert page.status_code == 200
            assert catalog.texts(lang, "web")["labels"]["evidence_vocabulary"] in page.text
