"""The OpenAPI 3.1 description of the JSON API, served at /openapi.json.

Result schemas are read off the library's dataclasses, so they follow the
model when it changes. Summaries and descriptions are the ``[openapi]`` texts of
knowledge/texts/<lang>/api.toml, so the document exists in every language.
Every operation carries an example request and the response the server gives to
it: the examples are computed by the same library calls the API makes, so they
cannot drift from what the server answers.
"""

from __future__ import annotations

import dataclasses
import json
import types
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from smtp_explain import __version__, catalog
from smtp_explain.explanation import describe_reasons, explain, lookup
from smtp_explain.model import BounceResult, CodeInfo, Diagnosis
from smtp_explain.web.findings import decode_bounce

# to_dict() of Diagnosis and CodeInfo publishes reply_class as "class".
RENAMED = {"reply_class": "class"}
SCALARS = {str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}

# The example requests of the documentation.
EXAMPLE_TEXT = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown"
EXAMPLE_CODE = "5.7.26"
EXAMPLE_FILE = "bounce.eml"
EXAMPLE_BOUNCE = (
    "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
    "To: alice@example.com\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "MIME-Version: 1.0\n"
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\n'
    "\n"
    "--b1\n"
    "Content-Type: text/plain\n"
    "\n"
    "Your message could not be delivered to one or more recipients.\n"
    "\n"
    "--b1\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.net\n"
    "\n"
    "Final-Recipient: rfc822; bob@example.org\n"
    "Action: failed\n"
    "Status: 5.2.2\n"
    "Diagnostic-Code: smtp; 552 5.2.2 <bob@example.org>: Mailbox full\n"
    "\n"
    "--b1--\n"
)


def _schema(tp: Any, components: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(tp)
    if tp in SCALARS:
        return {"type": SCALARS[tp]}
    if origin is Literal:
        return {"type": "string", "enum": list(get_args(tp))}
    if origin in (Union, types.UnionType):
        return {"anyOf": [_schema(arg, components) for arg in get_args(tp)]}
    if origin in (tuple, list):
        return {"type": "array", "items": _schema(get_args(tp)[0], components)}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _component(tp, components)
    return {}


def _component(cls: type, components: dict[str, Any]) -> dict[str, Any]:
    name = cls.__name__
    if name not in components:
        components[name] = {}  # placeholder against recursion
        hints = get_type_hints(cls)
        properties = {
            RENAMED.get(f.name, f.name): _schema(hints[f.name], components)
            for f in dataclasses.fields(cls)
        }
        components[name] = {"type": "object", "properties": properties,
                            "required": list(properties)}
        if cls.__doc__:
            components[name]["description"] = " ".join(cls.__doc__.split())
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _lang_parameter(description: str) -> dict[str, Any]:
    return {"name": "lang", "in": "query", "required": False,
            "description": description,
            "schema": {"type": "string", "enum": list(catalog.languages()),
                       "default": catalog.DEFAULT_LANG}}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(texts: dict[str, Any]) -> dict[str, Any]:
    """An operation's summary, and its description when it has one."""
    operation = {"summary": texts["summary"]}
    if "description" in texts:
        operation["description"] = texts["description"]
    return operation


def size_text(size: int) -> str:
    """A byte count for people: ``10 MB``, ``512 KB``, ``900 B`` (binary units)."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{round(size / factor, 1):g} {unit}"
    return f"{size} B"


def example_request(path: str, method: str, operation: dict[str, Any], base_url: str,
                    lang: str) -> str:
    """The example request of an operation as a curl command line."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", str(parameter["example"]))
    examples = [f"{p['name']}={p['schema']['example']}" for p in operation.get("parameters", [])
                if p["in"] == "query" and "example" in p.get("schema", {})]
    query = "" if operation.get("requestBody", {}).get("content", {}).get(
        "application/json") else "?" + "&".join([*examples, f"lang={lang}"])
    words = ["curl -s"]
    for media, content in operation.get("requestBody", {}).get("content", {}).items():
        if "example" not in content:
            continue
        words.append(f"-H 'Content-Type: {media}'")
        if media == "application/json":
            words.append("-d '" + json.dumps(content["example"], ensure_ascii=False) + "'")
        else:
            words.append("--data-binary @" + EXAMPLE_FILE)
        break
    if method != ("post" if len(words) > 1 else "get"):
        words.append(f"-X {method.upper()}")
    words.append(f"'{base_url}{path}{query}'")
    return (" \\\n  " if len(words) > 2 else " ").join(words)


def _with_example(media: dict[str, Any], example: Any) -> dict[str, Any]:
    return {**media, "example": example}


def _example_response(response: dict[str, Any], example: Any) -> dict[str, Any]:
    """A response description with an example body under its JSON media type."""
    content = response["content"]["application/json"]
    return {**response, "content": {"application/json": _with_example(content, example)}}


@cache
def document(max_upload: int, lang: str) -> dict[str, Any]:
    """The OpenAPI document with its texts in ``lang``."""
    t = catalog.texts(lang, "api")["openapi"]
    explain_t, bounce_t, codes_t, reasons_t = t["explain"], t["bounce"], t["codes"], t["reasons"]
    components: dict[str, Any] = {
        "Error": {"type": "object", "properties": {"error": {"type": "string"}},
                  "required": ["error"]},
    }
    diagnosis = _component(Diagnosis, components)
    bounce = _component(BounceResult, components)
    code = _component(CodeInfo, components)
    steps = {"type": "object", "properties": {
        "sender": {"type": "array", "items": {"type": "string"}},
        "admin": {"type": "array", "items": {"type": "string"}},
    }}
    components["Reason"] = {"type": "object", "properties": {
        "reason": {"type": "string"},
        "bounce": {"type": "string", "enum": ["hard", "soft", "none"]},
        "who": {"type": "string"},
        "retry": {"type": "string"},
        "summary": {"type": "string"},
        "explanation": {"type": "string"},
        "next_steps": steps,
        "lang": {"type": "string"},
    }}
    components["CheckReport"] = {"type": "object", "required": ["target", "kind", "checks", "lang"],
                                 "properties": {
        "target": {"type": "string"},
        "kind": {"type": "string", "enum": ["ip", "domain", "smtp"]},
        "checks": {"type": "array", "items": {"type": "object", "required": [
            "id", "status", "summary", "explanation", "fix", "evidence"], "properties": {
            "id": {"type": "string"},
            "status": {"type": "string", "enum": ["pass", "warn", "fail", "skip", "error"]},
            "summary": {"type": "string"},
            "explanation": {"type": ["string", "null"]},
            "fix": {"type": ["string", "null"]},
            "evidence": {"type": "array", "items": {"type": "string"}},
        }}},
        "lang": {"type": "string"},
    }}
    too_large = _error(t["too_large"].format(limit=size_text(max_upload)))
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "smtp-explain",
            "version": __version__,
            "description": t["info"],
        },
        "paths": {
            "/api/explain": {"post": {
                **_operation(explain_t),
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["text"], "properties": {
                        "text": {"type": "string", "minLength": 1},
                        "lang": _lang_parameter(t["lang_parameter"])["schema"],
                    }}, "example": {"text": EXAMPLE_TEXT, "lang": lang}}}},
                "responses": {
                    "200": _example_response(_json(diagnosis, explain_t["responses"]["200"]),
                                             explain(EXAMPLE_TEXT, lang).to_dict()),
                    "400": _error(explain_t["responses"]["400"]),
                    "413": too_large,
                    "422": _error(explain_t["responses"]["422"]),
                    "503": _error(explain_t["responses"]["503"]),
                },
            }},
            "/api/bounce": {"post": {
                **_operation(bounce_t),
                "parameters": [_lang_parameter(t["lang_parameter"])],
                "requestBody": {"required": True, "content": {
                    "message/rfc822": _with_example(binary, EXAMPLE_BOUNCE),
                    "application/mbox": binary,
                    "application/octet-stream": binary,
                    "multipart/form-data": {"schema": {"type": "object", "properties": {
                        "file": {"type": "string", "format": "binary"}}}},
                }},
                "responses": {
                    "200": _example_response(
                        _json({"type": "array", "items": bounce}, bounce_t["responses"]["200"]),
                        [row.result.to_dict()
                         for row in decode_bounce(EXAMPLE_BOUNCE.encode(), lang).rows]),
                    "400": _error(bounce_t["responses"]["400"]),
                    "413": too_large,
                    "422": _error(bounce_t["responses"]["422"]),
                    "503": _error(bounce_t["responses"]["503"]),
                },
            }},
            "/api/codes/{code}": {"get": {
                **_operation(codes_t),
                "parameters": [
                    {"name": "code", "in": "path", "required": True,
                     "schema": {"type": "string"}, "example": EXAMPLE_CODE},
                    _lang_parameter(t["lang_parameter"]),
                ],
                "responses": {
                    "200": _example_response(_json(code, codes_t["responses"]["200"]),
                                             lookup(EXAMPLE_CODE, lang).to_dict()),
                    "404": _error(codes_t["responses"]["404"]),
                    "422": _error(codes_t["responses"]["422"]),
                },
            }},
            "/api/check": {"get": {
                **_operation(t["check"]),
                "parameters": [
                    {"name": "target", "in": "query", "required": True,
                     "description": t["check"]["target"],
                     "schema": {"type": "string", "example": "example.com"}},
                    _lang_parameter(t["lang_parameter"]),
                ],
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/CheckReport"},
                                 t["check"]["responses"]["200"]),
                    "400": _error(t["check"]["responses"]["400"]),
                    "422": _error(t["check"]["responses"]["422"]),
                    "429": _error(t["check"]["responses"]["429"]),
                },
            }},
            "/api/reasons": {"get": {
                **_operation(reasons_t),
                "parameters": [_lang_parameter(t["lang_parameter"])],
                "responses": {
                    # the example shows the first of the reasons
                    "200": _example_response(
                        _json({"type": "array", "items": {"$ref": "#/components/schemas/Reason"}},
                              reasons_t["responses"]["200"]),
                        describe_reasons(lang)[:1]) | {"x-example-shortened": True},
                    "422": _error(reasons_t["responses"]["422"]),
                },
            }},
        },
        "components": {"schemas": components},
    }
