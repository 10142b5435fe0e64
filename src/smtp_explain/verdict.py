"""Facts -> verdict: reason, finer cause, audience, hard/soft and retry. The one place.

``explain`` (pasted texts, the web, the API) and the bounce decoder (one row per
recipient) both ask here; neither decides a reason of its own. A verdict weighs,
in this order (tests/test_verdict.py holds the table of conflicts):

1. the rules: a provider's or MTA's code table, a specific phrase, a generic one
   (each rule's score: its reason's priority + its own + 100, see knowledge/README);
2. the enhanced status code, when it implies a reason that outranks every phrase;
3. the basic reply code, when it implies exactly one reason;
4. for a bounce row only, what the layout itself states: a format module's own
   reading (an auto-reply, a feedback report, a delivery notice), a delay still
   being retried (``expired``), a network failure reported when the MTA gave up
   retrying (``expired``, see gave_up_retrying), an error nobody classified
   (``onhold``).

The SMTP stage breaks one tie: "user unknown" said to DATA (by the text itself,
"... in reply to end of DATA command", or by the bounce's layout), when the
recipient had been accepted before, is a content filter's refusal (``filtered``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from smtp_explain import catalog
from smtp_explain.classify import UNDEFINED, Classifier
from smtp_explain.extract import find_command, find_status
from smtp_explain.matcher import Searcher
from smtp_explain.model import CLASS_BY_DIGIT, Classification, Evidence, ReplyClass, Retry

AUDIENCE_PROGRAM, AUDIENCE_SENDER, AUDIENCE_ADMIN = "mail-program", "sender", "admin"


@dataclass(slots=True)  # read-only by convention; not frozen for speed (see BounceResult)
class Verdict:
    """What a text (or a bounced recipient) means, before any wording."""

    reason: str
    cause: str | None
    audience: str
    reply_class: ReplyClass
    hard_bounce: bool | None
    retry: Retry
    provider: str | None = None
    blocklist: str | None = None
    evidence: tuple[Evidence, ...] = ()


def reply_class_of(reply_code: str | None, status: str | None) -> ReplyClass:
    if reply_code:
        return CLASS_BY_DIGIT.get(reply_code[0], "unknown")
    if status:
        return CLASS_BY_DIGIT.get(status[0], "unknown")
    return "unknown"


def decide_retry(reason: str, reply_class: ReplyClass, reply_code: str | None) -> Retry:
    """Retry advice: the reason's, tempered by the reply class."""
    if reply_class in ("success", "intermediate"):
        return "not-needed"
    if reason != UNDEFINED:
        advice: Retry = catalog.facts("reasons")["reasons"][reason]["retry"]
        if reply_class == "temporary" and advice == "no":
            return "later"
        return advice
    if reply_code:
        entry = catalog.facts("reply_codes")["codes"].get(reply_code)
        if entry:
            return entry["retry"]
    return "later" if reply_class == "temporary" else "no" if reply_class == "permanent" else "after-fix"


def decide_hard_bounce(reason: str, reply_class: ReplyClass) -> bool | None:
    """True when the address should be removed: a hard reason, not a temporary reply."""
    bounce = catalog.facts("reasons")["reasons"][reason]["bounce"]
    if bounce == "none" or reply_class in ("success", "intermediate"):
        return None
    return bounce == "hard" and reply_class != "temporary"


@cache
def _program_signs() -> Searcher:
    """Wordings that only mail programs use (dialogs, error numbers, "Error 421")."""
    patterns = catalog.facts("audiences")["mail-program"]["patterns"]
    return Searcher("|".join(f"(?:{p})" for p in patterns))


def decide_cause(result: Classification, reason: str) -> str | None:
    """The finer cause: the deciding rule's, else the named blocklist's, else the one
    the reason always implies; only a cause that refines this reason."""
    return _cause(result.cause, result.blocklist, reason)


@cache  # a handful of combinations recur across a whole batch
def _cause(rule_cause: str | None, blocklist: str | None, reason: str) -> str | None:
    causes = catalog.facts("causes")["causes"]
    candidates = [rule_cause]
    if blocklist:
        candidates.append(catalog.facts("blocklists")["blocklists"][blocklist].get("cause"))
    candidates.append(catalog.facts("reasons")["reasons"][reason].get("default_cause"))
    for cause in candidates:
        if cause and reason in causes.get(cause, {}).get("reasons", ()):
            return cause
    return None


def decide_audience(text: str, result: Classification, default: str) -> str:
    """mail-program when a rule or a sign says the text is a mail program's own words."""
    if result.audience == AUDIENCE_PROGRAM:
        return AUDIENCE_PROGRAM
    # (Python lower-cases "İ" to "i" + a combining dot: drop the dot so "İleti" reads "ileti")
    if _program_signs().first(text.lower().replace("\u0307", "")) >= 0:
        return AUDIENCE_PROGRAM
    return default


def confirms_recipient(status: str | None, command: str, relayed: bool | None) -> bool:
    """Whether a "user unknown" answer really speaks of the recipient address.

    Said with an addressing status (X.1.x) it does. Said after DATA, when the
    recipient was long accepted, it is how many servers word a refusal by their
    content or recipient filters. A filtering gateway that relays the next
    server's answer proves more only when that server said it to RCPT with no
    mailbox-state or policy status (X.2.x, X.7.x); a layout that shows the
    reporting host talked to the refusing server itself (``relayed`` False) is
    taken at its word.
    """
    subject = status.split(".")[1] if status and status.count(".") == 2 else ""
    if subject == "1" or relayed is False:
        return True
    if relayed:
        return command == "RCPT" and subject not in ("2", "7")
    return command != "DATA"


def stage_tie_break(result: Classification, status: str | None, command: str,
                    relayed: bool | None = None) -> str:
    """The SMTP stage breaks one tie: "user unknown" not confirmed by the stage (see
    confirms_recipient) is a filter's refusal, unless a provider's own wording said it
    first hand (relayed by a gateway it is only hearsay)."""
    if result.reason != "userunknown" or confirms_recipient(status, command, relayed):
        return result.reason
    if result.rule_provider is not None and not relayed:
        return result.reason
    return "filtered"


def judge(text: str, reply_code: str | None, status: str | None, classifier: Classifier,
          *, default_audience: str = AUDIENCE_SENDER) -> Verdict:
    """The verdict on one text whose codes were already read (see extract.extract)."""
    result = classifier.classify(text, reply_code, status)
    reason = stage_tie_break(result, status, find_command(text) or "")
    audience = decide_audience(text, result, default_audience)
    return _verdict(text, result, reason, reply_class_of(reply_code, status), reply_code,
                    audience)


def _verdict(text: str, result: Classification, reason: str, reply_class: ReplyClass,
             reply_code: str | None, audience: str | None) -> Verdict:
    """``audience`` None: read it from the text; else it is known (a bounce row's)."""
    return Verdict(
        reason=reason,
        cause=decide_cause(result, reason),
        audience=decide_audience(text, result, AUDIENCE_SENDER) if audience is None else audience,
        reply_class=reply_class,
        hard_bounce=decide_hard_bounce(reason, reply_class),
        retry=decide_retry(reason, reply_class, reply_code),
        provider=result.provider,
        blocklist=result.blocklist,
        evidence=result.evidence,
    )


def judge_row(text: str, reply_code: str, status: str, classifier: Classifier, *,
              stated_reason: str = "", action: str = "", temporary: bool | None = None,
              command: str = "", relayed: bool | None = None) -> Verdict:
    """The verdict on one bounced recipient. What the bounce's layout states comes
    first (a format module's own reading, a delivery notice); else the text's
    verdict, with the stage read from the layout when the text does not say it, a
    delay with no reason (``expired``) and an error nobody classified (``onhold``)."""
    result = classifier.classify(text, reply_code or None, status or None, evidence=False)
    if temporary is None:
        temporary = action == "delayed" or (status or reply_code or "5")[0] == "4"
    reply_class: ReplyClass = "temporary" if temporary else "permanent"
    if stated_reason:
        reason = stated_reason
    elif action == "delivered" or (status.startswith("2.") and action != "failed"):
        reason = "delivered"
    elif result.reason == UNDEFINED:
        # still queued with no cause given: the delay itself is the news; an error text
        # nobody has classified yet: kept for review
        reason = "expired" if action == "delayed" else "onhold" if text.strip() else UNDEFINED
    else:
        reason = stage_tie_break(result, find_status(text) or status or None,
                                 command or find_command(text) or "", relayed)
        if action != "delayed":  # a delay notice is still retrying: nothing gave up yet
            reason = gave_up_retrying(reason, text, reply_code, status)
    return _verdict(text, result, reason, reply_class, reply_code or None, AUDIENCE_SENDER)


def gave_up_retrying(reason: str, text: str, reply_code: str | None, status: str | None) -> str:
    """A reason's meaning in a bounce, where the MTA gave up retrying: a connection
    that timed out, reported with no permanent code from a server, means the message
    expired (knowledge/reasons.toml ``in_bounce_when_timed_out``)."""
    entry = catalog.facts("reasons")["reasons"][reason]
    final = entry.get("in_bounce_when_timed_out")
    if not final or (reply_code or "")[:1] == "5" or (status or "")[:1] == "5":
        return reason
    lower = text.lower()
    return final if any(word in lower for word in entry["timed_out_words"]) else reason
