"""Decode many mails, in this process or in worker processes, in stable order."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smtp_explain.classify import Classifier, get_classifier
from smtp_explain.decoding.bounce import decode_guarded
from smtp_explain.model import BounceResult, Problem
from smtp_explain.read.sources import Item, Unread, read_item
from smtp_explain.render.as_json import dumps_bytes

if TYPE_CHECKING:
    from concurrent.futures import Future

CHUNK = 64


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one input item gave: results, or a problem to warn about."""

    origin: str
    index: int = 0
    results: tuple[BounceResult, ...] = ()
    problem: Problem | None = None
    json_lines: bytes = b""  # the results as JSON Lines, when asked for (then results is empty)


_worker_state: dict[str, object] = {}


def _init_worker(lang: str, rule_files: tuple[str, ...], as_json: bool) -> None:
    _worker_state["lang"] = lang
    _worker_state["classifier"] = get_classifier(rule_files)
    _worker_state["as_json"] = as_json


def _decode_chunk(chunk: list[Item]) -> list[Outcome]:
    lang = str(_worker_state["lang"])
    classifier: Classifier = _worker_state["classifier"]  # type: ignore[assignment]
    as_json = bool(_worker_state["as_json"])
    return [_decode_one(origin, index, data, lang, classifier, as_json)
            for item in chunk for origin, index, data in read_item(item)]


def _decode_one(origin: str, index: int, data: bytes | Problem | Unread, lang: str,
                classifier: Classifier, as_json: bool) -> Outcome:
    if isinstance(data, Problem):
        return Outcome(origin, index, problem=data)
    if isinstance(data, Unread):
        raise TypeError("an unread item goes through read_item first")
    try:
        results, problem = decode_guarded(origin, data, lang, classifier, index)
        if as_json:  # rendered where decoded: bytes cross process boundaries cheaply
            lines = b"".join(dumps_bytes(r.to_dict()) + b"\n" for r in results)
            return Outcome(origin, index, problem=problem, json_lines=lines)
        return Outcome(origin, index, tuple(results), problem)
    except Exception as exc:  # the last guard (output included): one mail, never the batch
        return Outcome(origin, index, problem=Problem("problem_undecodable", type(exc).__name__))


def _chunks(items: Iterable[Item]) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run(items: Iterable[Item], lang: str, rule_files: tuple[str, ...] = (),
        jobs: int = 1, *, as_json: bool = False) -> Iterator[Outcome]:
    """Decode every item; outcomes come back in input order whatever ``jobs`` is.

    With ``as_json`` each outcome carries its results as JSON Lines bytes.
    """
    if jobs <= 1:
        classifier = get_classifier(rule_files)
        for item in items:
            for origin, index, data in read_item(item):
                yield _decode_one(origin, index, data, lang, classifier, as_json)
        return
    # Imported here: the pool machinery costs ~20 ms of start-up that one process never needs.
    from concurrent.futures import ProcessPoolExecutor

    jobs = min(jobs, os.cpu_count() or 1, 32)
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(lang, rule_files, as_json)) as pool:
        pending: deque[Future[list[Outcome]]] = deque()
        for chunk in _chunks(items):
            pending.append(pool.submit(_decode_chunk, chunk))
            while len(pending) > jobs * 4:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
