"""Reading submitted forms in memory.

Uploads are never spooled to disk (Starlette's own form parser moves files
above 1 MB to a temporary file): a bounce is read, decoded and forgotten. The
body size is already capped by :class:`~smtp_explain.web.limits.BodyLimit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

MAX_PARTS = 16


class FormError(ValueError):
    """The form could not be read (not multipart, broken, too many parts).

    ``key`` names the message in knowledge/texts/<lang>/api.toml ``[errors]``.
    """

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(slots=True)
class Part:
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)
    _header: bytearray = field(default_factory=bytearray)
    _value: bytearray = field(default_factory=bytearray)


@dataclass(frozen=True, slots=True)
class Form:
    fields: dict[str, str]
    files: dict[str, tuple[str, bytes]]

    def text(self, name: str) -> str:
        return self.fields.get(name, "")

    def file(self, name: str) -> tuple[str, bytes] | None:
        found = self.files.get(name)
        return found if found and found[1] else None


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


async def read_form(request: Request) -> Form:
    """A multipart or urlencoded form, read fully into memory."""
    if not is_multipart(request):
        body = (await request.body()).decode("utf-8", "replace")
        try:
            pairs = parse_qsl(body, keep_blank_values=True, max_num_fields=MAX_PARTS)
        except ValueError:
            raise FormError("too_many_fields") from None
        return Form(dict(pairs), {})
    _, params = parse_options_header(request.headers["content-type"])
    boundary = params.get(b"boundary")
    if not boundary:
        raise FormError("no_boundary")
    parts: list[Part] = []

    def begin() -> None:
        if len(parts) >= MAX_PARTS:
            raise FormError("too_many_parts")
        parts.append(Part())

    def header_field(data: bytes, start: int, end: int) -> None:
        parts[-1]._header += data[start:end]

    def header_value(data: bytes, start: int, end: int) -> None:
        parts[-1]._value += data[start:end]

    def header_end() -> None:
        part = parts[-1]
        if bytes(part._header).lower() == b"content-disposition":
            _, options = parse_options_header(bytes(part._value))
            part.name = options.get(b"name", b"").decode("utf-8", "replace")
            filename = options.get(b"filename")
            part.filename = None if filename is None else filename.decode("utf-8", "replace")
        part._header.clear()
        part._value.clear()

    def data(chunk: bytes, start: int, end: int) -> None:
        parts[-1].data += chunk[start:end]

    parser = MultipartParser(boundary, {
        "on_part_begin": begin,
        "on_header_field": header_field,
        "on_header_value": header_value,
        "on_header_end": header_end,
        "on_part_data": data,
    })
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:
        raise FormError("malformed_form") from exc
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in parts:
        if part.filename is not None:
            files.setdefault(part.name, (part.filename, bytes(part.data)))
        else:
            fields.setdefault(part.name, part.data.decode("utf-8", "replace"))
    return Form(fields, files)
