"""Tag strings as journalists type them.

Tags are separated by the Arabic comma "،" or by ","; a tag may hold spaces
("الجريمة المنظمة"), so unlike taggit's default, spaces never split tags.
"""

import re

_SEPARATORS = re.compile(r"[،,]")


def parse_tags(tagstring: str) -> list[str]:
    names = {" ".join(part.strip().strip('"').split()) for part in _SEPARATORS.split(tagstring or "")}
    return sorted(name for name in names if name)


def edit_string(tags) -> str:
    return "، ".join(sorted(tag.name for tag in tags))
