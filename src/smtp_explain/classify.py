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
from functools import cache, cached_property

from smtp_explain import catalog
from smtp_explain.extract import MULTILINE_HEAD_WITHIN, join_continuations, quick_codes
from smtp_explain.matcher import PrefilteredMatcher, fold, matcher_for
from smtp_explain.model import Classification, Evidence
from smtp_explain.rules import (
    VOCABULARY_CEILING,
    Rule,
    builtin_examples,
    builtin_rules,
    load_user_rules,
    user_rule_paths,
)

UNDEFINED = "undefined"
NO_SCORE = -(1 << 30)


def _prepared(text: str) -> str:
    """The text as rules read it: folded (matcher.fold), a multi-line reply's repeated
    codes dropped (extract.join_continuations)."""
    folded = fold(text)
    return join_continuations(folded) if "-" in folded[:MULTILINE_HEAD_WITHIN] else folded


def status_key(status: str) -> str:
    """'5.1.1' -> 'X.1.1', the key of the status code catalogue."""
    return "X" + status[1:]


class Classifier:
    """A compiled rule set plus the code catalogues it falls back on."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        # Vocabulary rules (rules.VOCABULARY_SCORE) can only decide when nothing else
        # does, so they have a matcher of their own, searched only then: most texts
        # never pay for their common words. Their indexes follow the other rules'.
        every = list(rules)
        main = [r for r in every if r.score > VOCABULARY_CEILING]
        words = [r for r in every if r.score <= VOCABULARY_CEILING]
        self.matcher = matcher_for(main, builtin_examples())
        self._words = words
        self._offset = len(main)
        self._rules = [*self.matcher.rules, *words]
        self._match = self.matcher.raw_match
        # Flat per-rule arrays for the hot path; provider hints never win a reason.
        self._scores = [NO_SCORE if r.reason is None else r.score for r in self._rules]
        self._reasons = [r.reason or UNDEFINED for r in self._rules]
        self._program_rules = frozenset(
            i for i, r in enumerate(self._rules) if r.audience == "mail-program")
        reasons = catalog.facts("reasons")["reasons"]
        self._priority = {rid: int(r.get("priority", 0)) for rid, r in reasons.items()}
        # Keyed by the whole status ("5.1.1"), for the classes a code's reason holds in
        # (status_codes.toml ``classes``; X.1.5 "destination address valid" is
        # delivered only in a success report, never in a 4.x.x or 5.x.x failure).
        # ``class_reasons`` gives one class its own reason (4.3.2, the temporary
        # "not accepting messages", is a server fault; 5.3.2 a host that takes no mail).
        self._status_reason = {
            klass + key[1:]: entry.get("class_reasons", {}).get(klass, entry["reason"])
            for key, entry in catalog.facts("status_codes")["codes"].items()
            if entry.get("reason")
            for klass in entry.get("classes", ("2", "4", "5"))
        }
        # A reply code with one reason implies it (before the vocabulary); one with
        # several may still name one by its RFC meaning, the last resort after every
        # rule of both tiers (reply_codes.toml ``last_resort``).
        self._reply_reason: dict[str, str] = {}
        self._reply_last_resort: dict[str, str] = {}
        for code, entry in catalog.facts("reply_codes")["codes"].items():
            reasons = entry.get("reasons", ())
            if len(reasons) == 1:
                self._reply_reason[code] = reasons[0]
            elif entry.get("last_resort"):
                self._reply_last_resort[code] = entry["last_resort"]

    @cached_property
    def vocabulary(self) -> PrefilteredMatcher | None:
        """The vocabulary tier's matcher, built when a text first needs it (most runs
        of explain, and most bounce rows, never do)."""
        if not self._words:
            return None
        return matcher_for(self._words, builtin_examples(), "literals-vocabulary")

    def _best(self, hits: Iterable[int]) -> tuple[int, int]:
        """(index, score) of the winning hit, a later rule winning a tie; (-1, NO_SCORE)
        when no hit names a reason."""
        best = -1
        best_score = NO_SCORE
        scores = self._scores
        for index in hits:
            score = scores[index]
            if score > best_score or (score == best_score > NO_SCORE and index > best):
                best, best_score = index, score
        return best, best_score

    def _decide(self, hits: list[int], reply_code: str | None, status: str | None,
                folded: bytes) -> tuple[str, int, str]:
        """(reason, index of the winning rule or -1, what decided: rule/status/reply_code/"")."""
        best, best_score = self._best(hits)
        if status:
            status_reason = self._status_reason.get(status)
            if status_reason and self._priority[status_reason] > best_score:
                return status_reason, -1, "status"
        if best >= 0:
            return self._reasons[best], best, "rule"
        if reply_code:
            implied = self._reply_reason.get(reply_code)
            if implied:
                return implied, -1, "reply_code"
        vocabulary = self.vocabulary
        if vocabulary is not None:
            offset = self._offset
            best, _ = self._best(offset + i for i in vocabulary.raw_match(folded) or ())
            if best >= 0:
                return self._reasons[best], best, "rule"
        if reply_code:
            last_resort = self._reply_last_resort.get(reply_code)
            if last_resort:
                return last_resort, -1, "reply_code"
        return UNDEFINED, -1, ""

    def reason_of(self, text: str, reply_code: str | None = None,
                  status: str | None = None) -> str:
        """Only the reason: the hot path for bulk classification."""
        folded = _prepared(text).encode("utf-8", "surrogatepass")
        return self._decide(self._match(folded) or [], reply_code, status, folded)[0]

    def reason_with_provider(self, text: str, reply_code: str | None,
                             status: str | None) -> tuple[str, str | None]:
        """The reason and, when a provider-specific phrase decided it, that provider."""
        folded = _prepared(text).encode("utf-8", "surrogatepass")
        reason, best, source = self._decide(self._match(folded) or [], reply_code, status, folded)
        return reason, (self._rules[best].provider if source == "rule" else None)

    def classify_line(self, text: str) -> str:
        """The reason of one reply line, codes read from the line itself (bulk path)."""
        reply_code, status = quick_codes(text)
        return self.reason_of(text, reply_code, status)

    def classify(self, text: str, reply_code: str | None = None,
                 status: str | None = None, *, evidence: bool = True) -> Classification:
        """The reason, with the provider, blocklist and evidence behind it; without
        ``evidence`` (bulk rows) only what a verdict needs: reason, cause, blocklist."""
        folded = _prepared(text)
        hits = self.matcher.scan(folded)
        reason, best, source = self._decide(hits, reply_code, status,
                                            folded.encode("utf-8", "surrogatepass"))
        rules = self._rules
        rule_provider = rules[best].provider if source == "rule" else None
        cause = rules[best].cause if source == "rule" else None
        audience = ("mail-program" if self._program_rules and not self._program_rules.isdisjoint(hits)
                    else None)
        if not evidence:  # bulk rows: the reason and what decides the cause, nothing more
            blocklists = [i for i in hits if rules[i].kind == "blocklist"]
            return Classification(reason, (), None, rules[min(blocklists)].id if blocklists else None,
                                  cause, audience, rule_provider)
        provider_hit = blocklist_hit = -1
        for index in hits:  # the first (lowest index) of each kind
            kind = rules[index].kind
            if kind == "provider" and (provider_hit < 0 or index < provider_hit):
                provider_hit = index
            elif kind == "blocklist" and (blocklist_hit < 0 or index < blocklist_hit):
                blocklist_hit = index
        found: list[Evidence] = []
        matched = self._find
        if source == "rule":
            rule = rules[best]
            found.append(Evidence(rule.kind, rule.id, matched(best, folded)))
        elif source == "status":
            found.append(Evidence("status", status or ""))
        elif source == "reply_code":
            found.append(Evidence("reply_code", reply_code or ""))
        for hit in (blocklist_hit, provider_hit):
            if hit >= 0 and hit != best:
                found.append(Evidence(rules[hit].kind, rules[hit].id, matched(hit, folded)))
        provider = rules[provider_hit].id if provider_hit >= 0 else None
        if provider is None and best >= 0:
            provider = rules[best].provider
        blocklist = rules[blocklist_hit].id if blocklist_hit >= 0 else None
        return Classification(reason, tuple(found), provider, blocklist, cause, audience,
                              rule_provider)

    def _find(self, index: int, folded: str) -> str:
        """The words of the folded text that rule ``index`` matched."""
        vocabulary = self.vocabulary if index >= self._offset else None
        if vocabulary is not None:
            return vocabulary.find(index - self._offset, folded)
        return self.matcher.find(index, folded)


@cache
def _classifier_for(paths: tuple[str, ...]) -> Classifier:
    return Classifier([*builtin_rules(), *load_user_rules(paths)])


def get_classifier(rule_files: Iterable[str | os.PathLike[str]] = ()) -> Classifier:
    """The classifier with built-in rules plus user rule files (env first, then given)."""
    return _classifier_for(tuple(user_rule_paths(rule_files)))
