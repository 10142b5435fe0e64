"""The literal prefilter: sound literal sets, and the same answers as one RE2 set."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bank_support import accuracy
from smtp_explain import matcher, snapshots
from smtp_explain.literals import required_literals
from smtp_explain.matcher import Matcher, PrefilteredMatcher, fold, literal_sets, matcher_for
from smtp_explain.rules import Rule, builtin_examples, builtin_rules

RULES = builtin_rules()
PREFILTERED = matcher_for(RULES, builtin_examples())  # as the classifier builds it
ONE_SET = Matcher(RULES)


def _texts() -> list[str]:
    return [*builtin_examples(), *(reply.text for reply in accuracy.load_bank())]


TEXTS = _texts()


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"\bmessage (?:is )?too (?:big|large)\b",
     {"message too big", "message is too big", "message too large", "message is too large"}),
    (r"a{,3}bcd", {"a{,3}bcd"}),  # RE2 reads "{,3}" as text, Python's re as a repeat
    (r"[[:alpha:]]+xyz", {"xyz"}),  # a POSIX class is a class, not the characters "[:alph"
    (r"k[ıi]\x{307}?m", {"kım", "kim", "kı̇m", "ki̇m"}),  # RE2's \x{...} escape
    (r"\pL+ user\b", {" user"}),
    (r"x\Qa.b\Eyz", {"xa.byz"}),
    (r"[^abc]{0,80}def", {"def"}),
    (r"unsolicited (?:bulk )?mail|\bube\b", {"unsolicited mail", "unsolicited bulk mail", "ube"}),
    (r"(?i)abc", None),  # flags change what the literals mean
    (r"\d{3}", None),  # nothing literal
    (r"ab|\d+", None),  # one branch needs no literal: neither does the whole
    (r"x(?:ab)?y", None),  # "xy" and "xaby": the shortest is under MIN_BYTES
    (r"(?:x|y)+zzz", {"zzz"}),
])
def test_required_literals_read_re2_syntax(pattern: str, expected: set[str] | None) -> None:
    found = required_literals(pattern)
    assert (None if found is None else set(found)) == expected


def test_the_rarest_literals_win() -> None:
    # 18 whole phrases: more than a set keeps, so the pattern offers two literal sets
    pattern = r"\b(?:dns|dns lookup|resolver) (?:failure|error|problem)\b"
    assert required_literals(pattern) == {"failure", "error", "problem"}  # no sample: longer
    common = "error problem failure error"
    assert required_literals(pattern, common.count) == {"dns ", "dns lookup ", "resolver "}


def test_almost_every_builtin_rule_has_literals() -> None:
    missing = [r.id for r in RULES if required_literals(r.pattern) is None]
    assert len(missing) <= len(RULES) // 50, missing


def test_every_match_of_a_rule_contains_one_of_its_literals() -> None:
    """Soundness on real text: wherever a rule matches, one of its literals is there."""
    sets = [required_literals(r.pattern) for r in RULES]
    checked = 0
    for text in TEXTS:
        folded = fold(text)
        for index in ONE_SET.scan(folded):  # the rules that match, found without literals
            found = sets[index]
            if found is not None:
                checked += 1
                assert any(literal in folded for literal in found), (RULES[index].id, text)
    assert checked > len(TEXTS)


def test_prefilter_finds_what_one_set_finds() -> None:
    """Every rule example and reply-bank text: the same rules, the same evidence."""
    assert len(TEXTS) > 5000
    for text in TEXTS:
        folded = fold(text)
        found = PREFILTERED.scan(folded)
        assert sorted(found) == sorted(ONE_SET.scan(folded)), text
        for index in found:
            assert PREFILTERED.find(index, folded) == ONE_SET.find(index, folded), text


WORDS = sorted({w for r in RULES[:400] for w in (required_literals(r.pattern) or ())}
               | {"550", "5.1.1", "<a@b>", ":", " "})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30))
def test_prefilter_equals_one_set_on_mixed_phrases(words: list[str]) -> None:
    text = fold(" ".join(words))
    assert sorted(PREFILTERED.scan(text)) == sorted(ONE_SET.scan(text))


def test_long_texts_and_texts_naming_many_rules_take_the_sets() -> None:
    long_text = fold("mailbox full " + "x " * matcher.MAX_PREFILTERED)
    crowded = fold(" ".join(WORDS))
    fresh = PrefilteredMatcher(RULES)
    assert sorted(fresh.scan(long_text)) == sorted(ONE_SET.scan(long_text)) != []
    assert "_sets" in fresh.__dict__  # the long text went through the sets
    fresh = PrefilteredMatcher(RULES)
    assert sorted(fresh.scan(crowded)) == sorted(ONE_SET.scan(crowded))
    assert "_sets" in fresh.__dict__
    fresh = PrefilteredMatcher(RULES)
    assert fresh.scan(fold("552 mailbox full")) and "_sets" not in fresh.__dict__


def test_rules_without_literals_still_match() -> None:
    rules = [Rule("rule", "r1", r"\b\d{3}\b", "blocked", 0),
             Rule("rule", "r2", r"\bquota exceeded\b", "mailboxfull", 0)]
    prefiltered = PrefilteredMatcher(rules)
    assert sorted(prefiltered.scan("552 quota exceeded")) == [0, 1]
    assert prefiltered.scan("quota exceeded") == [1]
    assert prefiltered.scan("nothing") == []


def test_a_bad_literal_snapshot_is_read_again(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    patterns = [r"\bmailbox full\b", r"\d+"]
    expected = [frozenset({"mailbox full"}), None]
    assert literal_sets(patterns) == expected
    assert list((tmp_path / "smtp-explain").rglob("literals.snapshot"))
    reads = []
    monkeypatch.setattr(matcher.literals, "required_literals",
                        lambda *args: reads.append(args) or frozenset({"mailbox full"}))
    assert literal_sets(patterns) == expected and not reads  # all from the snapshot
    # A pattern it lacks is read (a user's rule); the others still come from it.
    assert literal_sets([*patterns, r"\bquota\b"])[:2] == expected and len(reads) == 1
    # A smaller list (a test's classifier, a one-off run) keeps the others for the next
    # full run instead of making it read them all again.
    assert literal_sets([r"\bover quota\b"]) and len(reads) == 2
    assert literal_sets([*patterns, r"\bquota\b"])[:2] == expected and len(reads) == 2
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    # Entries of the wrong shape are not trusted: an empty set would hide a rule.
    for bad in (["mailbox full", None], {r"\bmailbox full\b": [], r"\d+": None},
                {r"\bmailbox full\b": [""], r"\d+": None}):
        monkeypatch.setattr(snapshots, "_read", lambda *_args, bad=bad: {"sets": bad})
        assert literal_sets(patterns) == expected


def test_a_rule_whose_set_cannot_start_is_searched_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    """With little memory some one-pattern sets refuse to compile (RE2 will not let a
    set's automaton fall back to a slower search); those rules take a plain search,
    with the same answers."""
    monkeypatch.setattr(matcher, "CHECK_MAX_MEM", 128 << 10)
    small = matcher_for(RULES, builtin_examples())
    for text in TEXTS[::7]:
        folded = fold(text)
        assert sorted(small.scan(folded)) == sorted(ONE_SET.scan(folded)), text
    plain = [p for p in small._patterns
             if p is not None and isinstance(getattr(p.occurs, "__self__", None), matcher.Searcher)]
    assert plain


def test_the_classifiers_two_matchers_keep_their_own_literal_snapshots(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The vocabulary tier is matched apart from the other rules; were both kept in one
    # snapshot, each would rewrite the other's and every start-up would read all
    # patterns again (a second of work).
    from smtp_explain.classify import Classifier
    from smtp_explain.rules import builtin_rules

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert Classifier(builtin_rules()).vocabulary is not None  # built on first need
    names = {path.name for path in (tmp_path / "smtp-explain").rglob("*.snapshot")}
    assert {"literals.snapshot", "literals-vocabulary.snapshot"} <= names
    reads = []
    real = matcher.literals.required_literals
    monkeypatch.setattr(matcher.literals, "required_literals",
                        lambda *args: reads.append(args) or real(*args))
    assert Classifier(builtin_rules()).vocabulary is not None
    assert not reads
