"""Spam rules for reader comments: too many links, or a blocked word however it is spelt.

Words are compared after the search's Arabic folding (`articles.text`), with the same
tables of attached prefixes.
"""

import re

from django.conf import settings
from django.utils.translation import gettext

from articles.text import ATTACHED_PREFIXES, normalize_arabic

_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_REPEATS = re.compile(r"(.)\1+")


def _fold(text: str) -> str:
    return normalize_arabic(text).casefold()


def _words(folded: str) -> list[str]:
    # Spelling games: "حـمـار" and "حماااار" squeeze to "حمار"; letters spelt one by one
    # ("ح م ا ر", "ح-م-ا-ر") are joined back into one word.
    words, letters = [], ""
    for word in _WORD.findall(folded):
        if len(word) == 1:
            letters += word
            continue
        if letters:
            words.append(letters)
            letters = ""
        words.append(word)
    if letters:
        words.append(letters)
    return [_REPEATS.sub(r"\1", word) for word in words]


def _matches(word: str, blocked: str) -> bool:
    # Clitics written attached to a word: "القمار", "وبالقمار" must match "قمار".
    forms = [word] + [word[len(p) :] for p in ATTACHED_PREFIXES if word.startswith(p) and len(word) - len(p) >= 2]
    # Long blocked words also catch their suffixed forms (plurals, pronouns).
    return any(form == blocked or (len(blocked) >= 4 and form.startswith(blocked)) for form in forms)


def blocked_word_in(text: str) -> str | None:
    """The first word of COMMENTS_BLOCKED_WORDS found in `text` after Arabic folding, if any.

    Whole words are compared, after dropping an attached article or conjunction, so "أقمار"
    does not match "قمار"; a blocked entry with a space is looked for as a phrase.
    """
    folded = _fold(text)
    words = _words(folded)
    spaced = " ".join(words)
    for entry in settings.COMMENTS_BLOCKED_WORDS:
        blocked = " ".join(_words(_fold(entry)))
        if not blocked:
            continue
        if " " in blocked:
            if f" {blocked} " in f" {spaced} ":
                return entry
        elif any(_matches(word, blocked) for word in words):
            return entry
    return None


def hold_reason(*, name: str, body: str) -> str:
    """Why a comment is held as spam (too many links, a blocked word), or "" when it is not."""
    links = len(_LINK.findall(body)) + len(_LINK.findall(name))
    if links > settings.COMMENTS_MAX_LINKS:
        return gettext("روابط كثيرة (%(count)d)") % {"count": links}
    word = blocked_word_in(f"{name}\n{body}")
    if word:
        return gettext("كلمة محظورة: %(word)s") % {"word": word}
    return ""
