"""The reply bank (tests/data/replies/) and the accuracy script's honest split."""

from __future__ import annotations

from bank_support import accuracy, agreement
from smtp_explain import catalog

REPLIES = accuracy.load_bank()
SOURCES = accuracy.load_sources()


def test_every_text_has_a_known_reason_and_source() -> None:
    reasons = set(catalog.facts("reasons")["reasons"])
    assert len(REPLIES) >= 1500
    for reply in REPLIES:
        assert reply.reason in reasons, (reply.source, reply.reason)
        assert reply.source in SOURCES, reply.source
        assert reply.text.strip() and reply.lang in ("en", "tr", "de", "fr", "es", "it", "ja",
                                                     "zh", "ru", "ko", "nl", "pt", "pl", "cs")


def test_every_source_says_where_and_when() -> None:
    for sid, source in SOURCES.items():
        assert source.get("url") and source.get("seen") and source.get("licence"), sid


def test_a_fixed_quarter_of_sources_is_held_out() -> None:
    used = {r.source for r in REPLIES}
    share = sum(accuracy.held_out(s) for s in used) / len(used)
    assert 0.18 < share < 0.32
    assert accuracy.held_out("x") == accuracy.held_out("x")


def _reply(text: str, source: str) -> object:
    return accuracy.Reply(text, "userunknown", source, "en", False, "t.toml")


def test_sources_the_rules_were_written_from_are_not_clean() -> None:
    sources = {
        "cited": {"url": "https://www.Example.org/errors/"},
        "copied": {"url": "Debian package x: /usr/share/x.mo"},
        "flagged": {"url": "Debian package y", "cited_by_rules": "same file as z"},
        "untouched": {"url": "https://example.net/other"},
    }
    replies = [_reply("550 5.1.1 no such user", "copied"), _reply("other words", "cited"),
               _reply("more words", "flagged"), _reply("550 unknown recipient", "untouched")]
    examples = [("550 5.1.1  No such user", "vendor page, http://example.org/errors (2026)")]
    assert accuracy.used_for_rules(replies, sources, examples) == {"cited", "copied", "flagged"}


def test_second_labels_join_the_bank_and_use_known_reasons() -> None:
    reasons = set(catalog.facts("reasons")["reasons"])
    pairs = agreement.load_pairs(REPLIES)  # KeyError when a labelled text left the bank
    assert len(pairs) >= 400
    assert sum(accuracy.held_out(p.reply.source) for p in pairs) >= 300
    assert all(p.reason in reasons for p in pairs)


def test_agreement_counts_agreed_texts_and_the_engine_there() -> None:
    def pair(reason: str, second: str, source: str, uncertain: bool = False) -> object:
        return agreement.Pair(accuracy.Reply("t", reason, source, "en", uncertain, "f"),
                              second, False)

    held = next(s for s in ("a", "b", "c", "d", "e", "f", "g") if accuracy.held_out(s))
    pairs = [pair("userunknown", "userunknown", held), pair("blocked", "badreputation", held),
             pair("mailboxfull", "mailboxfull", held, uncertain=True)]
    figures = agreement.measure(pairs, {0: "userunknown", 1: "blocked", 2: "undefined"})
    assert figures["held-out"] == {"texts": 3, "agreed": 2, "engine right": 2,
                                   "engine right where agreed": 1,
                                   "engine silent where agreed": 1}
    assert figures["held-out/both certain"]["texts"] == 2
