"""Human output in the terminal, with Rich.

Untrusted text (the user's input, server replies) is always passed to Rich
as plain ``Text``, never as markup.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from smtp_explain import catalog
from smtp_explain.model import BounceResult, CodeInfo, Diagnosis, DigitMeaning, NextSteps

if TYPE_CHECKING:
    from rich.table import Table

CLASS_STYLE = {
    "success": "green",
    "intermediate": "cyan",
    "temporary": "yellow",
    "permanent": "red",
    "unknown": "magenta",
}


def console(file: IO[str] | None = None) -> Console:
    return Console(file=file, highlight=False, soft_wrap=False)


def _heading(label: str) -> Text:
    return Text(label, style="bold underline")


def _bullets(items: Iterable[str], indent: int = 2) -> list[Text]:
    return [Text(" " * indent + "• ") + Text(item) for item in items]


def _meaning(meaning: tuple[DigitMeaning, ...]) -> list[Text]:
    rows = []
    for part in meaning:
        line = Text(f"  {part.digit:>3}  ", style="bold") + Text(part.title, style="bold")
        if part.explanation:
            line += Text(" - ") + Text(part.explanation)
        rows.append(line)
    return rows


def _steps(steps: NextSteps, lang: str) -> list[Text]:
    out: list[Text] = []
    if steps.sender:
        out.append(Text("  " + catalog.ui(lang, "for_sender"), style="italic"))
        out.extend(_bullets(steps.sender, 4))
    if steps.admin:
        out.append(Text("  " + catalog.ui(lang, "for_admin"), style="italic"))
        out.extend(_bullets(steps.admin, 4))
    return out


def diagnosis(d: Diagnosis, lang: str) -> Panel:
    ui = lambda key: catalog.ui(lang, key)  # noqa: E731
    style = CLASS_STYLE[d.reply_class]
    codes = " ".join(c for c in (d.reply_code, d.status) if c) or "-"
    title = Text(codes + "  ", style=f"bold {style}") + Text(ui(f"class_{d.reply_class}"), style=style)
    body: list[Text] = [Text(d.summary, style="bold")]
    bounce = (
        ui("no_bounce") if d.hard_bounce is None
        else ui("hard_bounce") if d.hard_bounce else ui("soft_bounce")
    )
    facts = Text(f"{ui('reason')}: ", style="dim") + Text(d.reason, style="bold")
    if not d.classified:  # the headline speaks of the code: say plainly the cause is unknown
        summary = catalog.text_entry(lang, "reasons", "reasons", d.reason).get("summary", "")
        facts += Text(f" ({summary})", style="italic")
    facts += Text(f"  ·  {bounce}", style="dim")
    body.append(facts)
    body.append(Text(f"{ui('retry')}: ", style="dim") + Text(ui("retry_" + d.retry.replace("-", "_"))))
    body.append(Text(f"{ui('who')}: ", style="dim") + Text(ui("who_" + d.who.replace("-", "_"))))
    for key, value in (
        ("smtp_command", d.smtp_command),
        ("remote_host", d.remote_host),
        ("addresses", ", ".join(d.addresses)),
    ):
        if value:
            body.append(Text(f"{ui(key)}: ", style="dim") + Text(value))
    if d.provider:
        kind = catalog.provider_kind_label(lang, d.provider.id)
        line = Text(f"{kind}: ", style="dim") + Text(d.provider.name)
        if d.provider.postmaster:
            line += Text(f"  ({ui('postmaster')}: {d.provider.postmaster})")
        body.append(line)
    if d.meaning:
        body += [Text(""), _heading(ui("meaning")), *_meaning(d.meaning)]
    body += [Text(""), _heading(ui("likely_cause")), Text("  ") + Text(d.explanation)]
    if not d.classified:
        body.append(Text("  " + ui("not_classified"), style="italic"))
        if d.possible_reasons:
            body.append(Text(f"  {ui('possible_reasons')}: " + ", ".join(d.possible_reasons)))
    if d.blocklist:
        b = d.blocklist
        body += [Text(""), _heading(f"{ui('blocklist')}: {b.name}"), Text("  ") + Text(b.description)]
        body.append(Text(f"  {ui('blocklist_lookup')}: {b.lookup}"))
        if b.delist and b.delist != b.lookup:
            body.append(Text(f"  {ui('blocklist_delist')}: {b.delist}"))
    if d.causes and not d.classified:
        body += [Text(""), _heading(ui("causes")), *_bullets(d.causes)]
    body += [Text(""), _heading(ui("next_steps")), *_steps(d.next_steps, lang)]
    if d.evidence:
        ev = "; ".join(f"{e.kind} {e.id}" + (f' "{e.match}"' if e.match else "") for e in d.evidence)
        body += [Text(""), Text(f"{ui('evidence')}: ", style="dim") + Text(ev, style="dim")]
    if d.references:
        body.append(Text(f"{ui('references')}: ", style="dim") + Text("; ".join(d.references), style="dim"))
    return Panel(Group(*body), title=title, title_align="left", border_style=style, expand=True)


def code_info(info: CodeInfo, lang: str) -> Panel:
    ui = lambda key: catalog.ui(lang, key)  # noqa: E731
    style = CLASS_STYLE[info.reply_class]
    title = Text(info.code + "  ", style=f"bold {style}")
    title += Text(ui(f"class_{info.reply_class}"), style=style)
    body: list[Text] = [Text(info.summary, style="bold")]
    if not info.known:
        body.append(Text(f"{info.code} {ui('unknown_code')}", style="italic"))
    elif info.kind == "reply":
        body.append(Text(ui("registered") if info.registered else ui("unregistered"), style="dim"))
    body += [Text(""), Text(info.explanation)]
    if info.meaning:
        body += [Text(""), _heading(ui("meaning")), *_meaning(info.meaning)]
    if info.causes:
        body += [Text(""), _heading(ui("causes")), *_bullets(info.causes)]
    if info.reasons:
        body.append(Text(f"{ui('possible_reasons')}: " + ", ".join(info.reasons), style="dim"))
    if info.next_steps.sender or info.next_steps.admin:
        body += [Text(""), _heading(ui("next_steps")), *_steps(info.next_steps, lang)]
    if info.references:
        body.append(Text(f"{ui('references')}: " + "; ".join(info.references), style="dim"))
    return Panel(Group(*body), title=title, title_align="left", border_style=style)


def reasons_table(lang: str) -> Group:
    rows = []
    facts = catalog.facts("reasons")["reasons"]
    for reason_id in facts:
        text = catalog.text_entry(lang, "reasons", "reasons", reason_id)
        rows.append(
            Text(f"{reason_id:<16}", style="bold")
            + Text(f"{facts[reason_id]['bounce']:<5} ", style="dim")
            + Text(text.get("summary", ""))
        )
    return Group(*rows)


def print_all(renderables: Iterable[Panel | Group | Text | Table], file: IO[str] | None = None) -> None:
    out = console(file)
    for item in renderables:
        out.print(Padding(item, (0, 0)))


def bounce_report(rows: list[BounceResult], lang: str) -> list[Table | Text]:
    """One row per bounced recipient, then the totals by reason."""
    from rich.table import Table  # only the bounce command needs it: keep explain's start quick

    ui = lambda key: catalog.ui(lang, key)  # noqa: E731
    table = Table(show_lines=False, expand=True, highlight=False)
    for column in ("file", "recipient", "reason", "status", "bounce_kind", "summary"):
        table.add_column(ui(f"col_{column}"), overflow="fold")
    for row in rows:
        kind = ui("hard") if row.hard_bounce else ui("soft")
        if row.reason in ("delivered", "feedback", "vacation"):
            kind = "-"
        table.add_row(
            Text(row.origin.rsplit("/", 1)[-1]),
            Text(row.recipient),
            Text(row.reason, style="bold"),
            Text(row.status),
            Text(kind, style="red" if row.hard_bounce else "yellow"),
            Text(row.summary),
        )
    totals = Table(title=ui("totals"), expand=False, highlight=False)
    totals.add_column(ui("col_reason"))
    totals.add_column(ui("col_count"), justify="right")
    counts = Counter(row.reason for row in rows)
    for reason, count in counts.most_common():
        totals.add_row(reason, str(count))
    totals.add_row(Text(ui("all"), style="bold"), Text(str(len(rows)), style="bold"))
    return [table, totals]


class Progress:
    """A mail counter on stderr, only used when stderr is a terminal."""

    def __init__(self) -> None:
        from rich.progress import Progress as RichProgress
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        self._bar = RichProgress(SpinnerColumn(), TextColumn("{task.completed} mails"),
                                 TimeElapsedColumn(), console=Console(stderr=True),
                                 transient=True)
        self._task = self._bar.add_task("decoding", total=None)
        self._bar.start()

    def advance(self) -> None:
        self._bar.advance(self._task)

    def close(self) -> None:
        self._bar.stop()
