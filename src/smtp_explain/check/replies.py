"""The one place the check asks the engine what an SMTP reply means."""

from __future__ import annotations

from dataclasses import dataclass

from smtp_explain.explanation import explain, lookup


@dataclass(frozen=True, slots=True)
class ReplyMeaning:
    reason: str
    cause: str | None
    summary: str  # the engine's headline, localized
    text: str  # summary and explanation, localized
    fix: str | None  # the first next step, localized


def explain_reply(reply: str, lang: str) -> ReplyMeaning:
    """What ``smtp_explain.explanation.explain`` says about one reply (never decided here).

    The engine reads a reply without the command it answered, so any 250 reads as
    "delivered". The probe never sends DATA, so for positive replies (2xx, 3xx) the
    words come from the reply code's catalogue entry instead; the reason stays the
    engine's.
    """
    diagnosis = explain(reply[:4096], lang)
    summary = diagnosis.summary.rstrip()
    explanation = diagnosis.explanation
    if diagnosis.reply_code and diagnosis.reply_code[0] in "23":
        info = lookup(diagnosis.reply_code, lang)
        if info.known:
            summary, explanation = info.summary, info.explanation
    steps = (*diagnosis.next_steps.sender, *diagnosis.next_steps.admin)
    text = summary
    if explanation and explanation != summary:
        stop = "" if text.endswith((".", "!", "?", ":")) else "."
        text = f"{text}{stop} {explanation}"
    return ReplyMeaning(diagnosis.reason, getattr(diagnosis, "cause", None), summary, text,
                        steps[0] if steps else None)
