"""Generated logs of every format against their ground truth (tests/loggen.py)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime

import pytest

import loggen
from smtp_explain import catalog
from smtp_explain.logs import (
    EVENT_FIELDS,
    STATUSES,
    LogEvent,
    Unparsed,
    events_from_lines,
    queue_key,
)

REASONS = set(catalog.facts("reasons")["reasons"])

LOGS = {
    "postfix-classic": ("postfix", lambda: loggen.postfix_log(11, 400, "classic")),
    "postfix-rfc3339": ("postfix", lambda: loggen.postfix_log(12, 400, "rfc3339")),
    "postfix-mixed": ("postfix", lambda: loggen.postfix_log(13, 400, "mixed")),
    "exim-old": ("exim", lambda: loggen.exim_log(21, 400, "old")),
    "exim-new": ("exim", lambda: loggen.exim_log(22, 400, "new")),
    "exim-mixed": ("exim", lambda: loggen.exim_log(23, 400, "mixed")),
    "sendmail": ("sendmail", lambda: loggen.sendmail_log(31, 300)),
    "exchange": ("exchange", lambda: loggen.exchange_log(41, 300)),
    "o365": ("o365", lambda: loggen.o365_log(51, 300)),
}


def _read(lines: list[str], fmt: str = "auto") -> tuple[list[LogEvent], Unparsed]:
    kept: list[str] = []
    unparsed = Unparsed(kept.append)
    return list(events_from_lines(lines, fmt, unparsed=unparsed, year=loggen.YEAR)), unparsed


def _key(event: LogEvent | loggen.Expect) -> tuple[str | None, str | None, str, str]:
    return (event.queue_id, event.recipient, event.status, event.reason)


@pytest.fixture(scope="module", params=sorted(LOGS))
def generated(request: pytest.FixtureRequest) -> tuple[str, str, loggen.Log]:
    fmt, make = LOGS[request.param]
    return request.param, fmt, make()


def test_events_match_the_truth(generated: tuple[str, str, loggen.Log]) -> None:
    name, _, log = generated
    events, unparsed = _read(log.text().splitlines())
    want = Counter(_key(e) for _, e in log.truth)
    got = Counter(_key(e) for e in events)
    assert len(log.truth) > 100
    assert got - want == Counter(), f"{name}: events the truth does not hold"
    assert want - got == Counter(), f"{name}: events missing"
    assert unparsed.count == 0


def test_every_event_keeps_the_contract(generated: tuple[str, str, loggen.Log]) -> None:
    _, _, log = generated
    events, _ = _read(log.text().splitlines())
    for event in events:
        row = event.to_dict()
        assert tuple(row) == EVENT_FIELDS
        assert row["status"] in STATUSES
        assert row["reason"] in REASONS
        assert row["time"] is not None
        datetime.fromisoformat(row["time"])
        assert row["hard_bounce"] in (True, False, None)


def test_explicit_format_gives_the_same_events(generated: tuple[str, str, loggen.Log]) -> None:
    _, fmt, log = generated
    lines = log.text().splitlines()
    assert _read(lines, fmt)[0] == _read(lines)[0]


def test_groups_of_whole_queue_ids_give_the_same_events(
        generated: tuple[str, str, loggen.Log]) -> None:
    """How Spark calls it: lines grouped by queue_key (in log order within a group).
    A CSV row whose quoted field holds a line break is one line here (log.lines)."""
    _, fmt, log = generated
    lines = log.lines
    header = [line for line in lines[:2] if line.startswith("#") or "RecipientAddress" in line]
    groups: dict[str | None, list[str]] = {}
    for line in lines:
        groups.setdefault(queue_key(line, fmt), []).append(line)
    if fmt == "exchange":
        header = lines[:5]
    parts: list[LogEvent] = []
    for group in groups.values():
        parts += _read(header + group, fmt)[0]
    assert Counter(map(_key, parts)) == Counter(map(_key, _read(lines, fmt)[0]))


def test_expiry_follows_the_deferrals_it_ends() -> None:
    log = loggen.postfix_log(14, 600, "classic")
    events, _ = _read(log.lines)
    expired = [e for e in events if e.status == "expired"]
    assert expired
    for event in expired:
        earlier = [e for e in events if e.queue_id == event.queue_id
                   and e.recipient == event.recipient and e.status == "deferred"]
        assert earlier, "an expiry comes on top of the deferrals before it"
        assert event.diagnostic == earlier[-1].diagnostic
        assert event.attempt == earlier[-1].attempt


def test_bounce_notice_is_its_own_event() -> None:
    log = loggen.postfix_log(15, 400, "classic")
    events, _ = _read(log.lines)
    notices = {line.rsplit(" ", 1)[1] for line in log.lines if "sender non-delivery notification" in line}
    assert notices
    delivered = {e.queue_id: e for e in events if e.queue_id in notices}
    assert set(delivered) == notices
    assert all(e.status == "sent" and e.sender == "" for e in delivered.values())


def test_postfix_variants_are_covered() -> None:
    log = loggen.postfix_log(16, 400, "mixed")
    events, _ = _read(log.lines)
    ids = {e.queue_id for e in events if e.queue_id}
    assert any(len(i) > 12 and not i.isupper() for i in ids), "long queue ids"
    assert any(len(i) == 10 and i.isupper() for i in ids), "short hex ids"
    assert any("postfix/submission/smtpd" in line for line in log.lines)
    rejected_after_accept = [e for e in events if e.status == "rejected" and e.queue_id
                             and any(o.queue_id == e.queue_id and o.status == "sent" for o in events)]
    assert rejected_after_accept, "reject: RCPT after an accepted recipient"
    times = [e.time for e in events if e.time]
    assert any("+00:00" in t for t in times) and any(len(t) == 19 for t in times)


def test_exim_variants_are_covered() -> None:
    log = loggen.exim_log(24, 400, "mixed")
    events, _ = _read(log.lines)
    assert any(len(e.queue_id or "") == 23 for e in events), "4.97+ ids (6-11-4)"
    assert any(len(e.queue_id or "") == 16 for e in events), "old ids (6-6-2)"
    assert any("\n" in (e.diagnostic or "") for e in events), "literal \\n joined replies"
    assert any(" [" in line and ".000 +0000" not in line and " +0000 [" in line for line in log.lines)


def _window_truth(log: loggen.Log, start: int, end: int) -> Counter[tuple[str | None, str | None, str]]:
    """What a reader of lines[start:end] must give: every event whose line is in the
    window; an expiry keeps the recipients whose deferrals it saw, else one event
    with an unknown recipient per queue id."""
    want: Counter[tuple[str | None, str | None, str]] = Counter()
    blind: set[str | None] = set()
    for number, expect in log.truth:
        if not start <= number < end:
            continue
        if expect.status == "expired" and expect.deferrals:
            if any(start <= n < end for n in expect.deferrals):
                want[(expect.queue_id, expect.recipient, "expired")] += 1
            else:
                blind.add(expect.queue_id)
            continue
        want[(expect.queue_id, expect.recipient, expect.status)] += 1
    for queue_id in blind:
        if not any(k[0] == queue_id and k[2] == "expired" for k in want):
            want[(queue_id, None, "expired")] += 1
    return want


@pytest.mark.parametrize("make", [lambda: loggen.postfix_log(17, 500, "classic"),
                                  lambda: loggen.exim_log(25, 500, "new")])
def test_window_edges(make: object) -> None:
    log = make()  # type: ignore[operator]
    start, end = len(log.lines) // 3, len(log.lines) * 4 // 5
    events, unparsed = _read(log.lines[start:end])
    got = Counter((e.queue_id, e.recipient, e.status) for e in events)
    assert got == _window_truth(log, start, end)
    assert unparsed.count == 0


def test_truncated_and_garbage_input_never_breaks_a_batch() -> None:
    log = loggen.postfix_log(18, 300, "classic")
    rng = random.Random(5)
    lines = list(log.lines)
    cut = [n for n, line in enumerate(lines) if ", status=" in line][::7]
    for n in cut:  # cut before the status: unreadable, counted
        lines[n] = lines[n][:lines[n].index(", status=") - rng.randint(1, 20)]
    garbage = bytes(rng.randrange(256) for _ in range(20000)).decode("latin-1")
    mixed = lines[:100] + garbage.split("\n") + lines[100:]
    events, unparsed = _read(mixed)
    assert unparsed.count == len(cut)
    want = Counter(_key(e) for n, e in log.truth if n not in cut and e.status != "expired")
    got = Counter(_key(e) for e in events if e.status != "expired")
    assert got == want
