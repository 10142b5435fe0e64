"""Check a sender's setup: DNS blocklists, PTR, SPF, DMARC, DKIM, MTA-STS, TLS-RPT, SMTP.

``run_check(target, CheckOptions(...))`` returns a :class:`CheckReport`; interfaces
(CLI, web, API) only render it.
"""

from smtp_explain.check.model import CheckReport, CheckResult, Status
from smtp_explain.check.run import CheckOptions, public_address, run_check, run_check_async
from smtp_explain.check.target import Target, TargetError, parse_target

__all__ = ["CheckOptions", "CheckReport", "CheckResult", "Status", "Target", "TargetError",
           "parse_target", "public_address", "run_check", "run_check_async"]
