"""The words of a check result, from knowledge/texts/<lang>/check.toml."""

from __future__ import annotations

from typing import Any

from smtp_explain import catalog
from smtp_explain.check.model import CheckResult, Status


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def _fill(template: str | None, values: dict[str, Any]) -> str | None:
    if not template:
        return None
    return template.format_map(_Blank(values))


def result(check_id: str, status: Status, key: str, lang: str, *,
           evidence: tuple[str, ...] | list[str] = (), extra: str | None = None,
           fix: str | None = None, **values: Any) -> CheckResult:
    """A result whose summary, explanation and fix are the texts stored under ``key``.

    ``extra`` (already localized, e.g. an explained SMTP reply) is appended to the
    explanation; ``fix`` replaces the stored fix. A fix is only given for ``warn``,
    ``fail`` and ``error``.
    """
    entry = catalog.text_entry(lang, "check", "results", key)
    summary = _fill(entry.get("summary"), values) or key
    explanation = _fill(entry.get("explanation"), values)
    if extra:
        explanation = f"{explanation} {extra}" if explanation else extra
    advice = None
    if status in ("warn", "fail", "error"):
        advice = fix or _fill(entry.get("fix"), values)
    return CheckResult(check_id, status, summary, explanation, advice, tuple(evidence))


def label(lang: str, key: str) -> str:
    labels = catalog.texts(lang, "check").get("labels", {})
    value = labels.get(key)
    if value is None:
        value = catalog.texts(catalog.DEFAULT_LANG, "check").get("labels", {}).get(key, key)
    return str(value)


def code_meaning(lang: str, meaning: str) -> str:
    codes = catalog.texts(lang, "blocklists").get("codes", {})
    return str(codes.get(meaning) or catalog.texts("en", "blocklists").get("codes", {})
               .get(meaning, meaning))
