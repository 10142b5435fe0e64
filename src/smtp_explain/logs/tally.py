"""The numbers of a log's events: what the terminal summary and the HTML report show.

Bounded: every table holds at most MAX_KEYS keys (later keys are counted
under OTHER). Tallies of disjoint sets of queue ids merge (``--jobs``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from smtp_explain.logs.clock import instant
from smtp_explain.logs.event import LogEvent

MAX_KEYS = 50_000
MAX_PENDING = 200_000
MAX_HOURS = 24 * 92
OTHER = "…"
FINAL = frozenset(("sent", "bounced", "expired", "rejected", "discarded"))
CHARTED = ("sent", "deferred", "bounced")
AGE_BUCKETS = (("under_1h", 3600), ("under_4h", 4 * 3600), ("under_1d", 86400),
               ("under_2d", 2 * 86400), ("under_5d", 5 * 86400), ("over_5d", None))


def _bump(counter: Counter[str], key: str, by: int = 1) -> None:
    if key in counter or len(counter) < MAX_KEYS:
        counter[key] += by
    else:
        counter[OTHER] += by


def domain_of(address: str | None) -> str:
    if not address or "@" not in address:
        return OTHER
    return address.rpartition("@")[2].lower().rstrip(".>") or OTHER


def host_of(relay: str | None) -> str | None:
    """"mx.example.net[192.0.2.1]:25" -> "mx.example.net[192.0.2.1]"."""
    if not relay:
        return None
    close = relay.rfind("]")
    return relay[:close + 1] if close > 0 else relay


@dataclass
class Pending:
    since: str | None
    domain: str
    reason: str


@dataclass
class Tally:
    events: int = 0
    status: Counter[str] = field(default_factory=Counter)
    reason: Counter[str] = field(default_factory=Counter)
    bounce_domains: Counter[str] = field(default_factory=Counter)
    bounce_domains_hard: Counter[str] = field(default_factory=Counter)
    remote: Counter[str] = field(default_factory=Counter)
    remote_reasons: dict[str, Counter[str]] = field(default_factory=dict)
    remote_samples: dict[str, str] = field(default_factory=dict)  # "host\0reason" -> reply
    hourly: Counter[str] = field(default_factory=Counter)  # "YYYY-MM-DDTHH\0status"
    bouncing: Counter[str] = field(default_factory=Counter)
    bouncing_hard: Counter[str] = field(default_factory=Counter)
    pending: dict[str, Pending] = field(default_factory=dict)  # "qid\0recipient"
    first: datetime | None = None
    last: datetime | None = None
    unparsed: int = 0

    def add(self, event: LogEvent) -> None:
        self.events += 1
        status = event.status
        self.status[status] += 1
        _bump(self.reason, event.reason)
        when = instant(event.time) if event.time else None
        if when is not None:
            if self.first is None or when < self.first:
                self.first = when
            if self.last is None or when > self.last:
                self.last = when
            if status in CHARTED:
                hour = when.astimezone(UTC).strftime("%Y-%m-%dT%H")
                _bump(self.hourly, f"{hour}\0{status}")
        if status == "bounced":
            domain = domain_of(event.recipient)
            _bump(self.bounce_domains, domain)
            _bump(self.bouncing, event.recipient or OTHER)
            if event.hard_bounce:
                _bump(self.bounce_domains_hard, domain)
                _bump(self.bouncing_hard, event.recipient or OTHER)
        host = host_of(event.relay)
        if host and status in ("bounced", "deferred", "expired"):
            _bump(self.remote, host)
            reasons = self.remote_reasons.get(host)
            if reasons is None and len(self.remote_reasons) < MAX_KEYS:
                reasons = self.remote_reasons[host] = Counter()
            if reasons is not None:
                reasons[event.reason] += 1
                sample = f"{host}\0{event.reason}"
                if sample not in self.remote_samples and event.diagnostic:
                    self.remote_samples[sample] = event.diagnostic[:500]
        key = f"{event.queue_id}\0{event.recipient}"
        if status == "deferred":
            known = self.pending.get(key)
            if known is not None:
                known.reason = event.reason
            elif len(self.pending) < MAX_PENDING:
                self.pending[key] = Pending(event.time, domain_of(event.recipient), event.reason)
        elif status in FINAL:
            self.pending.pop(key, None)

    def merge(self, other: Tally) -> None:
        self.events += other.events
        self.unparsed += other.unparsed
        for mine, theirs in ((self.status, other.status), (self.reason, other.reason),
                             (self.bounce_domains, other.bounce_domains),
                             (self.bounce_domains_hard, other.bounce_domains_hard),
                             (self.remote, other.remote), (self.hourly, other.hourly),
                             (self.bouncing, other.bouncing),
                             (self.bouncing_hard, other.bouncing_hard)):
            for key, count in theirs.items():
                _bump(mine, key, count)
        for host, reasons in other.remote_reasons.items():
            self.remote_reasons.setdefault(host, Counter()).update(reasons)
        for sample, text in other.remote_samples.items():
            self.remote_samples.setdefault(sample, text)
        for key, pending in other.pending.items():
            if len(self.pending) < MAX_PENDING:
                self.pending[key] = pending
        if other.first is not None and (self.first is None or other.first < self.first):
            self.first = other.first
        if other.last is not None and (self.last is None or other.last > self.last):
            self.last = other.last

    def deferred_by_age(self) -> Counter[str]:
        ages: Counter[str] = Counter()
        for pending in self.pending.values():
            since = instant(pending.since) if pending.since else None
            if since is None or self.last is None:
                ages["unknown"] += 1
                continue
            seconds = (self.last - since).total_seconds()
            for name, limit in AGE_BUCKETS:
                if limit is None or seconds < limit:
                    ages[name] += 1
                    break
        return ages

    def deferred_by(self, what: str) -> Counter[str]:
        return Counter(getattr(p, what) for p in self.pending.values())

    def hourly_series(self) -> tuple[list[str], dict[str, list[int]]]:
        """Hours (every hour from the first to the last seen, up to MAX_HOURS of them;
        else only the hours seen) and a count per hour per status."""
        seen = sorted({key.split("\0")[0] for key in self.hourly if key != OTHER})
        hours = seen
        if seen:
            first = datetime.strptime(seen[0], "%Y-%m-%dT%H")
            span = int((datetime.strptime(seen[-1], "%Y-%m-%dT%H") - first).total_seconds() // 3600)
            if span < MAX_HOURS:
                hours = [(first + timedelta(hours=n)).strftime("%Y-%m-%dT%H") for n in range(span + 1)]
        series = {status: [self.hourly.get(f"{hour}\0{status}", 0) for hour in hours]
                  for status in CHARTED}
        return hours, series
