"""Tag-value lists (``v=DMARC1; p=reject``), the syntax DMARC, DKIM, MTA-STS and TLS-RPT share."""

from __future__ import annotations


def parse_tags(record: str) -> dict[str, str] | None:
    """Tags of a record, lower-case names; None when a tag has no ``=`` or comes twice."""
    tags: dict[str, str] = {}
    for part in record.split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        name = name.strip().lower()
        if not sep or not name or name in tags:
            return None
        tags[name] = value.strip()
    return tags
