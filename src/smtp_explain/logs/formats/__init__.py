"""The log formats smtp-explain reads, each one module behind :class:`LogFormat`."""

from __future__ import annotations

from smtp_explain.logs.formats import exchange, exim, o365, postfix, sendmail
from smtp_explain.logs.formats.base import LogFormat, Reader, ReadOptions

FORMATS: dict[str, LogFormat] = {
    module.FORMAT.name: module.FORMAT for module in (postfix, exim, sendmail, exchange, o365)
}


def get_format(name: str) -> LogFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown log format {name!r} (one of {', '.join(FORMATS)})") from None


__all__ = ["FORMATS", "LogFormat", "ReadOptions", "Reader", "get_format"]
