"""The ``smtp-explain`` command: a thin shell over the library functions.

Exit codes: 0 explained, 1 not classified / unknown code / skipped input,
2 usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from typing import IO

from smtp_explain import catalog

SUBCOMMANDS = ("explain", "code", "reasons", "bounce", "serve")
MAX_STDIN = 1 << 20
MAX_LINE = 64 << 10
EXIT_OK, EXIT_UNCLASSIFIED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def _die(message: str, code: int = EXIT_USAGE) -> int:
    print(f"smtp-explain: {message}", file=sys.stderr)
    return code


def _add_common(parser: argparse.ArgumentParser, *, json_flag: bool = True) -> None:
    parser.add_argument(
        "--lang",
        choices=catalog.languages(),
        help="language of the explanation (default: from LC_ALL/LANG, else en)",
    )
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smtp-explain",
        description="Explain SMTP errors and bounce mails in plain English and Turkish.",
        epilog='Shortcut: smtp-explain "550 5.1.1 User unknown" is smtp-explain explain "...".',
    )
    parser.add_argument("--version", action="version", version="smtp-explain 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("explain", help="explain an error text (arguments, or standard input)")
    _add_common(p)
    p.add_argument("--lines", action="store_true",
                   help="explain each line of FILE (or stdin) on its own; JSON Lines with --json")
    p.add_argument("--rules", action="append", default=[], metavar="FILE",
                   help="extra rule file, wins over built-in rules (repeatable)")
    p.add_argument("text", nargs="*", metavar="TEXT")

    p = sub.add_parser("code", help="look up reply codes (550) or enhanced status codes (5.7.26)")
    _add_common(p)
    p.add_argument("codes", nargs="+", metavar="CODE")

    p = sub.add_parser("reasons", help="list the reasons smtp-explain can give")
    _add_common(p)

    p = sub.add_parser("bounce", help="decode bounce mails: .eml files, mbox, Maildir, directories")
    _add_common(p, json_flag=False)
    p.add_argument("--json-lines", action="store_true", help="one JSON object per recipient")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="decode in N worker processes (output order stays the same)")
    p.add_argument("--rules", action="append", default=[], metavar="FILE",
                   help="extra rule file, wins over built-in rules (repeatable)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories; - for stdin")

    p = sub.add_parser("serve", help="run the web page and JSON API (default http://127.0.0.1:8025/)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8025, help="port to listen on (default 8025)")
    p.add_argument("--max-upload", type=float, default=10, metavar="MB",
                   help="largest accepted request body, in MB (default 10)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="worker processes (default 1; one per core for heavy traffic)")
    p.add_argument("--no-access-log", action="store_true",
                   help="do not log requests (the log only ever holds method, path, status, "
                        "sizes and time)")
    return parser


def _read_stdin_text(lang: str) -> str:
    data = sys.stdin.buffer.read(MAX_STDIN + 1)
    if len(data) > MAX_STDIN:
        print(
            f"smtp-explain: {catalog.ui(lang, 'input_cut')}",
            file=sys.stderr,
        )
        data = data[:MAX_STDIN]
        while sys.stdin.buffer.read(1 << 16):
            pass
    return data.decode("utf-8", errors="replace")


def _iter_lines(source: str, lang: str) -> Iterator[str]:
    stream: IO[bytes]
    if source == "-":
        stream = sys.stdin.buffer
    else:
        try:
            stream = open(source, "rb")  # noqa: SIM115
        except OSError as exc:
            raise UsageError(catalog.ui(lang, "usage_cannot_read").format(
                detail=f"{source}: {exc.strerror}")) from None
    with stream:
        for raw in stream:
            line = raw[:MAX_LINE].decode("utf-8", errors="replace").strip()
            if line:
                yield line


def cmd_explain(args: argparse.Namespace, lang: str) -> int:
    from smtp_explain.explanation import explain
    from smtp_explain.render.as_json import dumps, dumps_pretty

    if args.lines:
        if len(args.text) > 1:
            raise UsageError(catalog.ui(lang, "usage_lines_one_file"))
        source = args.text[0] if args.text else "-"
        worst = EXIT_OK
        panels = []
        for line in _iter_lines(source, lang):
            d = explain(line, lang, rules=args.rules)
            worst = max(worst, EXIT_OK if d.classified else EXIT_UNCLASSIFIED)
            if args.json:
                print(dumps(d.to_dict()))
            else:
                from smtp_explain.render import terminal

                panels.append(terminal.diagnosis(d, lang))
                if len(panels) >= 32:
                    terminal.print_all(panels)
                    panels = []
        if panels:
            from smtp_explain.render import terminal

            terminal.print_all(panels)
        return worst

    text = " ".join(args.text) if args.text else None
    if text is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError(catalog.ui(lang, "empty_input"))
        text = _read_stdin_text(lang)
    if not text.strip():
        raise UsageError(catalog.ui(lang, "empty_input"))
    d = explain(text, lang, rules=args.rules)
    if args.json:
        print(dumps_pretty(d.to_dict()))
    else:
        from smtp_explain.render import terminal

        terminal.print_all([terminal.diagnosis(d, lang)])
    return EXIT_OK if d.classified else EXIT_UNCLASSIFIED


def cmd_code(args: argparse.Namespace, lang: str) -> int:
    from smtp_explain.explanation import lookup
    from smtp_explain.render.as_json import dumps

    status = EXIT_OK
    panels = []
    for code in args.codes:
        try:
            info = lookup(code, lang)
        except ValueError:
            status = EXIT_UNCLASSIFIED
            message = f"{code.strip()[:40]!r} {catalog.ui(lang, 'not_a_code')}"
            if args.json:
                print(dumps({"code": code[:40], "kind": None, "known": False, "error": message}))
            else:
                print(f"smtp-explain: {message}", file=sys.stderr)
            continue
        if not info.known:
            status = EXIT_UNCLASSIFIED
        if args.json:
            print(dumps(info.to_dict()))
        else:
            from smtp_explain.render import terminal

            panels.append(terminal.code_info(info, lang))
    if panels:
        from smtp_explain.render import terminal

        terminal.print_all(panels)
    return status


def cmd_reasons(args: argparse.Namespace, lang: str) -> int:
    from smtp_explain.explanation import describe_reasons
    from smtp_explain.render.as_json import dumps

    if args.json:
        for item in describe_reasons(lang):
            print(dumps(item))
    else:
        from smtp_explain.render import terminal

        terminal.print_all([terminal.reasons_table(lang)])
    return EXIT_OK


def cmd_bounce(args: argparse.Namespace, lang: str) -> int:
    from smtp_explain.decoding.batch import run
    from smtp_explain.read.sources import read_all
    from smtp_explain.rules import user_rule_paths

    if args.jobs < 1:
        raise UsageError(catalog.ui(lang, "usage_jobs"))
    rule_files = tuple(user_rule_paths(args.rules))
    from smtp_explain.classify import get_classifier

    get_classifier(args.rules)  # report a broken rule file before any work
    skipped = 0
    rows = []
    progress = None
    if not args.json_lines and sys.stderr.isatty():
        from smtp_explain.render.terminal import Progress

        progress = Progress()
    sys.stdout.flush()
    out = sys.stdout.buffer
    for outcome in run(read_all(args.paths), lang, rule_files, args.jobs,
                       as_json=args.json_lines):
        if outcome.problem:
            skipped += 1
            where = f"{outcome.origin}#{outcome.index}" if outcome.index else outcome.origin
            print(f"smtp-explain: {where}: {outcome.problem.text(lang)}", file=sys.stderr)
        if args.json_lines:
            out.write(outcome.json_lines)
        else:
            rows.extend(outcome.results)
            if progress is not None:
                progress.advance()
    if progress is not None:
        progress.close()
    if not args.json_lines:
        from smtp_explain.render import terminal

        terminal.print_all(terminal.bounce_report(rows, lang))
    return EXIT_UNCLASSIFIED if skipped else EXIT_OK


def cmd_serve(args: argparse.Namespace, lang: str) -> int:
    from smtp_explain.web.server import serve

    if args.max_upload <= 0:
        raise UsageError(catalog.ui(lang, "usage_max_upload"))
    if args.workers < 1:
        raise UsageError(catalog.ui(lang, "usage_workers"))
    print(f"smtp-explain: serving http://{args.host}:{args.port}/ (Ctrl+C stops)",
          file=sys.stderr)
    serve(args.host, args.port, max_upload=int(args.max_upload * 1024 * 1024),
          access_log=not args.no_access_log, workers=args.workers)
    return EXIT_OK


COMMANDS = {"explain": cmd_explain, "code": cmd_code, "reasons": cmd_reasons,
            "bounce": cmd_bounce, "serve": cmd_serve}


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] not in SUBCOMMANDS and args_list[0] not in (
        "-h", "--help", "--version"
    ):
        args_list.insert(0, "explain")
    if not args_list:
        if sys.stdin is not None and not sys.stdin.isatty():
            args_list = ["explain"]
        else:
            build_parser().print_help(sys.stderr)
            return EXIT_USAGE
    parser = build_parser()
    args = parser.parse_args(args_list)
    lang = catalog.pick_language(getattr(args, "lang", None), dict(os.environ))
    from smtp_explain.rules import RuleFileError

    handler = COMMANDS[args.command]
    try:
        return handler(args, lang)
    except UsageError as exc:
        return _die(str(exc))
    except RuleFileError as exc:
        return _die(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
