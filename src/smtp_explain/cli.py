"""The ``smtp-explain`` command: a thin shell over the library functions.

Exit codes: 0 explained, 1 not classified / unknown code / skipped input,
2 usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from typing import IO, Any

from smtp_explain import catalog
from smtp_explain.cli_language import argparse_speaks, early_language

SUBCOMMANDS = ("explain", "code", "reasons", "bounce", "serve", "logs")
MAX_STDIN = 1 << 20
MAX_LINE = 64 << 10
EXIT_OK, EXIT_UNCLASSIFIED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def _die(message: str, code: int = EXIT_USAGE) -> int:
    print(f"smtp-explain: {message}", file=sys.stderr)
    return code


def _add_help(parser: argparse.ArgumentParser, text: dict[str, Any]) -> argparse.ArgumentParser:
    parser.add_argument("-h", "--help", action="help", help=text["options"]["help"])
    return parser


def _add_common(parser: argparse.ArgumentParser, text: dict[str, Any], *,
                json_flag: bool = True) -> None:
    parser.add_argument("--lang", choices=catalog.languages(), help=text["options"]["lang"])
    if json_flag:
        parser.add_argument("--json", action="store_true", help=text["options"]["json"])


def build_parser(lang: str = catalog.DEFAULT_LANG) -> argparse.ArgumentParser:
    """The argument parser, its help in ``lang`` (argparse's own words: see cli_language)."""
    text = catalog.texts(lang, "cli")
    helps, metavar = text["options"], text["metavars"]
    parser = _add_help(argparse.ArgumentParser(
        prog="smtp-explain", description=text["program"]["description"],
        epilog=text["program"]["epilog"], add_help=False), text)
    parser.add_argument("--version", action="version", version="smtp-explain 0.1.0",
                        help=helps["version"])
    sub = parser.add_subparsers(dest="command", metavar=metavar["command"])

    def command(name: str) -> argparse.ArgumentParser:
        return _add_help(sub.add_parser(name, help=text["commands"][name], add_help=False), text)

    p = command("explain")
    _add_common(p, text)
    p.add_argument("--lines", action="store_true", help=helps["lines"])
    p.add_argument("--rules", action="append", default=[], metavar=metavar["file"],
                   help=helps["rules"])
    p.add_argument("text", nargs="*", metavar=metavar["text"])

    p = command("code")
    _add_common(p, text)
    p.add_argument("codes", nargs="+", metavar=metavar["code"])

    p = command("reasons")
    _add_common(p, text)

    p = command("bounce")
    _add_common(p, text, json_flag=False)
    p.add_argument("--json-lines", action="store_true", help=helps["json_lines"])
    p.add_argument("--jobs", type=int, default=1, metavar=metavar["n"], help=helps["jobs"])
    p.add_argument("--rules", action="append", default=[], metavar=metavar["file"],
                   help=helps["rules"])
    p.add_argument("paths", nargs="+", metavar=metavar["path"], help=helps["paths"])

    p = command("serve")
    p.add_argument("--host", default="127.0.0.1", metavar=metavar["host"], help=helps["host"])
    p.add_argument("--port", type=int, default=8025, metavar=metavar["port"],
                   help=helps["port"])
    p.add_argument("--max-upload", type=float, default=10, metavar=metavar["mb"],
                   help=helps["max_upload"])
    p.add_argument("--workers", type=int, default=1, metavar=metavar["n"],
                   help=helps["workers"])
    p.add_argument("--no-access-log", action="store_true", help=helps["no_access_log"])

    from smtp_explain.cli_logs import add_arguments

    add_arguments(command("logs"), text)
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
    # With workers, small files are read by the workers themselves (in parallel).
    items = read_all(args.paths, defer_small_files=args.jobs > 1)
    for outcome in run(items, lang, rule_files, args.jobs, as_json=args.json_lines):
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
    url = f"http://{args.host}:{args.port}/"
    print(f"smtp-explain: {catalog.ui(lang, 'serving').format(url=url)}",
          file=sys.stderr)
    serve(args.host, args.port, max_upload=int(args.max_upload * 1024 * 1024),
          access_log=not args.no_access_log, workers=args.workers)
    return EXIT_OK


def cmd_logs(args: argparse.Namespace, lang: str) -> int:
    from smtp_explain import cli_logs

    try:
        return cli_logs.cmd_logs(args, lang)
    except cli_logs.UsageError as exc:
        raise UsageError(str(exc)) from None


COMMANDS = {"explain": cmd_explain, "code": cmd_code, "reasons": cmd_reasons,
            "bounce": cmd_bounce, "serve": cmd_serve, "logs": cmd_logs}


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] not in SUBCOMMANDS and args_list[0] not in (
        "-h", "--help", "--version"
    ):
        args_list.insert(0, "explain")
    early = early_language(args_list, os.environ)
    with argparse_speaks(early):
        if not args_list:
            if sys.stdin is not None and not sys.stdin.isatty():
                args_list = ["explain"]
            else:
                build_parser(early).print_help(sys.stderr)
                return EXIT_USAGE
        args = build_parser(early).parse_args(args_list)
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
