"""The language of the command line itself: help, usage and argparse's own messages.

argparse prints help and usage errors while it parses, before ``args.lang``
exists, so the language is found early from the raw arguments and the
environment (:func:`early_language`). argparse looks its messages up through
its module globals ``_`` and ``ngettext`` at call time; :func:`argparse_speaks`
points them at the ``[argparse]`` table of ``texts/<lang>/cli.toml`` for the
duration of a ``with`` block and always puts the originals back. Patching module
globals is process-wide: meant for the command line, not for threads.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from smtp_explain import catalog

LANG_OPTION = "--lang"
SHORTEST_LANG_PREFIX = 3  # argparse accepts unambiguous prefixes: --l, --la, --lan


def _is_lang_option(name: str) -> bool:
    return len(name) >= SHORTEST_LANG_PREFIX and LANG_OPTION.startswith(name)


def requested_language(argv: Sequence[str]) -> str | None:
    """The value of the last ``--lang X`` / ``--lang=X`` before ``--``, if any."""
    requested = None
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            break
        name, equals, value = arg.partition("=")
        if _is_lang_option(name):
            if equals:
                requested = value
            elif index + 1 < len(argv):
                index += 1
                requested = argv[index]
        index += 1
    return requested


def early_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language to speak in while parsing ``argv``.

    A ``--lang`` naming an available language (argparse's choices) wins;
    otherwise (no ``--lang``, or one argparse is about to reject)
    LC_ALL/LC_MESSAGES/LANG decide, as in :func:`catalog.pick_language`.
    """
    requested = requested_language(argv)
    if requested not in catalog.languages():
        requested = None
    return catalog.pick_language(requested, dict(environ))


def translators(lang: str) -> tuple[Callable[[str], str], Callable[[str, str, int], str]]:
    """``gettext``/``ngettext`` look-alikes reading the ``[argparse]`` table of ``lang``.

    A message the table lacks stays as argparse wrote it (English).
    """
    table: Mapping[str, str] = catalog.texts(lang, "cli").get("argparse", {})

    def gettext(message: str) -> str:
        return table.get(message, message)

    def ngettext(singular: str, plural: str, count: int) -> str:
        return gettext(singular if count == 1 else plural)

    return gettext, ngettext


@contextmanager
def argparse_speaks(lang: str) -> Iterator[None]:
    """While the block runs, argparse's own messages are in ``lang``."""
    gettext, ngettext = translators(lang)
    module = vars(argparse)
    saved = module["_"], module["ngettext"]
    module["_"], module["ngettext"] = gettext, ngettext
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved
