"""Rendering pages: the Jinja2 environment and the context every page gets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from smtp_explain import catalog
from smtp_explain.web import language

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html"], default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
# JSON for people to read (escaped as HTML like any other text, unlike ``tojson``)
environment.filters["pretty_json"] = lambda value: json.dumps(value, indent=2,
                                                              ensure_ascii=False)


def link(lang: str, path: str, **query: str | None) -> str:
    """A site-internal URL that keeps the language: ``/codes/550?lang=tr``."""
    params = {k: v for k, v in query.items() if v is not None}
    params["lang"] = lang
    return f"{path}?{urlencode(params)}"


def local_path(path: str) -> str:
    """A request path as a link on this site: ``//evil.example/x`` (which a browser
    reads as another host) becomes ``/evil.example/x``."""
    return "/" + path.lstrip("/\\")


def _switches(request: Request, lang: str) -> list[dict[str, Any]]:
    """The same page in every language (GET pages keep their query, e.g. ?q=)."""
    query = dict(request.query_params) if request.method == "GET" else {}
    out = []
    for other in catalog.languages():
        params = {**query, "lang": other}
        out.append({
            "lang": other,
            "name": language.labels(other)["lang_name"],
            "url": f"{local_path(request.url.path)}?{urlencode(params)}",
            "current": other == lang,
        })
    return out


def render(
    request: Request,
    template: str,
    lang: str,
    *,
    title: str,
    description: str,
    status_code: int = 200,
    private: bool = False,
    **context: Any,
) -> HTMLResponse:
    """A full page. ``private`` pages (results of submitted text) are not cached or indexed."""
    labels = language.labels(lang)
    html = environment.get_template(template).render(
        lang=lang,
        t=labels,
        href=lambda path, **query: link(lang, path, **query),
        switches=_switches(request, lang),
        title=title,
        description=shorten(description, 160),
        private=private,
        upload_mb=f"{request.app.state.max_upload / (1024 * 1024):g}",
        **context,
    )
    headers = {
        "content-language": lang,
        "vary": "Accept-Language",
        "cache-control": "no-store" if private else "public, max-age=300",
    }
    return HTMLResponse(html, status_code=status_code, headers=headers)


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
