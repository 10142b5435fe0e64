"""The ASGI application: pages, JSON API, static files, limits and headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from smtp_explain import catalog
from smtp_explain.explanation import explain
from smtp_explain.web import api, guide, language, pages
from smtp_explain.web.api import ApiError, error_response, error_text
from smtp_explain.web.edge import SECURITY_HEADERS, Edge
from smtp_explain.web.limits import (
    BODY_TIMEOUT,
    DEFAULT_MAX_UPLOAD,
    DEFAULT_TIME_LIMIT,
    BodyTooLarge,
    BodyTooSlow,
    TooSlow,
    Worker,
)
from smtp_explain.web.templating import environment, render
from smtp_explain.web.upload import FormError

STATIC_DIR = Path(__file__).resolve().parent / "static"


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/openapi.json"


def _error(request: Request, status: int, label: str, key: str,
           values: dict[str, object] | None = None,
           headers: dict[str, str] | None = None) -> Response:
    """An error as JSON for the API (the api.toml message ``key``), as a page for people
    (the web.toml labels ``<label>_title`` and ``<label>_text``)."""
    lang = language.choose(request)
    if _wants_json(request):
        return error_response(status, error_text(lang, key, **(values or {})), headers)
    t = language.labels(lang)
    response = render(request, "error.html", lang, title=t[f"{label}_title"],
                      description=t[f"{label}_text"], status_code=status, private=True,
                      status=status, label=label)
    response.headers.update(headers or {})
    return response


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return _error(request, 404, "not_found", "not_found", {"path": request.url.path[:80]})
    if exc.status_code == 405:
        allow = (exc.headers or {}).get("Allow", "")
        return _error(request, 405, "method", "method_not_allowed", {"allowed": allow},
                      {"allow": allow} if allow else None)
    return _error(request, exc.status_code, "failed", "failed", {"status": exc.status_code})


async def on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    lang = exc.lang or language.choose(request)
    return error_response(exc.status, error_text(lang, exc.key, **exc.values))


async def on_too_large(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BodyTooLarge)
    return _error(request, 413, "too_large", "too_large", {"limit": exc.limit},
                  {"connection": "close"})


async def on_slow_body(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BodyTooSlow)
    return _error(request, 408, "slow_body", exc.key,
                  {"seconds": f"{request.app.state.body_timeout:g}"}, {"connection": "close"})


async def on_too_slow(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TooSlow)
    return _error(request, 503, "too_slow", exc.key, {"seconds": f"{exc.seconds:g}"},
                  {"retry-after": "10"})


async def on_form_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FormError)
    return _error(request, 400, "bad_form", exc.key)


async def on_crash(request: Request, exc: Exception) -> Response:
    """Last resort; this response bypasses the middleware, so it brings its own headers."""
    try:
        message = error_text(language.choose(request), "internal")
    except Exception:  # the texts themselves are broken: still answer
        message = "internal error"
    response = error_response(500, message)
    for name, value in SECURITY_HEADERS:
        response.headers[name.decode()] = value.decode()
    return response


def warm_up() -> None:
    """Load the knowledge, rules and templates before the first request, not during it."""
    for lang in catalog.languages():
        explain("550 5.1.1 <bob@example.com>: user unknown", lang)
        language.labels(lang)
        catalog.texts(lang, "api")
        guide.reply_groups(lang)
        guide.status_groups(lang)
        guide.reasons(lang)
    for name in environment.list_templates():
        environment.get_template(name)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    warm_up()
    yield
    app.state.worker.close()


def create_app(max_upload: int = DEFAULT_MAX_UPLOAD,
               time_limit: float = DEFAULT_TIME_LIMIT,
               body_timeout: float = BODY_TIMEOUT, *,
               check_private: bool = False,
               check_nameservers: list[tuple[str, int]] | None = None) -> Starlette:
    """The web application. ``max_upload`` caps request bodies (bytes, 413 above);
    ``time_limit`` bounds decoding work (seconds, 503 after); ``body_timeout`` bounds
    the wait for a request body (seconds, 408 after). The check (/check, /api/check)
    contacts private, loopback and link-local addresses only with ``check_private``, and
    sends its DNS queries to ``check_nameservers`` when given (else the system's)."""
    app = Starlette(
        routes=[
            *api.routes,  # first: /api/explain is the hot path, matched on the first try
            *pages.routes,
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        middleware=[Middleware(Edge, max_upload=max_upload, body_timeout=body_timeout)],
        lifespan=lifespan,
        exception_handlers={
            HTTPException: on_http_error,
            ApiError: on_api_error,
            BodyTooLarge: on_too_large,
            BodyTooSlow: on_slow_body,
            TooSlow: on_too_slow,
            FormError: on_form_error,
            Exception: on_crash,
        },
    )
    app.state.max_upload = max_upload
    app.state.body_timeout = body_timeout
    app.state.worker = Worker(time_limit)
    from smtp_explain.web.checking import RateLimiter

    app.state.check_private = check_private
    app.state.check_nameservers = tuple(check_nameservers or ())
    app.state.check_limiter = RateLimiter()
    return app
