"""The JSON API: /api/explain, /api/bounce, /api/codes/{code}, /api/reasons."""

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
    """An error answered as ``{"error": message}`` with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps_bytes(data), status_code=status, media_type=JSON, headers=headers)


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return json_response({"error": message}, status, headers)


def _lang(value: object) -> str:
    if value is None:
        return catalog.DEFAULT_LANG
    lang = language.supported(value) if isinstance(value, str) else None
    if lang is None:
        raise ApiError(422, f"lang must be one of: {', '.join(catalog.languages())}")
    return lang


async def explain_endpoint(request: Request) -> Response:
    try:
        data = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, 'the body is not valid JSON: send {"text": "...", "lang": "en"}') from None
    if not isinstance(data, dict):
        raise ApiError(400, 'the body must be a JSON object: {"text": "...", "lang": "en"}')
    text = data.get("text")
    if text is None:
        raise ApiError(400, 'missing "text": the error message to explain')
    if not isinstance(text, str):
        raise ApiError(422, '"text" must be a string')
    if not text.strip():
        raise ApiError(400, '"text" is empty: give the error message to explain')
    lang = _lang(data.get("lang"))
    diagnosis = await explain_text(text, lang, request.app.state.worker)
    return json_response(diagnosis.to_dict())


async def bounce_endpoint(request: Request) -> Response:
    lang = _lang(request.query_params.get("lang"))
    if is_multipart(request):
        upload = (await read_form(request)).file("file")
        if upload is None:
            raise ApiError(400, 'the multipart form has no (non-empty) "file" field')
        data = upload[1]
    else:
        data = await request.body()
    if not data.strip():
        raise ApiError(400, "the body is empty: send a bounce mail or an mbox")
    report = await request.app.state.worker.run(decode_bounce, data, lang)
    return json_response([row.result.to_dict() for row in report.rows])


async def code_endpoint(request: Request) -> Response:
    code = request.path_params["code"]
    lang = _lang(request.query_params.get("lang"))
    try:
        info = lookup(code, lang)
    except ValueError:
        raise ApiError(
            422, f"{code[:40]!r} is not an SMTP reply code (like 550) or enhanced status code "
            "(like 5.7.26)"
        ) from None
    if not info.known:
        raise ApiError(404, f"{info.code} is not in the catalogue")
    return json_response(info.to_dict())


async def reasons_endpoint(request: Request) -> Response:
    return json_response(describe_reasons(_lang(request.query_params.get("lang"))))


async def openapi_endpoint(request: Request) -> Response:
    return json_response(openapi.document(request.app.state.max_upload))


routes = [
    Route("/api/explain", explain_endpoint, methods=["POST"]),
    Route("/api/bounce", bounce_endpoint, methods=["POST"]),
    Route("/api/codes/{code}", code_endpoint, methods=["GET"]),
    Route("/api/reasons", reasons_endpoint, methods=["GET"]),
    Route("/openapi.json", openapi_endpoint, methods=["GET"]),
]
