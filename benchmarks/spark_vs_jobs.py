"""Spark in local mode against the CLI with --jobs 2, in one run on the same input.

Two inputs, each decoded by both:

- bounces: the bsd corpus copied (repeated) into a folder of at least --mails files;
  ``smtp-explain bounce --json-lines --jobs 2 DIR`` against
  ``bounce_rows(spark.read.format("binaryFile").load(DIR))`` written as JSON;
- logs: a generated Postfix log of --messages messages (tests/loggen.py);
  ``smtp-explain logs --json-lines --jobs 2 FILE`` when the CLI has that command, else
  the library's one-process ``events_from_lines`` (said so in the output), against
  ``log_events(spark.read.text(FILE))`` written as JSON.

Spark runs as ``local[2]`` (both cores) on loopback. Its session start (JVM, ~10-30 s)
is printed apart; the job figures are the best of --rounds runs in the warm session,
rounds interleaved with the CLI's so a slow spell of the shared machine hits both.
The CLI figures include its process start-up. Needs Java 17+ and the spark extra.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).with_name("smtp-explain")
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bounce_vs_sisimai import build_folder  # noqa: E402  (the vendored corpus, repeated)


def build_log(target: Path, messages: int) -> int:
    from loggen import postfix_log

    log = postfix_log(seed=7, messages=messages)
    target.write_text(log.text())
    return len(log.lines)


def run_cli(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, done.stdout.count(b"\n")


def events_one_process(log: Path) -> list[str]:
    code = ("import sys; from smtp_explain.logs import events_from_lines;"
            "from smtp_explain.render.as_json import dumps_bytes;"
            "out = sys.stdout.buffer\n"
            "with open(sys.argv[1], encoding='utf-8', errors='replace') as f:\n"
            "    for e in events_from_lines(f): out.write(dumps_bytes(e.to_dict()) + b'\\n')")
    return [sys.executable, "-c", code, str(log)]


def has_logs_command() -> bool:
    from smtp_explain.cli import SUBCOMMANDS

    return "logs" in SUBCOMMANDS


def run_spark(job: Callable[[], object], out: Path) -> tuple[float, int]:
    start = time.perf_counter()
    job()
    elapsed = time.perf_counter() - start
    rows = sum(p.read_bytes().count(b"\n") for p in out.glob("part-*"))
    return elapsed, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=40000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    from pyspark.sql import SparkSession

    from smtp_explain.spark import bounce_rows, log_events

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "mails").mkdir()
        mails = build_folder(work / "mails", args.mails)
        log = work / "mail.log"
        lines = build_log(log, args.messages)
        megabytes = log.stat().st_size / 1e6
        print(f"input: {mails} mails; Postfix log of {lines} lines ({megabytes:.1f} MB)")

        start = time.perf_counter()
        spark = (SparkSession.builder.master("local[2]").appName("smtp-explain-bench")
                 .config("spark.driver.host", "127.0.0.1")
                 .config("spark.driver.bindAddress", "127.0.0.1")
                 .config("spark.ui.enabled", "false")
                 .config("spark.ui.showConsoleProgress", "false")
                 .config("spark.sql.shuffle.partitions", "4")
                 # Small mail files: count each as 256 KiB, not 4 MiB, so a task gets
                 # hundreds of them instead of 32 (fewer, longer tasks on 2 cores).
                 .config("spark.sql.files.openCostInBytes", str(256 << 10))
                 .config("spark.driver.memory", "2g").getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        print(f"Spark session start: {time.perf_counter() - start:.1f} s")

        logs_cli = has_logs_command()
        reference = ([str(CLI), "logs", "--json-lines", "--jobs", "2", str(log)] if logs_cli
                     else events_one_process(log))
        reference_name = ("logs --jobs 2" if logs_cli
                          else "events_from_lines, one process (no `logs` command yet)")
        bounce_out, log_out = work / "bounce-out", work / "log-out"
        mail_uri = (work / "mails").as_uri()

        def bounce_job() -> object:
            frame = spark.read.format("binaryFile").load(mail_uri)
            return bounce_rows(frame).write.mode("overwrite").json(str(bounce_out))

        def log_job() -> object:
            return log_events(spark.read.text(str(log))).write.mode("overwrite").json(str(log_out))

        best: dict[str, tuple[float, int]] = {}
        first: dict[str, float] = {}
        tasks: dict[str, Callable[[], tuple[float, int]]] = {
            "bounce --jobs 2": lambda: run_cli([str(CLI), "bounce", "--json-lines", "--jobs", "2",
                                                str(work / "mails")]),
            "Spark bounce_rows": lambda: run_spark(bounce_job, bounce_out),
            reference_name: lambda: run_cli(reference),
            "Spark log_events": lambda: run_spark(log_job, log_out),
        }
        for _ in range(args.rounds):
            for name, task in tasks.items():
                elapsed, rows = task()
                first.setdefault(name, elapsed)
                if name not in best or elapsed < best[name][0]:
                    best[name] = (elapsed, rows)
        spark.stop()

    units = {"bounce --jobs 2": mails, "Spark bounce_rows": mails}
    for name, (elapsed, rows) in best.items():
        amount = units.get(name, lines)
        unit = "mails/s" if name in units else "lines/s"
        print(f"{name:58s} best {elapsed:7.2f} s (first {first[name]:6.2f} s)  "
              f"{amount / elapsed:10,.0f} {unit}  {rows} rows")
    bounce_ratio = best["bounce --jobs 2"][0] / best["Spark bounce_rows"][0]
    log_ratio = best[reference_name][0] / best["Spark log_events"][0]
    print(f"Spark/CLI throughput: bounces {bounce_ratio:.2f}x, logs {log_ratio:.2f}x "
          f"(below 1: Spark slower)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
