"""The JSON API: /api/explain, /api/bounce, /api/codes/{code}, /api/reasons, /api/check."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from smtp_explain import catalog
from smtp_explain.explanation import describe_reasons, lookup
from smtp_explain.render.as_json import dumps_bytes
from smtp_explain.web import language, openapi
from smtp_explain.web.findings import decode_bounce, explain_text
from smtp_explain.web.upload import is_multipart, read_form

JSON = "application/json"


class ApiError(Exception):
    """An error answered as ``{"error": message}`` with its HTTP status.

    ``key`` names the message in knowledge/texts/<lang>/api.toml ``[errors]`` and
    ``values`` fill its placeholders; it is answered in ``lang`` when that is set,
    else in the request's language (:func:`language.choose`).
    """

    def __init__(self, status: int, key: str, lang: str | None = None, **values: object) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.lang = lang
        self.values = values


def error_text(lang: str, key: str, **values: object) -> str:
    """The error message ``key`` of api.toml in ``lang``, its placeholders filled.

    ``{example}`` (a request body for /api/explain) is always available.
    """
    example = json.dumps({"text": "...", "lang": lang})
    return str(catalog.texts(lang, "api")["errors"][key]).format(example=example, **values)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps_bytes(data), status_code=status, media_type=JSON, headers=headers)


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    # The message follows Accept-Language: caches must keep one answer per language.
    return json_response({"error": message}, status, {"vary": "Accept-Language", **(headers or {})})


def _lang(value: object) -> str:
    if value is None:
        return catalog.DEFAULT_LANG
    lang = language.supported(value) if isinstance(value, str) else None
    if lang is None:
        raise ApiError(422, "bad_lang", languages=", ".join(catalog.languages()))
    return lang


async def explain_endpoint(request: Request) -> Response:
    try:
        data = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested too deeply: not for us
        raise ApiError(400, "not_json") from None
    if not isinstance(data, dict):
        raise ApiError(400, "not_object")
    requested = data.get("lang")
    # errors about the rest of the body are answered in the body's language when it has one
    answer = language.supported(requested) if isinstance(requested, str) else None
    text = data.get("text")
    if text is None:
        raise ApiError(400, "missing_text", lang=answer)
    if not isinstance(text, str):
        raise ApiError(422, "text_not_string", lang=answer)
    if not text.strip():
        raise ApiError(400, "empty_text", lang=answer)
    lang = _lang(requested)
    diagnosis = await explain_text(text, lang, request.app.state.worker)
    return json_response(diagnosis.to_dict())


async def bounce_endpoint(request: Request) -> Response:
    lang = _lang(request.query_params.get("lang"))
    if is_multipart(request):
        upload = (await read_form(request)).file("file")
        if upload is None:
            raise ApiError(400, "no_file")
        data = upload[1]
    else:
        data = await request.body()
    if not data.strip():
        raise ApiError(400, "empty_body")
    report = await request.app.state.worker.run(decode_bounce, data, lang)
    return json_response([row.result.to_dict() for row in report.rows])


async def code_endpoint(request: Request) -> Response:
    code = request.path_params["code"]
    lang = _lang(request.query_params.get("lang"))
    try:
        info = lookup(code, lang)
    except ValueError:
        raise ApiError(422, "not_a_code", code=repr(code[:40])) from None
    if not info.known:
        raise ApiError(404, "unknown_code", code=info.code)
    return json_response(info.to_dict())


async def reasons_endpoint(request: Request) -> Response:
    return json_response(describe_reasons(_lang(request.query_params.get("lang"))))


async def check_endpoint(request: Request) -> Response:
    from smtp_explain.web.checking import CheckRefused, web_check

    lang = _lang(request.query_params.get("lang"))
    target = request.query_params.get("target", "")
    if not target.strip():
        raise ApiError(400, "check_missing_target", lang=lang)
    try:
        report = await web_check(request, target, lang)
    except CheckRefused as exc:
        headers = {"retry-after": "60"} if exc.status == 429 else None
        return error_response(exc.status, error_text(lang, exc.key, **exc.values), headers)
    return json_response(report.to_dict(), headers={"cache-control": "no-store"})


async def openapi_endpoint(request: Request) -> Response:
    lang = language.choose(request)
    return json_response(openapi.document(request.app.state.max_upload, lang),
                         headers={"content-language": lang, "vary": "Accept-Language"})


routes = [
    Route("/api/explain", explain_endpoint, methods=["POST"]),
    Route("/api/bounce", bounce_endpoint, methods=["POST"]),
    Route("/api/codes/{code}", code_endpoint, methods=["GET"]),
    Route("/api/reasons", reasons_endpoint, methods=["GET"]),
    Route("/api/check", check_endpoint, methods=["GET"]),
    Route("/openapi.json", openapi_endpoint, methods=["GET"]),
]
