"""How the newsroom's people are named to readers, in pages, feeds and metadata alike."""

from collections.abc import Iterable


def author_name(user) -> str:
    """An author as readers see them: the full name, else the username."""
    return user.get_full_name() or user.get_username()


def authors_line(users: Iterable) -> str:
    """Several authors on one line, joined by the Arabic comma."""
    return "، ".join(author_name(user) for user in users)
