"""Load test of POST /api/explain over loopback.

Starts the web server (``python -m smtp_explain.web.server``, the same set-up as
``smtp-explain serve``) on 127.0.0.1 at a free port, drives it with N
concurrent keep-alive clients for a fixed time, stops it and reports requests,
errors and latency percentiles. Each client sends its next request as soon as
the previous answer arrived (a closed loop, like ``wrk -c N``), cycling through
realistic error texts.

    .venv/bin/python benchmarks/web_load.py --seconds 60 --clients 200

Only 127.0.0.1 is ever contacted, and the run is bounded in time: the load
stops after --seconds, every request has its own timeout, and the server is
stopped (killed if need be) before the script exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 10.0
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
T = TypeVar("T")

# Realistic replies; the {n} slot varies addresses and IPs so no two bodies repeat often.
TEXTS = (
    "550 5.1.1 <user{n}@example.com>: Recipient address rejected: User unknown in local "
    "recipient table",
    "554 5.7.1 Service unavailable; Client host [192.0.2.{n}] blocked using zen.spamhaus.org",
    "550 5.7.26 This mail has been blocked because the sender is unauthenticated. gsmtp",
    "452 4.2.2 The email account that you tried to reach is over quota. id{n} - gsmtp",
    "421 4.7.0 [TSS04] Messages from 192.0.2.{n} temporarily deferred due to user complaints",
    "451 4.7.1 Greylisted, please try again in 300 seconds (client 198.51.100.{n})",
    "552 5.3.4 Message size exceeds fixed limit (message {n})",
    "550 5.4.1 Recipient address rejected: Access denied. [AM{n}.eurprd04.prod.outlook.com]",
    "535 5.7.8 Username and Password not accepted. Learn more at support.google.com {n}",
    "Mail delivery failed: mailbox full for user{n}@example.org",
    "530 5.7.0 Must issue a STARTTLS command first (session {n})",
    "553 5.1.8 <sender{n}@nonexistent.invalid>: Sender address rejected: Domain not found",
)


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def request_bytes(count: int) -> list[bytes]:
    out = []
    for n in range(count):
        text = TEXTS[n % len(TEXTS)].format(n=n % 250 + 1)
        body = json.dumps({"text": text, "lang": "tr" if n % 4 == 3 else "en"}).encode()
        head = (
            f"POST /api/explain HTTP/1.1\r\nHost: {HOST}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        out.append(head.encode() + body)
    return out


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def client(port: int, requests: list[bytes], offset: int, deadline: float,
                 stats: Stats) -> None:
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    sent = offset
    clock = time.perf_counter
    while clock() < deadline:
        try:
            if connection is None:
                connection = await asyncio.wait_for(
                    asyncio.open_connection(HOST, port), REQUEST_TIMEOUT
                )
            reader, writer = connection
            started = clock()
            writer.write(requests[sent % len(requests)])
            sent += 1
            status, body = await asyncio.wait_for(read_response(reader), REQUEST_TIMEOUT)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError,
                ValueError):
            stats.errors += 1
            if connection is not None:
                connection[1].close()
            connection = None
            continue
        stats.latencies.append(clock() - started)
        stats.statuses[status] = stats.statuses.get(status, 0) + 1
        if status != 200 or not body.startswith(b"{"):
            stats.errors += 1
    if connection is not None:
        connection[1].close()


async def drive(port: int, clients: int, seconds: float) -> tuple[Stats, float]:
    stats = Stats()
    requests = request_bytes(1000)
    started = time.perf_counter()
    deadline = started + seconds
    tasks = [
        asyncio.create_task(client(port, requests, i * 5, deadline, stats))
        for i in range(clients)
    ]
    done, pending = await asyncio.wait(tasks, timeout=seconds + REQUEST_TIMEOUT + 5)
    for task in pending:
        task.cancel()
        stats.errors += 1
    for task in done:
        if task.exception() is not None:
            stats.errors += 1
    return stats, time.perf_counter() - started


def start_server(port: int, access_log: bool, workers: int = 1) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "smtp_explain.web.server", "--host", HOST,
               "--port", str(port), "--workers", str(workers)]
    if not access_log:
        command.append("--no-access-log")
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/api/reasons", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"the server did not answer within {START_TIMEOUT:g} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), for the report."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float | None:
    """CPU seconds the whole machine spent busy (all cores), to show contention."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass
class Cpu:
    """CPU seconds used during the run: by the server, this load generator, everything else."""

    server: float | None
    client: float
    others: float | None

    @classmethod
    def measure(cls, server_pid: int, run: Callable[[], T]) -> tuple[T, Cpu]:
        server_before, machine_before = cpu_seconds(server_pid), machine_busy_seconds()
        client_before = sum(os.times()[:2])
        result = run()
        client = sum(os.times()[:2]) - client_before
        server_after, machine_after = cpu_seconds(server_pid), machine_busy_seconds()
        server = (None if server_before is None or server_after is None
                  else server_after - server_before)
        others = (None if machine_before is None or machine_after is None or server is None
                  else max(0.0, machine_after - machine_before - server - client))
        return result, cls(server, client, others)


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def report(stats: Stats, elapsed: float, clients: int, cpu: Cpu) -> dict[str, object]:
    ordered = sorted(stats.latencies)
    ms = 1000.0

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return {
        "endpoint": "POST /api/explain",
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(ordered),
        "errors": stats.errors,
        "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
        "requests_per_second": round(len(ordered) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(ordered, 0.50) * ms, 2),
        "p90_ms": round(percentile(ordered, 0.90) * ms, 2),
        "p99_ms": round(percentile(ordered, 0.99) * ms, 2),
        "max_ms": round(ordered[-1] * ms, 2) if ordered else None,
        "server_cpu_seconds": rounded(cpu.server),
        "server_cpu_us_per_request": round(cpu.server / len(ordered) * 1e6)
        if cpu.server is not None and ordered else None,
        "load_generator_cpu_seconds": rounded(cpu.client),
        "other_processes_cpu_seconds": rounded(cpu.others),
        "cpus": os.cpu_count(),
    }


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local texts = %s
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"text": "%%s", "lang": "en"}',
                             string.format(texts[(n %% #texts) + 1], n %% 250))
  return wrk.format(nil, "/api/explain", nil, body)
end
"""


def run_wrk(port: int, clients: int, seconds: float) -> str:
    """Run wrk against the server (loopback only) and return its latency report."""
    import shutil
    import tempfile

    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    texts = "{" + ", ".join(json.dumps(t.replace("{n}", "%d")) for t in TEXTS) + "}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT % texts)
        script.flush()
        done = subprocess.run(
            [wrk, "-t1", f"-c{clients}", f"-d{int(seconds)}s", "--latency", "--timeout", "10s",
             "-s", script.name, f"http://{HOST}:{port}/"],
            capture_output=True, text=True, timeout=seconds + 60, check=False)
    return done.stdout + done.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="duration (default 60)")
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients (default 200)")
    parser.add_argument("--no-access-log", action="store_true",
                        help="run the server without its access log")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--wrk", action="store_true",
                        help="drive the load with Debian's wrk (C, light on the shared CPU) "
                             "instead of this script's asyncio clients")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.clients <= 0:
        parser.error("--seconds and --clients must be positive")
    try:
        import uvloop
    except ImportError:
        runner = asyncio.run
    else:
        runner = uvloop.run

    port = free_port()
    server = start_server(port, access_log=not args.no_access_log, workers=args.workers)
    if args.wrk:
        try:
            print(run_wrk(port, args.clients, args.seconds))
        finally:
            stop_server(server)
        return 0
    try:
        outcome, cpu = Cpu.measure(
            server.pid, lambda: runner(drive(port, args.clients, args.seconds)))
    finally:
        stop_server(server)
    stats, elapsed = outcome
    figures = report(stats, elapsed, args.clients, cpu)
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if stats.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
