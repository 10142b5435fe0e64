"""Human output of a check run: a Rich table per group, with the fix under each warn/fail."""

from __future__ import annotations

from collections import Counter

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from smtp_explain.check.model import CheckReport, CheckResult
from smtp_explain.check.wording import label

STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "skip": "dim",
                "error": "magenta"}
GROUPS = ("blocklists", "dns", "auth", "transport", "smtp")


def group_of(check_id: str) -> str:
    if check_id.startswith("blocklist:"):
        return "blocklists"
    if check_id in ("ptr", "fcrdns", "mx"):
        return "dns"
    if check_id in ("spf", "dmarc") or check_id.startswith("dkim:"):
        return "auth"
    if check_id in ("mta-sts", "tls-rpt"):
        return "transport"
    return "smtp"


def _table(title: str, checks: list[CheckResult], lang: str) -> Table:
    table = Table(title=Text(title, style="bold"), title_justify="left", expand=False,
                  show_lines=False)
    table.add_column(label(lang, "check"), no_wrap=True)
    table.add_column(label(lang, "status"), no_wrap=True)
    table.add_column(label(lang, "result"))
    for check in checks:
        words = Text(check.summary)
        if check.status in ("warn", "fail", "error") and check.explanation:
            words += Text("\n" + check.explanation, style="dim")
        if check.fix:
            words += Text("\n" + label(lang, "fix") + ": ", style="bold") + Text(check.fix)
        table.add_row(Text(check.id), Text(label(lang, check.status),
                                          style=STATUS_STYLE[check.status]), words)
    return table


def report_view(report: CheckReport) -> RenderableType:
    lang = report.lang
    parts: list[RenderableType] = [
        Text(label(lang, "title").format(target=report.target), style="bold underline")]
    by_group: dict[str, list[CheckResult]] = {}
    for check in report.checks:
        by_group.setdefault(group_of(check.id), []).append(check)
    for group in GROUPS:
        if group in by_group:
            parts.append(_table(label(lang, f"group_{group}"), by_group[group], lang))
    counts = Counter(check.status for check in report.checks)
    parts.append(Text(label(lang, "totals").format(
        passed=counts["pass"], warned=counts["warn"], failed=counts["fail"],
        errors=counts["error"], skipped=counts["skip"])))
    return Group(*parts)
