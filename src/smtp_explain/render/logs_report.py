"""``logs --report FILE.html``: one self-contained HTML file (no external URL), en or tr."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smtp_explain import catalog
from smtp_explain.logs.event import STATUSES
from smtp_explain.logs.tally import AGE_BUCKETS, OTHER, Tally

TOP = 15
TEMPLATE = "logs_report.html"


class ReportError(Exception):
    """The report cannot be drawn (matplotlib missing); the text says what to install."""


def _reason(reason: str, lang: str) -> dict[str, str]:
    entry = catalog.text_entry(lang, "reasons", "reasons", reason)
    return {"id": reason, "summary": entry.get("summary", reason),
            "explanation": entry.get("explanation", "")}


def context(tally: Tally, lang: str) -> dict[str, Any]:
    """Everything the template shows, already counted and localized."""
    texts = catalog.texts(lang, "logs")
    labels, names, ages = texts["labels"], texts["status"], texts["ages"]
    total = max(1, tally.events)
    hosts = []
    for host, count in tally.remote.most_common(TOP):
        reasons = tally.remote_reasons.get(host)
        top = reasons.most_common(1)[0][0] if reasons else "undefined"
        hosts.append({"host": host, "count": count, "reason": _reason(top, lang),
                      "reply": tally.remote_samples.get(f"{host}\0{top}", "")})
    by_age = tally.deferred_by_age()
    chart = ""
    hours, series = tally.hourly_series()
    if hours:
        from smtp_explain.render.logs_chart import hourly_svg

        try:
            chart = hourly_svg(hours, series, names, labels["hour"])
        except ImportError as exc:  # matplotlib is the "report" extra
            raise ReportError("the report needs matplotlib: pip install 'smtp-explain[report]'") from exc
    return {
        "lang": lang,
        "labels": labels,
        "subtitle": labels["subtitle"].format(
            events=tally.events,
            first=tally.first.isoformat(timespec="seconds") if tally.first else "-",
            last=tally.last.isoformat(timespec="seconds") if tally.last else "-"),
        "statuses": [{"status": s, "name": names[s], "count": tally.status[s],
                      "share": f"{100 * tally.status[s] / total:.1f}%"}
                     for s in STATUSES if tally.status.get(s)],
        "reasons": [{"reason": _reason(r, lang), "count": c} for r, c in tally.reason.most_common()
                    if r != OTHER],
        "domains": [{"domain": d, "count": c, "hard": tally.bounce_domains_hard.get(d, 0),
                     "soft": c - tally.bounce_domains_hard.get(d, 0)}
                    for d, c in tally.bounce_domains.most_common(TOP)],
        "hosts": hosts,
        "ages": [{"age": ages[name], "count": by_age[name]}
                 for name in [*(n for n, _ in AGE_BUCKETS), "unknown"] if by_age.get(name)],
        "destinations": tally.deferred_by("domain").most_common(TOP),
        "deferred_reasons": [{"reason": _reason(r, lang), "count": c}
                             for r, c in tally.deferred_by("reason").most_common(TOP)],
        "chart": chart,
        "recipients": [{"recipient": r, "count": c,
                        "kind": labels["hard_bounce"] if tally.bouncing_hard.get(r) else labels["soft_bounce"]}
                       for r, c in tally.bouncing.most_common(TOP)],
        "bounces": tally.status.get("bounced", 0),
        "unparsed": tally.unparsed,
    }


def render(tally: Tally, lang: str) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    values = context(tally, lang)
    values["chart"] = Markup(values["chart"])  # drawn here by matplotlib, not from the log
    return env.get_template(TEMPLATE).render(**values)


def write_report(tally: Tally, lang: str, path: str) -> None:
    Path(path).write_text(render(tally, lang), encoding="utf-8")
