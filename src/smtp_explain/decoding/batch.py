"""Decode many mails, in this process or in worker processes, in stable order."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from smtp_explain.classify import get_classifier
from smtp_explain.decoding.bounce import decode_item
from smtp_explain.model import BounceResult
from smtp_explain.read.sources import Item, ReadProblem

CHUNK = 64


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one input item gave: results, or a problem to warn about."""

    origin: str
    index: int = 0
    results: tuple[BounceResult, ...] = ()
    problem: str = ""


_worker_state: dict[str, object] = {}


def _init_worker(lang: str, rule_files: tuple[str, ...]) -> None:
    _worker_state["lang"] = lang
    _worker_state["classifier"] = get_classifier(rule_files)


def _decode_chunk(chunk: list[Item]) -> list[Outcome]:
    lang = str(_worker_state["lang"])
    classifier = _worker_state["classifier"]
    return [_decode_one(origin, index, data, lang, classifier) for origin, index, data in chunk]


def _decode_one(origin: str, index: int, data: bytes | ReadProblem, lang: str,
                classifier: object) -> Outcome:
    if isinstance(data, ReadProblem):
        return Outcome(origin, index, problem=data.message)
    problems: list[str] = []
    results = decode_item(origin, data, lang, classifier,  # type: ignore[arg-type]
                          lambda _origin, message: problems.append(message), index)
    return Outcome(origin, index, tuple(results), problems[0] if problems else "")


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
        jobs: int = 1) -> Iterator[Outcome]:
    """Decode every item; outcomes come back in input order whatever ``jobs`` is."""
    if jobs <= 1:
        classifier = get_classifier(rule_files)
        for origin, index, data in items:
            yield _decode_one(origin, index, data, lang, classifier)
        return
    jobs = min(jobs, os.cpu_count() or 1, 32)
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(lang, rule_files)) as pool:
        pending: deque[Future[list[Outcome]]] = deque()
        for chunk in _chunks(items):
            pending.append(pool.submit(_decode_chunk, chunk))
            while len(pending) > jobs * 4:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
