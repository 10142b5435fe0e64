"""What the web shows for a submission: explained texts and decoded bounces."""

from __future__ import annotations

from dataclasses import dataclass

from smtp_explain import catalog
from smtp_explain.decoding.bounce import decode
from smtp_explain.explanation import explain, explain_row, row_text
from smtp_explain.model import BounceResult, Diagnosis
from smtp_explain.web.limits import Worker

# Texts up to this length are explained on the event loop (a fraction of a
# millisecond); longer ones go to the worker threads with the time limit.
INLINE_TEXT = 8 * 1024
# A bounce page explains at most this many distinct errors, each with at most this
# many distinct server texts; the rows of the table still list every recipient.
MAX_FINDINGS = 20
MAX_SERVER_TEXTS = 5


@dataclass(frozen=True, slots=True)
class Finding:
    """One explained error. For a bounce: the recipients it concerns and the server's words."""

    anchor: str
    diagnosis: Diagnosis
    recipients: tuple[str, ...] = ()
    server_texts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Row:
    """One bounced recipient: the result, hard/soft/none, and its finding's anchor."""

    result: BounceResult
    kind: str
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class BounceReport:
    rows: tuple[Row, ...]
    findings: tuple[Finding, ...]
    problems: int


async def explain_text(text: str, lang: str, worker: Worker) -> Diagnosis:
    """explain(), on the event loop for short texts, else in a worker thread."""
    if len(text) <= INLINE_TEXT:
        return explain(text, lang)
    return await worker.run(explain, text, lang)


def _kind(row: BounceResult) -> str:
    """'hard', 'soft', or 'none' for what is no failure (delivered, feedback, auto-reply)."""
    if catalog.facts("reasons")["reasons"].get(row.reason, {}).get("bounce") == "none":
        return "none"
    return "hard" if row.hard_bounce else "soft"


def decode_bounce(data: bytes, lang: str) -> BounceReport:
    """Every bounced recipient of a mail or mbox, and one explanation per distinct
    (reason, status, reply code) among them.

    Blocking: run it through :class:`~smtp_explain.web.limits.Worker`.
    """
    problems = 0

    def count_problem(origin: str, message: str) -> None:
        nonlocal problems
        problems += 1

    rows: list[Row] = []
    groups: dict[tuple[str, str, str], dict[str, list[str]]] = {}  # recipients per text
    anchors: dict[tuple[str, str, str], str] = {}
    first_rows: dict[tuple[str, str, str], BounceResult] = {}
    for result in decode(data, lang, on_problem=count_problem):
        kind = _kind(result)
        text = row_text(result)
        if not text or kind == "none":
            rows.append(Row(result, kind))
            continue
        key = (result.reason, result.status, result.reply_code)
        if key not in anchors and len(anchors) >= MAX_FINDINGS:
            rows.append(Row(result, kind))
            continue
        anchor = anchors.setdefault(key, f"finding-{len(anchors) + 1}")
        first_rows.setdefault(key, result)  # its card words this row's own verdict
        groups.setdefault(key, {}).setdefault(text, []).append(result.recipient)
        rows.append(Row(result, kind, anchor))
    findings = tuple(
        Finding(
            anchors[key],
            explain_row(first_rows[key], lang),
            tuple(dict.fromkeys(r for recipients in texts.values() for r in recipients)),
            tuple(texts)[:MAX_SERVER_TEXTS],
        )
        for key, texts in groups.items()
    )
    return BounceReport(tuple(rows), findings, problems)
