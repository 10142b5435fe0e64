"""The log formats smtp-explain reads, each one module behind :class:`LogFormat`."""

from __future__ import annotations

from smtp_explain.logs.formats.base import LogFormat, Reader, ReadOptions
from smtp_explain.logs.formats.exchange import Exchange
from smtp_explain.logs.formats.exim import Exim
from smtp_explain.logs.formats.o365 import O365
from smtp_explain.logs.formats.postfix import Postfix
from smtp_explain.logs.formats.sendmail import Sendmail

FORMATS: dict[str, LogFormat] = {
    "postfix": Postfix(),
    "exim": Exim(),
    "sendmail": Sendmail(),
    "exchange": Exchange(),
    "o365": O365(),
}


def get_format(name: str) -> LogFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown log format {name!r} (one of {', '.join(FORMATS)})") from None


__all__ = ["FORMATS", "LogFormat", "ReadOptions", "Reader", "get_format"]
