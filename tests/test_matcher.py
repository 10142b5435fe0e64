"""The two-phase matching of windowed rules gives exactly what one search per pattern gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from smtp_explain.matcher import UNICODE_SPACE_CODES, Matcher, Searcher, fold, split_window
from smtp_explain.rules import Rule, builtin_rules

WINDOWED = [r for r in builtin_rules() if split_window(r.pattern)]
# Words of the windowed rules' phrases, plus the characters their gaps may not cross.
WORDS = sorted({w for r in WINDOWED for w in r.pattern.replace("\\b", " ").replace("\\", "")
                .replace("(?:", " ").replace(")", " ").replace("|", " ").split() if w.isalpha()}
               | {"5.7.28", "4.7.28", "5.6.11", "(", ")", ".", ">", ":", "550", "mail", "from:<a@b>",
                  "(in reply to mail from command)", "x" * 90})
MATCHER = Matcher(WINDOWED)
SINGLE = [Searcher(r.pattern) for r in WINDOWED]


def test_the_windowed_builtin_rules_are_found() -> None:
    assert len(WINDOWED) >= 5
    for rule in WINDOWED:
        head, tail = split_window(rule.pattern) or ("", "")
        assert head and tail, rule.id


def test_split_window_reads_only_top_level_wide_gaps() -> None:
    assert split_window(r"abc.{0,80}def") == ("abc", "def")
    assert split_window(r"abc[^()]{0,120}\(def\)") == ("abc", r"\(def\)")
    assert split_window(r"abc.{0,3}def") is None  # narrow: the set handles it
    assert split_window(r"(?:abc.{0,80}def)?") is None  # inside a group
    assert split_window(r"[.{]{0,80}x") is None  # a class that is not negated
    assert split_window(r"a\.{0,80}b") is None  # an escaped dot
    # an alternation at the top: "a" alone is a match, so "a" and "c" are not the two
    # phrases of every match; the set matches the whole pattern instead
    assert split_window(r"a|b.{0,80}c") is None
    assert split_window(r"(?:a|b).{0,80}c") == ("(?:a|b)", "c")
    whole = Matcher([Rule("r", "w", r"\balone\b|\bfirst\b.{0,80}\bsecond\b", "blocked", 0)])
    assert whole.scan("alone") == [0] and whole.scan("first, then second") == [0]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60))
def test_two_phase_equals_one_search_per_pattern(words: list[str]) -> None:
    text = fold(" ".join(words))
    expected = [i for i, s in enumerate(SINGLE) if s.first(text) >= 0]
    assert sorted(MATCHER.scan(text)) == expected


def test_windowed_rule_found_far_into_a_long_text() -> None:
    rules = [Rule("rule", "w", r"\bstart here\b.{0,40}\bend here\b", "blocked", 0)]
    matcher = Matcher(rules)
    noise = "start here " * 5000 + "end " * 5000
    assert matcher.scan(fold(noise + "start here and then end here")) == [0]
    assert matcher.scan(fold(noise + "start here" + " filler" * 10 + " end here")) == []
    assert matcher.find(0, fold("x start here, end here y")) == "start here, end here"


def test_adversarial_text_is_still_classified() -> None:
    text = " ".join(["address not found", "5.7.28", "has been blocked", "does not exist",
                     "after mail from:<a@b>", "is", "(x)"] * 20000)
    assert MATCHER.scan(fold(text)) == []


def test_listed_unicode_spaces_are_all_that_str_split_cuts_at() -> None:
    scanned = tuple(code for code in range(128, 0x110000) if chr(code).isspace())
    assert scanned == UNICODE_SPACE_CODES
    long_text = ("a\u3000b\u00a0c\u2009d " * 300).upper()
    assert fold(long_text) == " ".join(long_text.lower().split())


def test_grouped_sets_find_what_one_set_finds() -> None:
    """Rules files with a scan_group get an RE2 set of their own; the answers are those
    of one set over every rule (rule examples and Turkish text as the sample)."""
    import tomllib

    from smtp_explain import catalog
    from smtp_explain.matcher import GroupedMatcher

    rules = builtin_rules()
    grouped = GroupedMatcher(rules)
    assert len({r.group for r in rules}) >= 3
    single = Matcher(rules)
    texts = ["posta kutusu dolu diyor", "Alıcı adresi bulunamadı: 550 5.1.1 user unknown",
             "收件人邮箱已满 552 mailbox full"]
    for path in sorted((catalog.KNOWLEDGE_DIR / "rules").glob("*.toml")):
        for rule in tomllib.loads(path.read_text(encoding="utf-8")).get("rules", []):
            texts.extend(example["text"] for example in rule.get("examples", []))
    for text in texts:
        folded = fold(text)
        found = grouped.scan(folded)
        assert sorted(found) == sorted(single.scan(folded)), text
        for index in found:  # evidence reads the same matched words
            assert grouped.find(index, folded) == single.find(index, folded)
