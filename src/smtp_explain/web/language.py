"""Which language a request is answered in, and the web labels of each language."""

from __future__ import annotations

from functools import lru_cache

from starlette.requests import Request

from smtp_explain import catalog


def supported(value: str | None) -> str | None:
    """The language a tag like 'tr', 'tr-TR' or 'en_GB' names, if smtp-explain has it."""
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in catalog.languages() else None


@lru_cache(maxsize=256)
def from_accept_language(header: str) -> str:
    """The best available language of an Accept-Language header, else the default."""
    choices: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")[:32]):
        tag, _, params = item.partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        lang = supported(tag)
        if lang and quality > 0:
            choices.append((-quality, position, lang))
    return min(choices)[2] if choices else catalog.DEFAULT_LANG


def choose(request: Request) -> str:
    """?lang= when it names a language we have, else the browser's preference."""
    return supported(request.query_params.get("lang")) or from_accept_language(
        request.headers.get("accept-language", "")
    )


def labels(lang: str) -> dict[str, str]:
    """The web labels (knowledge/texts/<lang>/web.toml) of one language."""
    return catalog.texts(lang, "web")["labels"]
