"""Real log excerpts (tests/samples/logs, sources and licences in its README)."""

from __future__ import annotations

from pathlib import Path

import pytest

from smtp_explain.explanation import explain
from smtp_explain.logs import LogEvent, Unparsed, events_from_lines

SAMPLES = Path(__file__).parent / "samples" / "logs"

# file -> the outcomes in it: (status, recipient, reason when the reply leaves no doubt)
EXPECTED: dict[str, list[tuple[str, str, str | None]]] = {
    "exim-testsuite-0230.log": [("sent", "x@test.ex", "delivered")] * 5,
    "exim-testsuite-0099.log": [("deferred", "userx@simple", None)] * 3
    + [("deferred", "usery@complex", None), ("deferred", "userx@nonexist", None)],
    "exim-hestiacp-3381.log": [("deferred", "zeus@zeusteam.dev", "networkerror")],
    "postfix-mailu-1614.log": [("bounced", "doesnotexist@example.com", "userunknown")],
    "postfix-mailu-1458.log": [
        ("deferred", "guillensix@yahoo.com.mx", None),
        ("deferred", "jose.rocha.gonzalez@correo.cjf.gob.mx", None),
        ("deferred", "guillermina.alcibar.sanchez@correo.cjf.gob.mx", None),
        ("deferred", "jguerrero@correo.cjf.gob.mx", None)],
    "postfix-dms-762.log": [("deferred", "receiver@mail.se", None)],
    "postfix-dms-870.log": [("rejected", "my@address.snip", "blocked")],
    "postfix-spamhaus-dqs-53.log": [("rejected", "xxxxx@xxxxx.xxx", "blocked")],
    "postfix-crowdsec-1238.log": [],
    "postfix-chatmail-919.log": [("deferred", "0n722gz3q@nine.testrun.org", None),
                                 ("deferred", "vtw2m21on@staging1.pool.testrun.org", None)],
}


def _read(name: str) -> tuple[list[LogEvent], Unparsed]:
    unparsed = Unparsed()
    lines = (SAMPLES / name).read_text().splitlines()
    return list(events_from_lines(lines, unparsed=unparsed, year=2024)), unparsed


def test_every_sample_is_listed_with_its_source() -> None:
    names = sorted(p.name for p in SAMPLES.glob("*.log"))
    assert names == sorted(EXPECTED)
    readme = (SAMPLES / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in names)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_outcomes(name: str) -> None:
    events, unparsed = _read(name)
    assert unparsed.count == 0
    assert [(e.status, e.recipient) for e in events] == [(s, r) for s, r, _ in EXPECTED[name]]
    for event, (_, _, reason) in zip(events, EXPECTED[name], strict=True):
        if reason is not None:
            assert event.reason == reason
        if event.diagnostic and explain(event.diagnostic).reason != "undefined":
            assert event.reason == explain(event.diagnostic).reason
        assert event.time is not None


def test_samples_carry_the_context_of_their_queue_id() -> None:
    [bounce], _ = _read("postfix-mailu-1614.log")
    assert bounce.sender == "user@example.com"
    assert bounce.message_id == "00b7479e-5c0c-985f-1076-e6b833f9d66d@example.com"
    assert bounce.time == "2024-09-07T13:35:41" and bounce.status_code == "5.1.1"
    events, _ = _read("exim-testsuite-0230.log")
    assert events[-1].relay == "127.0.0.1[127.0.0.1]"
    assert len(events[0].queue_id or "") == 23  # Exim 4.97+ id
