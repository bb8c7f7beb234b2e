"""Arabic text normalization, shared by search and comment filtering."""

import re
import unicodedata

# Harakat and other combining marks (U+064B–U+065F), the superscript alef (U+0670),
# Quranic annotation marks (U+06D6–U+06ED) and tatweel (U+0640).
_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Bidi controls and marks, zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM),
# as the inside of a regular-expression class: reader input is cleaned of the same.
INVISIBLE_CHARACTERS = "\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\ufeff"
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic digits
    }
)


def normalize_arabic(text: str) -> str:
    """Fold `text` the way search and word filters compare it (see DESIGN.md).

    NFKC; drop harakat, Quranic marks, tatweel, bidi marks and zero-width joiners;
    أ إ آ ٱ → ا; ى → ي; Arabic-Indic digits → 0–9. Apply it identically to both sides
    of a comparison. It does not lower-case Latin letters nor touch ة.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _MARKS.sub("", text)
    return text.translate(_FOLD)


# Search tokens. A "word" of the original text may carry marks and joiners inside it,
# which \w alone would split on.
_WORD = re.compile(r"\w+")
_RAW_WORD = re.compile("[\\w\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c\u200d]+")
# One-letter words written attached to the next: the conjunctions and the prepositions.
CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ك", "ل")
# The definite article and its prefixed forms, longest first; ("لل" is ل + ال with the
# alef dropped, so it also yields the ال form).
DEFINITE_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
# Every run of attached clitics a word may start with: a conjunction, then an article
# or a preposition ("وبال", "فل", "ال"…), longest first.
ATTACHED_PREFIXES = tuple(
    sorted(
        {
            conjunction + rest
            for conjunction in ("", *CONJUNCTIONS)
            for rest in ("", *PREPOSITIONS, *(a for a in DEFINITE_ARTICLES if a[0] not in CONJUNCTIONS))
        }
        - {""},
        key=lambda prefix: (-len(prefix), prefix),
    )
)
_PREFIX_LETTERS = CONJUNCTIONS + PREPOSITIONS
# What must be left after stripping: short remainders are more often part of the word
# (والي، بلاغ) than a prefix, and would match far too much.
_MIN_AFTER_ARTICLE = 3
_MIN_AFTER_LETTER = 4


def search_words(text: str) -> list[str]:
    """The normalized, case-folded words of `text`, in order."""
    return _WORD.findall(normalize_arabic(text).casefold())


def fold_teh_marbuta(word: str) -> str:
    """`word` with a final ة written as ه, as phone keyboards often type it."""
    return word[:-1] + "ه" if word.endswith("ة") else word


def expand_word(word: str) -> list[str]:
    """`word` (already normalized) and its forms without the article or a prefix letter,
    then each form ending in ة also written with ه.

    "الارهاب" → [الارهاب, ارهاب]; "وبلجيكا" → [وبلجيكا, بلجيكا]; "والارهاب" →
    [والارهاب, ارهاب, الارهاب]; "الجريمة" → [الجريمة, جريمة, الجريمه, جريمه]. Used on
    both sides: on the indexed words and on the words of a query, so that one of the
    forms meets. The ه forms are extra forms, never a replacement of the word: the
    stemmer still sees "الجريمة" as written, which keeps its ranking (DESIGN.md).
    """
    forms = [word]
    for article in DEFINITE_ARTICLES:
        rest = word[len(article) :]
        if word.startswith(article) and len(rest) >= _MIN_AFTER_ARTICLE:
            forms.append(rest)
            if article == "لل":
                forms.append("ال" + rest)
            break
    if word[:1] in _PREFIX_LETTERS and len(word) - 1 >= _MIN_AFTER_LETTER:
        forms.append(word[1:])
    # Not for one- or two-letter words: too short to be worth a second form.
    forms += [fold_teh_marbuta(form) for form in forms if len(form) >= _MIN_AFTER_ARTICLE]
    return list(dict.fromkeys(forms))


def raw_words(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word of the original, unnormalized `text`."""
    return [match.span() for match in _RAW_WORD.finditer(text)]
