"""The Rich summary of ``smtp-explain logs`` (the same numbers as the HTML report)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from smtp_explain import catalog
from smtp_explain.logs.event import STATUSES
from smtp_explain.logs.tally import Tally

TOP = 10


def _texts(lang: str) -> dict[str, Any]:
    return catalog.texts(lang, "logs")


def reason_label(reason: str, lang: str) -> str:
    summary = catalog.text_entry(lang, "reasons", "reasons", reason).get("summary", "")
    return f"{reason}: {summary}" if summary else reason


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for at, column in enumerate(columns):
        table.add_column(column, justify="right" if at else "left", overflow="fold")
    return table


def summary(tally: Tally, lang: str) -> list[Table | Text]:
    t = _texts(lang)
    labels, status_names = t["labels"], t["status"]
    if not tally.events:
        return [Text(t["messages"]["no_events"])]
    out: list[Table | Text] = []
    table = _table(labels["totals_status"], labels["status"], labels["count"])
    for status in STATUSES:
        if tally.status.get(status):
            table.add_row(status_names[status], str(tally.status[status]))
    out.append(table)
    table = _table(labels["totals_reason"], labels["reason"], labels["count"])
    for reason, count in tally.reason.most_common(TOP):
        table.add_row(reason_label(reason, lang), str(count))
    out.append(table)
    if tally.bounce_domains:
        table = _table(labels["bounces_domain"], labels["domain"], labels["bounces"],
                       labels["hard"])
        for domain, count in tally.bounce_domains.most_common(TOP):
            table.add_row(domain, str(count), str(tally.bounce_domains_hard.get(domain, 0)))
        out.append(table)
    if tally.remote:
        table = _table(labels["rejecting_hosts"], labels["host"], labels["count"],
                       labels["reason"])
        for host, count in tally.remote.most_common(TOP):
            reasons = tally.remote_reasons.get(host)
            top = reasons.most_common(1)[0][0] if reasons else ""
            table.add_row(host, str(count), reason_label(top, lang) if top else "")
        out.append(table)
    if tally.pending:
        table = _table(labels["deferred_queue"], labels["destination"], labels["recipients"])
        for domain, count in tally.deferred_by("domain").most_common(TOP):
            table.add_row(domain, str(count))
        out.append(table)
    return out


class Progress:
    """An event counter on stderr, only used when stderr is a terminal."""

    def __init__(self) -> None:
        from rich.progress import Progress as RichProgress
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        self._bar = RichProgress(SpinnerColumn(), TextColumn("{task.completed}"),
                                 TimeElapsedColumn(), console=Console(stderr=True),
                                 transient=True)
        self._task = self._bar.add_task("", total=None)
        self._bar.start()

    def update(self, count: int) -> None:
        self._bar.update(self._task, completed=count)

    def close(self) -> None:
        self._bar.stop()
