"""Mail programs word one failure in many ways (their own text, GLib/GIO, the C
library's strerror, a library's exception): each form gets the failure's reason."""

from __future__ import annotations

import pytest

from smtp_explain.explanation import explain

FAMILIES = [
    ("networkerror", ["Error resolving “smtp.example.net”: Name or service not known",
                      "Could not resolve hostname smtp.example.net",
                      "Failed to resolve host smtp.example.net",
                      "Can't connect to SMTP server", "Connection refused"]),
    ("networkerror", ["Socket I/O timed out", "Server unexpectedly disconnected",
                      "Lost connection to the server", "SMTP server is not responding",
                      "Timeout while waiting for server response",
                      "Error while reading from socket"]),
    ("failedstarttls", ["TLS handshake failed", "SSL handshake failure",
                        "Error performing TLS handshake: An unexpected TLS packet was received.",
                        "STARTTLS command failed", "The server's certificate is not trusted"]),
    ("securityerror", ["Login failed", "Incorrect password", "Wrong password", "Bad credentials",
                       "Could not authenticate to the server", "Unable to authenticate",
                       "Password rejected", "Authentication mechanism is too weak"]),
]
CASES = [(reason, text) for reason, texts in FAMILIES for text in texts]


@pytest.mark.parametrize(("reason", "text"), CASES, ids=[text for _, text in CASES])
def test_client_wording_forms_get_one_reason(reason: str, text: str) -> None:
    assert explain(text).reason == reason


def test_the_servers_reply_after_a_program_wrapper_still_decides() -> None:
    # "Login failed"-like wrapper words must not hide a quoted reply that says more.
    text = ("Unable to authenticate: 550 5.7.1 Service unavailable; Client host "
            "[203.0.113.5] blocked using zen.spamhaus.org")
    assert explain(text).reason == "blocked"
