"""The OpenAPI 3.1 description of the JSON API, served at /openapi.json.

Result schemas are read off the library's dataclasses, so they follow the
model when it changes.
"""

from __future__ import annotations

import dataclasses
import types
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from smtp_explain import __version__, catalog
from smtp_explain.model import BounceResult, CodeInfo, Diagnosis

# to_dict() of Diagnosis and CodeInfo publishes reply_class as "class".
RENAMED = {"reply_class": "class"}
SCALARS = {str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}


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
    if dataclasses.is_dataclass(tp):
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


def _lang_parameter() -> dict[str, Any]:
    return {"name": "lang", "in": "query", "required": False,
            "description": "language of the texts",
            "schema": {"type": "string", "enum": list(catalog.languages()),
                       "default": catalog.DEFAULT_LANG}}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


@cache
def document(max_upload: int) -> dict[str, Any]:
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
    too_large = _error(f"the body is larger than {max_upload} bytes")
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "smtp-explain",
            "version": __version__,
            "description": "Explains SMTP errors and bounce mails in English and Turkish. "
                           "Nothing submitted is stored.",
        },
        "paths": {
            "/api/explain": {"post": {
                "summary": "Explain an SMTP error text",
                "description": "A reply, an MTA log line or the text of an error box.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["text"], "properties": {
                        "text": {"type": "string", "minLength": 1,
                                 "example": "550 5.1.1 <bob@example.com>: User unknown"},
                        "lang": _lang_parameter()["schema"],
                    }}}}},
                "responses": {
                    "200": _json(diagnosis, "the explanation"),
                    "400": _error("the body is not JSON, or text is missing or empty"),
                    "413": too_large,
                    "422": _error("text is not a string, or lang is not supported"),
                    "503": _error("the server is busy or the text took too long"),
                },
            }},
            "/api/bounce": {"post": {
                "summary": "Decode a bounce mail or an mbox",
                "description": "The raw mail (or mbox) as the body, or a multipart/form-data "
                               'upload in the field "file". One result per bounced recipient.',
                "parameters": [_lang_parameter()],
                "requestBody": {"required": True, "content": {
                    "message/rfc822": binary,
                    "application/mbox": binary,
                    "application/octet-stream": binary,
                    "multipart/form-data": {"schema": {"type": "object", "properties": {
                        "file": {"type": "string", "format": "binary"}}}},
                }},
                "responses": {
                    "200": _json({"type": "array", "items": bounce},
                                 "the bounced recipients ([] when the mail is not a bounce)"),
                    "400": _error("the body is empty or the form has no file"),
                    "413": too_large,
                    "422": _error("lang is not supported"),
                    "503": _error("the server is busy or decoding took too long"),
                },
            }},
            "/api/codes/{code}": {"get": {
                "summary": "Look up a reply code (550) or an enhanced status code (5.7.26)",
                "parameters": [
                    {"name": "code", "in": "path", "required": True,
                     "schema": {"type": "string", "example": "5.7.26"}},
                    _lang_parameter(),
                ],
                "responses": {
                    "200": _json(code, "the catalogue entry"),
                    "404": _error("the code is not in the catalogue"),
                    "422": _error("not shaped like a code, or lang is not supported"),
                },
            }},
            "/api/reasons": {"get": {
                "summary": "Every reason smtp-explain can give",
                "parameters": [_lang_parameter()],
                "responses": {
                    "200": _json({"type": "array", "items": {"$ref": "#/components/schemas/Reason"}},
                                 "the reasons, in catalogue order"),
                    "422": _error("lang is not supported"),
                },
            }},
        },
        "components": {"schemas": components},
    }
