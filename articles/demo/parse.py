"""Reads the model article (seed_article.txt) into a title and sections.

The text is the article as it stands on the Moroccan site it comes from: a title, an
intro, headed sections, one bulleted plan, then the page furniture ("شارك بتعليقك",
"شاهد أيضا", the mailing-list box) that the portal renders itself.
"""

from dataclasses import dataclass, field
from html import escape
from pathlib import Path

SEED_PATH = Path(__file__).with_name("seed_article.txt")
PAGE_FURNITURE = "شارك بتعليقك"


@dataclass
class SeedSection:
    heading: str = ""
    blocks: list = field(default_factory=list)  # ("p", text) or ("ul", [items])

    def html(self) -> str:
        parts = []
        for kind, value in self.blocks:
            if kind == "p":
                parts.append(f"<p>{escape(value)}</p>")
            else:
                parts.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in value) + "</ul>")
        return "\n".join(parts)


def _is_heading(line: str) -> bool:
    return len(line) < 80 and not line.endswith((".", ":", "،"))


def parse_seed(text: str | None = None) -> tuple[str, list[SeedSection]]:
    lines = [line.strip() for line in (text or SEED_PATH.read_text(encoding="utf-8")).splitlines()]
    lines = [line for line in lines if line and line != "\u00a0"]
    title, body = lines[0], lines[1:]
    sections = [SeedSection()]
    in_list = False
    for line in body:
        if line == PAGE_FURNITURE:
            break
        current = sections[-1]
        if in_list and len(line) < 80 and line.endswith("."):
            current.blocks[-1][1].append(line)
            continue
        in_list = False
        if _is_heading(line):
            sections.append(SeedSection(heading=line))
        elif line.endswith(":"):
            current.blocks.append(("p", line))
            current.blocks.append(("ul", []))
            in_list = True
        else:
            current.blocks.append(("p", line))
    return title, sections
