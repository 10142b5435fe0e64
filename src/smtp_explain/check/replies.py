"""The one place the check asks the engine what an SMTP reply means."""

from __future__ import annotations

from dataclasses import dataclass

from smtp_explain.explanation import explain


@dataclass(frozen=True, slots=True)
class ReplyMeaning:
    reason: str
    cause: str | None
    text: str  # summary and explanation, localized
    fix: str | None  # the first next step, localized


def explain_reply(reply: str, lang: str) -> ReplyMeaning:
    """What ``smtp_explain.explanation.explain`` says about one reply (never decided here)."""
    diagnosis = explain(reply[:4096], lang)
    steps = (*diagnosis.next_steps.sender, *diagnosis.next_steps.admin)
    text = diagnosis.summary.rstrip()
    if diagnosis.explanation and diagnosis.explanation != diagnosis.summary:
        stop = "" if text.endswith((".", "!", "?", ":")) else "."
        text = f"{text}{stop} {diagnosis.explanation}"
    return ReplyMeaning(diagnosis.reason, getattr(diagnosis, "cause", None), text,
                        steps[0] if steps else None)
