"""The data model: what smtp-explain returns to its callers.

Plain frozen dataclasses, so results can be compared, hashed, pickled across
worker processes and turned into JSON with :func:`to_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal

ReplyClass = Literal["success", "intermediate", "temporary", "permanent", "unknown"]
Retry = Literal["no", "later", "after-fix", "not-needed"]

CLASS_BY_DIGIT: dict[str, ReplyClass] = {
    "1": "intermediate",
    "2": "success",
    "3": "intermediate",
    "4": "temporary",
    "5": "permanent",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """Why an input was skipped or cut, as a text key of ui.toml (any language) plus a
    detail. ``lost`` is False for a note that loses nothing (a mail that is no bounce)."""

    key: str
    detail: str = ""
    lost: bool = True

    def text(self, lang: str = "en") -> str:
        from smtp_explain import catalog

        return catalog.ui(lang, self.key).format(detail=self.detail)

    @property
    def message(self) -> str:
        return self.text("en")


@dataclass(frozen=True, slots=True)
class Evidence:
    """One thing in the input that led to the result."""

    kind: Literal["rule", "status", "reply_code", "blocklist", "provider", "user_rule",
                  "vocabulary"]
    id: str
    match: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Blocklist:
    id: str
    name: str
    operator: str
    description: str
    lookup: str
    delist: str


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    name: str
    postmaster: str
    kind: str = "provider"  # provider, gateway, sending-service, mta, hosting, forwarding


@dataclass(frozen=True, slots=True)
class DigitMeaning:
    """The meaning of one digit (or one part) of a code, seed-guide style."""

    digit: str
    title: str
    explanation: str


@dataclass(frozen=True, slots=True)
class NextSteps:
    sender: tuple[str, ...] = ()
    admin: tuple[str, ...] = ()
    program: tuple[str, ...] = ()  # for a person at a mail program (audience mail-program)


@dataclass(frozen=True, slots=True)
class Facts:
    """What could be read out of a pasted text, before any interpretation."""

    reply_code: str | None = None
    status: str | None = None
    smtp_command: str | None = None
    remote_host: str | None = None
    addresses: tuple[str, ...] = ()


@dataclass(slots=True)  # not frozen: built once per text in bulk runs, where a frozen
class Classification:  # dataclass's __init__ costs four times as much; read-only by convention
    """The result of the rules engine: a reason and why."""

    reason: str
    evidence: tuple[Evidence, ...]
    provider: str | None = None
    blocklist: str | None = None
    cause: str | None = None  # the deciding rule's finer cause, if it names one
    audience: str | None = None  # "mail-program" when a matched rule says so
    rule_provider: str | None = None  # the provider whose own wording decided, if any


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """A localized explanation of one SMTP reply or error text."""

    input: str
    reply_code: str | None
    status: str | None
    reply_class: ReplyClass
    reason: str
    hard_bounce: bool | None
    retry: Retry
    provider: Provider | None
    blocklist: Blocklist | None
    summary: str
    explanation: str
    next_steps: NextSteps
    evidence: tuple[Evidence, ...]
    lang: str
    smtp_command: str | None = None
    remote_host: str | None = None
    addresses: tuple[str, ...] = ()
    possible_reasons: tuple[str, ...] = ()
    meaning: tuple[DigitMeaning, ...] = ()
    causes: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    who: str = "nobody"
    cause: str | None = None  # finer cause id (knowledge/causes.toml), None when not known
    cause_name: str | None = None  # its short name in lang
    audience: str = "sender"  # "mail-program", "sender" or "admin": whose advice comes first
    reason_name: str = ""  # the reason's short name in lang

    @property
    def classified(self) -> bool:
        return self.reason != "undefined"

    @property
    def recognised(self) -> bool:
        """Whether anything was understood: a reason, or at least a code to explain."""
        return self.classified or self.reply_code is not None or self.status is not None

    def to_dict(self) -> dict[str, Any]:
        data = to_dict(self)
        data["class"] = data.pop("reply_class")
        return data


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """A catalogue entry for one basic reply code or enhanced status code."""

    code: str
    kind: Literal["reply", "status"]
    known: bool
    reply_class: ReplyClass
    summary: str
    explanation: str
    causes: tuple[str, ...]
    next_steps: NextSteps
    references: tuple[str, ...]
    lang: str
    registered: bool = False
    retry: Retry | None = None
    reasons: tuple[str, ...] = ()
    meaning: tuple[DigitMeaning, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        data = to_dict(self)
        data["class"] = data.pop("reply_class")
        return data


def to_dict(obj: Any) -> dict[str, Any]:
    """Turn a result dataclass into JSON-ready data (tuples become lists).

    A plain walk over the fields: ``dataclasses.asdict`` deep-copies every value
    and costs several times more, which shows in the web API's latency.
    """
    names = _FIELD_NAMES.get(type(obj))
    if names is None:
        names = _FIELD_NAMES[type(obj)] = tuple(f.name for f in fields(obj))
    return {name: _jsonable(getattr(obj, name)) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_PLAIN = (str, bool, int, float, type(None))


def _jsonable(value: Any) -> Any:
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, (tuple, list)):
        return [v if isinstance(v, _PLAIN) else _jsonable(v) for v in value]
    if is_dataclass(value):
        return to_dict(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


@dataclass(slots=True)
class BounceResult:
    """One bounced recipient of one bounce mail, classified and explained.

    Read-only by convention, not frozen: one is built per recipient in bulk runs, and
    a frozen dataclass's __init__ (one object.__setattr__ call per field) costs four
    times as much as plain slot stores.
    """

    origin: str
    recipient: str
    addresser: str
    reason: str
    status: str
    reply_code: str
    hard_bounce: bool
    feedback_type: str
    diagnostic: str
    diagnostic_type: str
    action: str
    remote_host: str
    smtp_command: str
    timestamp: str
    message_id: str
    subject: str
    decoded_by: str
    summary: str
    lang: str
    mail_index: int = 0  # position of the mail in an mbox holding several (1-based), else 0
    cause: str | None = None  # finer cause id (knowledge/causes.toml), None when not known
    status_stated: bool = True  # False when ``status`` is a pseudo code (5.0.9xx): not stated

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _BOUNCE_FIELDS}


_BOUNCE_FIELDS = tuple(f.name for f in fields(BounceResult))
