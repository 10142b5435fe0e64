"""The ``smtp-explain check`` command: options, then :func:`smtp_explain.check.run_check`."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from smtp_explain import catalog

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MIN_TIMEOUT, MAX_TIMEOUT = 0.5, 120.0


def add_arguments(parser: argparse.ArgumentParser, text: dict[str, Any]) -> None:
    helps, metavar = text["options"], text["metavars"]
    parser.add_argument("--json", action="store_true", help=helps["json"])
    parser.add_argument("--lang", choices=catalog.languages(), help=helps["lang"])
    parser.add_argument("--nameserver", action="append", default=[], metavar=metavar["addr"],
                        help=helps["nameserver"])
    parser.add_argument("--timeout", default="10", metavar=metavar["seconds"],
                        help=helps["timeout"])
    parser.add_argument("--selector", action="append", default=[], metavar=metavar["name"],
                        help=helps["selector"])
    parser.add_argument("--rcpt", metavar=metavar["address"], help=helps["rcpt"])
    parser.add_argument("target", metavar=metavar["target"], help=helps["target"])


class CheckUsageError(Exception):
    pass


def options_from(args: argparse.Namespace, lang: str) -> Any:
    from smtp_explain.check import CheckOptions
    from smtp_explain.check.resolver import parse_nameserver
    from smtp_explain.check.wording import label

    nameservers = []
    for value in args.nameserver:
        try:
            nameservers.append(parse_nameserver(value))
        except ValueError:
            raise CheckUsageError(label(lang, "bad_nameserver").format(value=value[:80])) \
                from None
    try:
        timeout = float(args.timeout)
    except ValueError:
        timeout = math.nan
    if not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:
        raise CheckUsageError(label(lang, "bad_timeout").format(value=str(args.timeout)[:40]))
    return CheckOptions(nameservers=nameservers, timeout=timeout, selectors=args.selector,
                        rcpt=args.rcpt, lang=lang)


def run(args: argparse.Namespace, lang: str) -> int:
    from smtp_explain.check import TargetError, parse_target, run_check
    from smtp_explain.check.wording import label

    try:
        options = options_from(args, lang)
        target = parse_target(args.target)
    except CheckUsageError as exc:
        print(f"smtp-explain: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TargetError:
        print(f"smtp-explain: {label(lang, 'bad_target').format(target=args.target[:80])}",
              file=sys.stderr)
        return EXIT_USAGE
    if options.rcpt and target.kind != "smtp":
        print(f"smtp-explain: {label(lang, 'rcpt_without_smtp')}", file=sys.stderr)
        return EXIT_USAGE
    report = run_check(target, options)
    if args.json:
        from smtp_explain.render.as_json import dumps_pretty

        print(dumps_pretty(report.to_dict()))
    else:
        from smtp_explain.render.check_table import report_view
        from smtp_explain.render.terminal import console

        console().print(report_view(report))
    return EXIT_FAILED if report.failed else EXIT_OK
