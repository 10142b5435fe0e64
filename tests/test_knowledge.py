"""The knowledge files are complete, consistent and exist in every language."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from smtp_explain import catalog
from smtp_explain.rules import builtin_rules, check_pattern

REASONS = sorted(
    ["authfailure", "badreputation", "blocked", "contenterror", "delivered", "exceedlimit", "expired", "failedstarttls", "feedback", "filtered", "hasmoved", "hostunknown", "mailboxfull", "mailererror", "mesgtoobig", "networkerror", "norelaying", "notaccept", "notcompliantrfc", "onhold", "policyviolation", "rejected", "requireptr", "securityerror", "spamdetected", "speeding", "suppressed", "suspend", "syntaxerror", "systemerror", "systemfull", "toomanyconn", "undefined", "userunknown", "vacation", "virusdetected"]
)
STATUS_RANGES = {"0": 0, "1": 10, "2": 4, "3": 6, "4": 7, "5": 6, "6": 10, "7": 30}
REQUIRED_REPLY = ["211", "214", "220", "221", "250", "251", "252", "354", "421", "450", "451", "452", "455", "500", "501", "502", "503", "504", "550", "551", "552", "553", "554", "555", "235", "334", "432", "454", "530", "534", "535", "538", "521", "556", "420", "441", "442", "447", "449", "510", "511", "512", "523", "541", "571"]
TEXT_FILES = sorted(p.stem for p in (catalog.TEXTS_DIR / "en").glob("*.toml"))


def _shape(value: Any, path: str, problems: list[str]) -> Any:
    """The key structure of a texts file; empty texts are reported."""
    if isinstance(value, dict):
        return {k: _shape(v, f"{path}.{k}", problems) for k, v in value.items()}
    if isinstance(value, list):
        if not value or not all(isinstance(v, str) and v.strip() for v in value):
            problems.append(f"{path}: empty list or item")
        return "list"
    if isinstance(value, str) and not value.strip():
        problems.append(f"{path}: empty text")
    return type(value).__name__


def test_there_are_at_least_two_languages() -> None:
    assert {"en", "tr"} <= set(catalog.languages())


@pytest.mark.parametrize("lang", catalog.languages())
@pytest.mark.parametrize("name", TEXT_FILES)
def test_every_language_has_every_text(lang: str, name: str) -> None:
    path = catalog.TEXTS_DIR / lang / f"{name}.toml"
    assert path.is_file(), f"{lang} lacks {name}.toml"
    problems: list[str] = []
    english = _shape(tomllib.loads((catalog.TEXTS_DIR / "en" / f"{name}.toml").read_text()), "en", [])
    other = _shape(tomllib.loads(path.read_text()), lang, problems)
    assert not problems, problems[:10]
    assert other == english, f"{lang}/{name}.toml keys differ from en"


def test_missing_translation_is_detected(tmp_path: Path) -> None:
    problems: list[str] = []
    _shape({"codes": {"550": {"summary": "", "sender": []}}}, "x", problems)
    assert len(problems) == 2


def test_reason_taxonomy_is_exact() -> None:
    assert sorted(catalog.facts("reasons")["reasons"]) == REASONS
    for lang in catalog.languages():
        assert sorted(catalog.texts(lang, "reasons")["reasons"]) == REASONS
    for reason in catalog.facts("reasons")["reasons"].values():
        assert reason["bounce"] in ("hard", "soft", "none")
        assert reason["retry"] in ("no", "later", "after-fix", "not-needed")
        assert reason["who"] in ("sender", "sender-admin", "recipient", "recipient-admin", "nobody")


def test_all_81_enhanced_status_codes() -> None:
    codes = catalog.facts("status_codes")["codes"]
    expected = {f"X.{s}.{d}" for s, top in STATUS_RANGES.items() for d in range(top + 1)}
    assert set(codes) == expected
    assert len(codes) == 81
    for lang in catalog.languages():
        texts = catalog.texts(lang, "status_codes")
        assert set(texts["codes"]) == expected
        assert set(texts["classes"]) == {"2", "4", "5"}
        assert set(texts["subjects"]) == set(STATUS_RANGES)
    for entry in codes.values():
        assert entry["reason"] == "" or entry["reason"] in REASONS
        for klass, reason in entry.get("class_reasons", {}).items():
            assert klass in ("2", "4", "5") and reason in REASONS and entry["reason"]


def test_reply_codes_cover_rfcs_and_common_ones() -> None:
    codes = catalog.facts("reply_codes")["codes"]
    assert set(REQUIRED_REPLY) <= set(codes)
    for code, entry in codes.items():
        assert entry["retry"] in ("no", "later", "after-fix", "not-needed"), code
        assert entry["references"], code
        assert set(entry["reasons"]) <= set(REASONS), code
        if "last_resort" in entry:  # only where the code alone implies no reason
            assert len(entry["reasons"]) > 1 and entry["last_resort"] in entry["reasons"], code
    for lang in catalog.languages():
        assert set(catalog.texts(lang, "reply_codes")["codes"]) == set(codes)
    structure = catalog.texts("en", "structure")
    assert set(structure["first"]) == {"1", "2", "3", "4", "5"}
    assert set(structure["second"]) == {"0", "1", "2", "3", "4", "5"}


def test_blocklists_have_texts_and_links() -> None:
    lists = catalog.facts("blocklists")["blocklists"]
    assert {"spamhaus-zen", "spamcop", "barracuda"} <= set(lists)
    for list_id, entry in lists.items():
        assert entry["patterns"] and entry["lookup"].startswith(("https://", "http://")), list_id
        for lang in catalog.languages():
            assert catalog.texts(lang, "blocklists")["blocklists"][list_id]["description"]


def test_builtin_rules_compile_and_name_known_reasons() -> None:
    rules = builtin_rules()
    assert len([r for r in rules if r.kind == "rule"]) >= 200
    for rule in rules:
        assert rule.reason is None or rule.reason in REASONS
        assert check_pattern(rule.pattern) is None, rule.id


def test_parsed_snapshot_follows_file_changes(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SMTP_EXPLAIN_NO_CACHE", raising=False)
    source = tmp_path / "facts.toml"
    source.write_text('a = 1\n')
    assert catalog.load_toml(source) == {"a": 1}
    assert list((tmp_path / "cache").rglob("*.snapshot"))
    assert catalog.load_toml(source) == {"a": 1}
    source.write_text('a = 22\n')
    assert catalog.load_toml(source) == {"a": 22}
    for snapshot in (tmp_path / "cache").rglob("*.snapshot"):
        snapshot.write_bytes(b"garbage")
    assert catalog.load_toml(source) == {"a": 22}
