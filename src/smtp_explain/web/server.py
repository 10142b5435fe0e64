"""Running the web app with uvicorn: ``serve(host, port)``.

Logs go to standard error: uvicorn's start and error messages, and one access
line per request with method, path, status, sizes and time (see edge).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from smtp_explain.web.limits import DEFAULT_MAX_UPLOAD, DEFAULT_TIME_LIMIT
from smtp_explain.web.protocol import HEADER_TIMEOUT, MAX_CONNECTIONS

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8025


def log_config(access_log: bool = True) -> dict[str, Any]:
    handler = {"class": "logging.StreamHandler", "formatter": "plain",
               "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(message)s"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            # uvicorn's own access log would print the query string: it stays off.
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "smtp_explain.web.access": {"handlers": ["stderr"],
                                        "level": "INFO" if access_log else "WARNING",
                                        "propagate": False},
        },
    }


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
          max_upload: int = DEFAULT_MAX_UPLOAD, time_limit: float = DEFAULT_TIME_LIMIT,
          access_log: bool = True, workers: int = 1, header_timeout: float = HEADER_TIMEOUT,
          max_connections: int = MAX_CONNECTIONS, check_private: bool = False) -> None:
    """Serve the web app until interrupted; ``workers`` > 1 runs that many processes.

    Each process closes connections whose request headers take longer than
    ``header_timeout`` seconds (408) and answers 503 beyond ``max_connections``;
    ``check_private`` lets /check contact private, loopback and link-local addresses.
    """
    import os

    import uvicorn

    from smtp_explain.web.app import create_app
    from smtp_explain.web.protocol import (
        ENV_HEADER_TIMEOUT,
        ENV_MAX_CONNECTIONS,
        GuardedProtocol,
    )

    os.environ[ENV_HEADER_TIMEOUT] = str(header_timeout)
    os.environ[ENV_MAX_CONNECTIONS] = str(max_connections)

    app: Any = create_app(max_upload=max_upload, time_limit=time_limit,
                          check_private=check_private)
    extra: dict[str, Any] = {}
    if workers > 1:
        # Worker processes build their own app from the environment.
        os.environ[ENV_MAX_UPLOAD] = str(max_upload)
        os.environ[ENV_TIME_LIMIT] = str(time_limit)
        os.environ[ENV_CHECK_PRIVATE] = "1" if check_private else ""
        app = "smtp_explain.web.server:app_from_environment"
        extra = {"factory": True, "workers": workers}
    uvicorn.run(
        app,
        **extra,
        http=GuardedProtocol,
        host=host,
        port=port,
        access_log=False,
        log_config=log_config(access_log),
        server_header=False,
        proxy_headers=False,
        timeout_keep_alive=15,
        timeout_graceful_shutdown=5,
        backlog=2048,
    )


ENV_MAX_UPLOAD = "SMTP_EXPLAIN_MAX_UPLOAD"
ENV_TIME_LIMIT = "SMTP_EXPLAIN_TIME_LIMIT"
ENV_CHECK_PRIVATE = "SMTP_EXPLAIN_CHECK_PRIVATE"


def app_from_environment() -> Any:
    """The app of one worker process, configured by ``serve`` through the environment."""
    import os

    from smtp_explain.web.app import create_app

    return create_app(
        max_upload=int(os.environ.get(ENV_MAX_UPLOAD, DEFAULT_MAX_UPLOAD)),
        time_limit=float(os.environ.get(ENV_TIME_LIMIT, DEFAULT_TIME_LIMIT)),
        check_private=bool(os.environ.get(ENV_CHECK_PRIVATE)),
    )


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m smtp_explain.web.server``: the same as ``smtp-explain serve``."""
    parser = argparse.ArgumentParser(prog="python -m smtp_explain.web.server")
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--max-upload", type=int, default=DEFAULT_MAX_UPLOAD, metavar="BYTES")
    parser.add_argument("--no-access-log", action="store_true")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    serve(args.host, args.port, max_upload=args.max_upload, access_log=not args.no_access_log,
          workers=max(1, args.workers))


if __name__ == "__main__":
    main()
