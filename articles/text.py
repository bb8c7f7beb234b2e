"""Arabic text normalization, shared by search and comment filtering."""

import re
import unicodedata

# Harakat and other combining marks (U+064B–U+065F), the superscript alef (U+0670),
# Quranic annotation marks (U+06D6–U+06ED) and tatweel (U+0640).
_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Bidi controls and marks, zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM).
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\ufeff]")
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
