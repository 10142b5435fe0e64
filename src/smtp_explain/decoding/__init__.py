"""Decode bounce mails into per-recipient facts (see ``smtp_explain.decoding.bounce``)."""
