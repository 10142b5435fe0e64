"""Every built-in rule is backed by real texts: each example gets its rule's reason."""

from __future__ import annotations

import tomllib

import pytest

from smtp_explain.catalog import KNOWLEDGE_DIR
from smtp_explain.explanation import explain
from smtp_explain.matcher import Searcher, fold

RULES = [(path.name, rule) for path in sorted((KNOWLEDGE_DIR / "rules").glob("*.toml"))
         for rule in tomllib.loads(path.read_text(encoding="utf-8"))["rules"]]
EXAMPLES = [(name, rule, example) for name, rule in RULES for example in rule.get("examples", [])]


def test_examples_name_their_source() -> None:
    assert len(EXAMPLES) >= len(RULES)
    for name, rule, example in EXAMPLES:
        assert example["text"].strip() and example["source"].strip(), (name, rule["id"])


@pytest.mark.parametrize(("name", "rule", "example"), EXAMPLES,
                         ids=[f"{rule['id']}-{i}" for i, (_, rule, _) in enumerate(EXAMPLES)])
def test_every_example_is_matched_and_gets_its_rules_reason(name: str, rule: dict[str, str],
                                                           example: dict[str, str]) -> None:
    assert Searcher(rule["pattern"]).first(fold(example["text"])) >= 0, (name, rule["id"])
    assert explain(example["text"]).reason == rule["reason"], (name, rule["id"])


def test_no_rule_ships_without_an_example() -> None:
    bare = [f"{name}: {rule['id']}" for name, rule in RULES if not rule.get("examples")]
    assert not bare, bare
