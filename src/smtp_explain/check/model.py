"""The result of a check run: one :class:`CheckResult` per check, in a :class:`CheckReport`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["pass", "warn", "fail", "skip", "error"]
Kind = Literal["ip", "domain", "smtp"]
STATUSES: tuple[Status, ...] = ("pass", "warn", "fail", "skip", "error")


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check: a stable id, a status, localized words and the raw evidence."""

    id: str
    status: Status
    summary: str
    explanation: str | None = None
    fix: str | None = None
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "summary": self.summary,
            "explanation": self.explanation,
            "fix": self.fix,
            "evidence": list(self.evidence),
        }


@dataclass(slots=True)
class CheckReport:
    """Everything one ``check`` run found about one target."""

    target: str
    kind: Kind
    lang: str
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(check.status == "fail" for check in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "kind": self.kind,
            "checks": [check.to_dict() for check in self.checks],
            "lang": self.lang,
        }
