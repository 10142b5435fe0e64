"""The ``smtp-explain logs`` command: read mail server logs, print events or a summary.

Thin: argument handling and output only; the work is in ``smtp_explain.logs``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import IO, Any

from smtp_explain import catalog

FORMAT_CHOICES = ("auto", "postfix", "exim", "sendmail", "exchange", "o365")
EXIT_OK, EXIT_READ_ERROR = 0, 1
PROGRESS_EVERY = 5000


class UsageError(Exception):
    """A usage problem; ``smtp_explain.cli`` prints it as one line with exit code 2."""


def add_arguments(parser: argparse.ArgumentParser, text: dict[str, Any]) -> None:
    helps, metavar = text["options"], text["metavars"]
    parser.add_argument("--lang", choices=catalog.languages(), help=helps["lang"])
    parser.add_argument("--json-lines", action="store_true", help=helps["logs_json_lines"])
    parser.add_argument("--report", metavar=metavar["file"], help=helps["logs_report"])
    parser.add_argument("--format", choices=FORMAT_CHOICES, default="auto",
                        help=helps["logs_format"])
    parser.add_argument("--since", metavar=metavar["time"], help=helps["logs_since"])
    parser.add_argument("--until", metavar=metavar["time"], help=helps["logs_until"])
    parser.add_argument("--unparsed", metavar=metavar["file"], help=helps["logs_unparsed"])
    parser.add_argument("--trace", metavar=metavar["id"], help=helps["logs_trace"])
    parser.add_argument("--jobs", type=int, default=1, metavar=metavar["n"],
                        help=helps["logs_jobs"])
    parser.add_argument("paths", nargs="+", metavar=metavar["path"], help=helps["logs_paths"])


def _say(lang: str, key: str, **values: object) -> str:
    return str(catalog.texts(lang, "logs")["messages"][key]).format(**values)


def _time(option: str, value: str | None, lang: str) -> datetime | None:
    from smtp_explain.logs.clock import instant

    if value is None:
        return None
    found = instant(value.strip())
    if found is None:
        raise UsageError(_say(lang, "bad_time", option=option, value=value[:60]))
    return found


def cmd_logs(args: argparse.Namespace, lang: str) -> int:
    if args.jobs < 1:
        raise UsageError(catalog.ui(lang, "usage_jobs"))
    since = _time("--since", args.since, lang)
    until = _time("--until", args.until, lang)
    errors: list[str] = []

    def on_error(path: str, detail: str) -> None:
        errors.append(path)
        print(f"smtp-explain: {_say(lang, 'read_stopped', path=path, detail=detail)}",
              file=sys.stderr)

    if args.trace:
        return _trace(args, lang, on_error, errors)
    unparsed_file: IO[str] | None = None
    if args.unparsed:
        try:
            unparsed_file = open(args.unparsed, "w", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise UsageError(catalog.ui(lang, "usage_cannot_read").format(
                detail=f"{args.unparsed}: {exc.strerror}")) from None
    try:
        tally = _run(args, lang, since, until, on_error, unparsed_file)
    finally:
        if unparsed_file is not None:
            unparsed_file.close()
    if tally.unparsed:
        print(f"smtp-explain: {_say(lang, 'unparsed', count=tally.unparsed)}", file=sys.stderr)
    if args.report:
        from smtp_explain.render.logs_report import ReportError, write_report

        try:
            write_report(tally, lang, args.report)
        except ReportError as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(catalog.ui(lang, "usage_cannot_read").format(
                detail=f"{args.report}: {exc.strerror}")) from None
    if not args.json_lines:
        from smtp_explain.render import terminal
        from smtp_explain.render.logs_terminal import summary

        terminal.print_all(summary(tally, lang))
    return EXIT_READ_ERROR if errors else EXIT_OK


def _run(args: argparse.Namespace, lang: str, since: datetime | None, until: datetime | None,
         on_error: Any, unparsed_file: IO[str] | None) -> Any:
    from smtp_explain.logs.tally import Tally

    if args.jobs > 1:
        from smtp_explain.logs.parallel import run_parallel

        sys.stdout.flush()
        tally = run_parallel(args.paths, args.format, args.jobs, since=since, until=until,
                             json_out=sys.stdout.buffer if args.json_lines else None,
                             unparsed_out=unparsed_file, on_error=on_error,
                             tally_events=not args.json_lines or args.report is not None)
        sys.stdout.buffer.flush()
        return tally

    from smtp_explain.logs.pipeline import event_batches_from_paths, within_batches
    from smtp_explain.logs.unparsed import Unparsed

    unparsed = Unparsed((lambda line: unparsed_file.write(line + "\n"))
                        if unparsed_file is not None else None)
    tally = Tally()
    batches = within_batches(event_batches_from_paths(args.paths, args.format, unparsed=unparsed,
                                                      on_error=on_error), since, until)
    if args.json_lines:
        from smtp_explain.logs.jsonl import write_json_lines

        # the tally only feeds the report here
        write_json_lines(batches, sys.stdout.buffer, tally if args.report is not None else None)
        sys.stdout.buffer.flush()
    else:
        progress = None
        if sys.stderr.isatty():
            from smtp_explain.render.logs_terminal import Progress

            progress = Progress()
        try:
            count = shown = 0
            for batch in batches:
                for event in batch:
                    tally.add(event)
                count += len(batch)
                if progress is not None and count - shown >= PROGRESS_EVERY:
                    progress.update(count)
                    shown = count
        finally:
            if progress is not None:
                progress.close()
    tally.unparsed = unparsed.count
    return tally


def _trace(args: argparse.Namespace, lang: str, on_error: Any, errors: list[str]) -> int:
    import itertools

    import orjson

    from smtp_explain.logs.detect import FALLBACK, SNIFF_LINES, detect
    from smtp_explain.logs.sources import read_lines
    from smtp_explain.logs.trace import trace

    lines = itertools.chain.from_iterable(read_lines(path, on_error) for path in args.paths)
    fmt = args.format
    if fmt == "auto":
        head = list(itertools.islice(lines, SNIFF_LINES))
        fmt = detect(head) or FALLBACK
        lines = itertools.chain(head, lines)
    found = trace(lines, args.trace, fmt)
    if not found.lines:
        print(f"smtp-explain: {_say(lang, 'trace_none', id=args.trace[:80])}", file=sys.stderr)
        return EXIT_READ_ERROR
    out = sys.stdout
    if args.json_lines:
        for event in found.events:
            out.write(orjson.dumps(event.to_dict()).decode() + "\n")
        return EXIT_READ_ERROR if errors else EXIT_OK
    print(f"# {_say(lang, 'trace_lines')}", file=out)
    for line in found.lines:
        print(line, file=out)
    print(f"\n# {_say(lang, 'trace_events')}", file=out)
    for event in found.events:
        print(orjson.dumps(event.to_dict()).decode(), file=out)
    return EXIT_READ_ERROR if errors else EXIT_OK
