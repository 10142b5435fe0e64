"""Output: terminal (Rich), JSON and HTML renderings of results."""
