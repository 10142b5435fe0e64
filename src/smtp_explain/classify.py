"""Text -> reason, with the rules engine.

Phrase rules, the enhanced status code and the reply code are weighed
together: every candidate has a score (the reason's priority from
``reasons.toml``, plus the rule's own priority, plus a bonus for phrases and
a larger one for user rules); the highest score wins, a later rule winning a
tie. A specific phrase therefore beats a generic code, and a bare code still
yields a reason when the catalogue says it implies one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache

from smtp_explain import catalog
from smtp_explain.matcher import Matcher, fold
from smtp_explain.model import Classification, Evidence
from smtp_explain.rules import Rule, builtin_rules, load_user_rules, user_rule_paths

UNDEFINED = "undefined"


def status_key(status: str) -> str:
    """'5.1.1' -> 'X.1.1', the key of the status code catalogue."""
    return "X" + status[1:]


class Classifier:
    """A compiled rule set plus the code catalogues it falls back on."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.matcher = Matcher(list(rules))
        self._rules = self.matcher.rules
        reasons = catalog.facts("reasons")["reasons"]
        self._priority = {rid: int(r.get("priority", 0)) for rid, r in reasons.items()}
        self._status_reason = {
            key: entry["reason"]
            for key, entry in catalog.facts("status_codes")["codes"].items()
            if entry.get("reason")
        }
        self._reply_reason = {
            code: entry["reasons"][0]
            for code, entry in catalog.facts("reply_codes")["codes"].items()
            if len(entry.get("reasons", ())) == 1
        }

    def classify(
        self,
        text: str,
        reply_code: str | None = None,
        status: str | None = None,
        *,
        evidence: bool = True,
    ) -> Classification:
        folded = fold(text)
        rules = self._rules
        best = -1
        best_score = -(1 << 30)
        provider: str | None = None
        blocklist: str | None = None
        hits = self.matcher.scan(folded)
        for index in sorted(hits):
            rule = rules[index]
            if rule.kind == "provider":
                provider = provider or rule.id
                continue
            if rule.kind == "blocklist" and blocklist is None:
                blocklist = rule.id
            if rule.score >= best_score:
                best, best_score = index, rule.score
            if rule.provider and provider is None:
                provider = rule.provider
        reason = UNDEFINED
        found: list[Evidence] = []
        status_reason = self._status_reason.get(status_key(status)) if status else None
        if status_reason and self._priority.get(status_reason, 0) > best_score:
            reason = status_reason
            found.append(Evidence("status", status or ""))
        elif best >= 0:
            rule = rules[best]
            reason = rule.reason or UNDEFINED
            if evidence:
                found.append(Evidence(rule.kind, rule.id, self.matcher.find(best, folded)))
        elif reply_code and reply_code in self._reply_reason:
            reason = self._reply_reason[reply_code]
            found.append(Evidence("reply_code", reply_code))
        if evidence:
            if blocklist and not (found and found[0].kind == "blocklist"):
                index = next(i for i in sorted(hits) if rules[i].id == blocklist)
                found.append(Evidence("blocklist", blocklist, self.matcher.find(index, folded)))
            if provider:
                index = next((i for i in sorted(hits) if rules[i].id == provider), -1)
                match = self.matcher.find(index, folded) if index >= 0 else ""
                found.append(Evidence("provider", provider, match))
        return Classification(reason, tuple(found), provider, blocklist)


@cache
def _classifier_for(paths: tuple[str, ...]) -> Classifier:
    return Classifier([*builtin_rules(), *load_user_rules(paths)])


def get_classifier(rule_files: Iterable[str | os.PathLike[str]] = ()) -> Classifier:
    """The classifier with built-in rules plus user rule files (env first, then given)."""
    return _classifier_for(tuple(user_rule_paths(rule_files)))
