"""Human output in the terminal, with Rich.

Untrusted text (the user's input, server replies) is always passed to Rich
as plain ``Text``, never as markup.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.text import Text

from smtp_explain import catalog
from smtp_explain.model import BounceResult, CodeInfo, Diagnosis, DigitMeaning, Evidence, NextSteps

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


class Hanging:
    """``prefix`` then ``body``; the body's wrapped lines start under its first character
    (or ``indent`` columns in, for a heading line with no prefix)."""

    MIN_WIDTH = 20  # below this the indent is dropped rather than squeezing the text

    def __init__(self, prefix: Text | str, body: Text | str, indent: int | None = None) -> None:
        self.prefix = prefix if isinstance(prefix, Text) else Text(prefix)
        self.body = body if isinstance(body, Text) else Text(body)
        self.indent = self.prefix.cell_len if indent is None else indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        first, indent = self.prefix.cell_len, self.indent
        if options.max_width - indent < self.MIN_WIDTH:
            indent = 0  # too narrow to indent: the continuation lines use the full width
        lines: list[Text] = list(self.body.wrap(console, max(options.max_width - first, 1)))
        if len(lines) > 1 and indent != first:  # the rest wraps to its own width
            rest = self.body.divide([len(lines[0].plain)])[-1]
            rest = rest[len(rest.plain) - len(rest.plain.lstrip(" ")):]
            lines = [lines[0], *rest.wrap(console, max(options.max_width - indent, 1))]
        for number, line in enumerate(lines or [Text("")]):
            lead = self.prefix if number == 0 else Text(" " * indent)
            line.rstrip()  # the wrap keeps the blank it broke at
            yield lead + line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.prefix.cell_len + 1, self.prefix.cell_len + self.body.cell_len)


def _heading(label: str) -> Text:
    return Text(label, style="bold underline")


def _labelled(label: str, value: Text | str, style: str = "") -> Hanging:
    body = value if isinstance(value, Text) else Text(value, style=style)
    return Hanging(Text(f"{label}: ", style="dim"), body)


def _bullets(items: Iterable[str], indent: int = 2) -> list[Hanging]:
    return [Hanging(" " * indent + "• ", item) for item in items]


def _meaning(meaning: tuple[DigitMeaning, ...]) -> list[Hanging]:
    rows = []
    for part in meaning:
        body = Text(part.title, style="bold")
        if part.explanation:
            body += Text(" - ") + Text(part.explanation)
        rows.append(Hanging(Text(f"  {part.digit:>3}  ", style="bold"), body))
    return rows


def _steps(steps: NextSteps, lang: str) -> list[Text | Hanging]:
    out: list[Text | Hanging] = []
    if steps.program:  # the reader is at a mail program: their own steps come first
        out.append(Text("  " + catalog.ui(lang, "for_program"), style="italic"))
        out.extend(_bullets(steps.program, 4))
    if steps.sender:
        out.append(Text("  " + catalog.ui(lang, "for_sender"), style="italic"))
        out.extend(_bullets(steps.sender, 4))
    if steps.admin:
        out.append(Text("  " + catalog.ui(lang, "for_admin"), style="italic"))
        out.extend(_bullets(steps.admin, 4))
    return out


def _names(lang: str, reasons: Iterable[str]) -> str:
    return ", ".join(catalog.reason_name(lang, reason) for reason in reasons)


def _references(lang: str, references: Iterable[str]) -> str:
    """"RFC 5321, section 4.2.2" in the reader's language ("bölüm 4.2.2")."""
    word = catalog.ui(lang, "section")
    return "; ".join(re.sub(r"\bsection\b", word, ref) for ref in references)


def _evidence(lang: str, evidence: Iterable[Evidence]) -> str:
    return "; ".join(
        f"{catalog.ui(lang, 'evidence_' + e.kind)} {e.id}" + (f' "{e.match}"' if e.match else "")
        for e in evidence
    )


def diagnosis(d: Diagnosis, lang: str) -> Panel:
    ui = lambda key: catalog.ui(lang, key)  # noqa: E731
    style = CLASS_STYLE[d.reply_class]
    codes = " ".join(c for c in (d.reply_code, d.status) if c) or "-"
    title = Text(codes + "  ", style=f"bold {style}") + Text(ui(f"class_{d.reply_class}"), style=style)
    body: list[Text | Hanging] = [Hanging("", Text(d.summary, style="bold"))]
    bounce = (
        ui("no_bounce") if d.hard_bounce is None
        else ui("hard_bounce") if d.hard_bounce else ui("soft_bounce")
    )
    reason = Text(catalog.reason_name(lang, d.reason), style="bold") + Text(f" ({d.reason})", style="dim")
    body.append(_labelled(ui("reason"), reason + Text(f"  ·  {bounce}", style="dim")))
    if d.cause_name:
        body.append(_labelled(ui("cause"), Text(d.cause_name)))
    body.append(_labelled(ui("retry"), ui("retry_" + d.retry.replace("-", "_"))))
    body.append(_labelled(ui("who"), ui("who_" + d.who.replace("-", "_"))))
    for key, value in (
        ("smtp_command", d.smtp_command),
        ("remote_host", d.remote_host),
        ("addresses", ", ".join(d.addresses)),
    ):
        if value:
            body.append(_labelled(ui(key), value))
    if d.provider:
        line = Text(d.provider.name)
        if d.provider.postmaster:
            line += Text(f"  ({ui('postmaster')}: {d.provider.postmaster})")
        body.append(_labelled(catalog.provider_kind_label(lang, d.provider.id), line))
    body += [Text(""), _heading(ui("likely_cause")), Hanging("  ", d.explanation)]
    if not d.classified:
        body.append(Hanging("  ", Text(ui("not_classified"), style="italic")))
        if d.possible_reasons:
            body.append(Hanging(f"  {ui('possible_reasons')}: ", _names(lang, d.possible_reasons)))
    if d.blocklist:
        b = d.blocklist
        body += [Text(""), _heading(f"{ui('blocklist')}: {b.name}"), Hanging("  ", b.description)]
        body.append(Hanging(f"  {ui('blocklist_lookup')}: ", b.lookup))
        if b.delist and b.delist != b.lookup:
            body.append(Hanging(f"  {ui('blocklist_delist')}: ", b.delist))
    if d.causes and not d.classified:
        body += [Text(""), _heading(ui("causes")), *_bullets(d.causes)]
    body += [Text(""), _heading(ui("next_steps")), *_steps(d.next_steps, lang)]
    if d.meaning:  # after the cause and what to do: the digits are the detail
        body += [Text(""), _heading(ui("meaning")), *_meaning(d.meaning)]
    if d.evidence:
        body += [Text(""), _labelled(ui("evidence"), _evidence(lang, d.evidence), style="dim")]
    if d.references:
        body.append(_labelled(ui("references"), _references(lang, d.references), style="dim"))
    return Panel(Group(*body), title=title, title_align="left", border_style=style, expand=True)


def code_info(info: CodeInfo, lang: str) -> Panel:
    ui = lambda key: catalog.ui(lang, key)  # noqa: E731
    style = CLASS_STYLE[info.reply_class]
    title = Text(info.code + "  ", style=f"bold {style}")
    title += Text(ui(f"class_{info.reply_class}"), style=style)
    body: list[Text | Hanging] = [Hanging("", Text(info.summary, style="bold"))]
    if not info.known:
        body.append(Hanging("", Text(f"{info.code} {ui('unknown_code')}", style="italic")))
    elif info.kind == "reply":
        body.append(Text(ui("registered") if info.registered else ui("unregistered"), style="dim"))
    body += [Text(""), Hanging("", info.explanation)]
    if info.meaning:
        body += [Text(""), _heading(ui("meaning")), *_meaning(info.meaning)]
    if info.causes:
        body += [Text(""), _heading(ui("causes")), *_bullets(info.causes)]
    if info.reasons:
        body.append(_labelled(ui("possible_reasons"), _names(lang, info.reasons), style="dim"))
    if info.next_steps.sender or info.next_steps.admin:
        body += [Text(""), _heading(ui("next_steps")), *_steps(info.next_steps, lang)]
    if info.references:
        body.append(_labelled(ui("references"), _references(lang, info.references), style="dim"))
    return Panel(Group(*body), title=title, title_align="left", border_style=style)


def reasons_table(lang: str) -> Group:
    """Each reason: its name, id and bounce kind, then its summary indented below."""
    rows: list[Hanging] = []
    facts = catalog.facts("reasons")["reasons"]
    for reason_id, entry in facts.items():
        text = catalog.text_entry(lang, "reasons", "reasons", reason_id)
        head = (
            Text(catalog.reason_name(lang, reason_id), style="bold")
            + Text(f" ({reason_id})", style="dim")
            + Text(" · " + catalog.ui(lang, f"bounce_{entry['bounce']}"), style="dim")
        )
        rows += [Hanging("", head, indent=4), Hanging("    ", text.get("summary", ""))]
    return Group(*rows)


def print_all(renderables: Iterable[Panel | Group | Text | Table | Hanging],
              file: IO[str] | None = None) -> None:
    out = console(file)
    for item in renderables:
        out.print(item)  # no padding: piped output carries no trailing blanks


def bounce_report(rows: list[BounceResult], lang: str) -> list[Table | Text]:
    """One row per bounced recipient, then the totals by reason."""
    from rich.table import Table  # only the bounce command needs it: keep explain's start quick

    ui = lambda key: catalog.ui(lang, key)  # noqa: E731
    table = Table(show_lines=False, expand=True, highlight=False)
    for column in ("file", "recipient", "reason", "status", "bounce_kind", "summary"):
        # codes, kinds and addresses stay whole; names and summaries wrap at words
        whole = column in ("recipient", "status", "bounce_kind")
        table.add_column(ui(f"col_{column}"), overflow="fold", no_wrap=whole,
                         min_width=12 if column == "reason" else None)
    for row in rows:
        kind = ui("hard") if row.hard_bounce else ui("soft")
        if row.reason in ("delivered", "feedback", "vacation"):
            kind = "-"
        table.add_row(
            Text(row.origin.rsplit("/", 1)[-1]),
            Text(row.recipient),
            Text(catalog.reason_name(lang, row.reason), style="bold"),
            Text(row.status if row.status_stated else catalog.ui(lang, "status_not_stated"),
                 style="" if row.status_stated else "dim"),
            Text(kind, style="red" if row.hard_bounce else "yellow"),
            Text(row.summary),
        )
    totals = Table(title=ui("totals"), expand=False, highlight=False)
    totals.add_column(ui("col_reason"))
    totals.add_column(ui("col_count"), justify="right")
    counts = Counter(row.reason for row in rows)
    for reason, count in counts.most_common():
        totals.add_row(catalog.reason_name(lang, reason), str(count))
    totals.add_row(Text(ui("all"), style="bold"), Text(str(len(rows)), style="bold"))
    return [table, totals]


class Progress:
    """A mail counter on stderr, only used when stderr is a terminal."""

    def __init__(self, lang: str = catalog.DEFAULT_LANG) -> None:
        from rich.progress import Progress as RichProgress
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        label = catalog.ui(lang, "progress_mails").replace("{count}", "{task.completed}")
        self._bar = RichProgress(SpinnerColumn(), TextColumn(label),
                                 TimeElapsedColumn(), console=Console(stderr=True),
                                 transient=True)
        self._task = self._bar.add_task("decoding", total=None)
        self._bar.start()

    def advance(self) -> None:
        self._bar.advance(self._task)

    def close(self) -> None:
        self._bar.stop()
