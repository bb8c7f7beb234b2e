"""How bylines are named to readers, in pages, feeds and metadata alike."""

from collections.abc import Iterable


def authors_line(authors: Iterable) -> str:
    """The names of a byline's profiles on one line, joined by the Arabic comma."""
    return "، ".join(author.name for author in authors)
