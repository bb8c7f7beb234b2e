"""Cut the Noto Naskh Arabic woff2 files of @fontsource to what Arabic news text uses; run once, commit.

    cd /tmp && npm pack @fontsource/noto-naskh-arabic@5.3.0 && tar xzf fontsource-noto-naskh-arabic-5.3.0.tgz
    .venv/bin/python scripts/subset_fonts.py /tmp/package

The package's Arabic subset (52 KB a weight) also draws Persian, Urdu, Sindhi and Quranic
letters (Arabic Supplement, Extended-A/B, presentation forms). The article page must weigh
100 KB before images with its fonts, so the Arabic files keep the Arabic block only
(U+0600-06FF: letters, harakat, Arabic-Indic digits, Arabic punctuation), the joiners and
bidi marks, and the ornate parentheses; every shaping feature is kept. fonts.css names the
same range, so a letter outside it is drawn by the reader's own fonts. The Latin files
(digits, spaces and Latin punctuation) are copied as they are.
"""

import shutil
import sys
from pathlib import Path

from fontTools import subset

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
ARABIC = "U+0600-06FF,U+200C-200F,U+FD3E-FD3F"  # keep in step with static/css/fonts.css
WEIGHTS = (400, 700)


def main(package: Path) -> int:
    files = package / "files"
    for weight in WEIGHTS:
        subset.main(
            [
                str(files / f"noto-naskh-arabic-arabic-{weight}-normal.woff2"),
                f"--unicodes={ARABIC}",
                "--layout-features=*",
                "--flavor=woff2",
                f"--output-file={FONTS / f'noto-naskh-arabic-arabic-{weight}-normal.woff2'}",
            ]
        )
        shutil.copy(files / f"noto-naskh-arabic-latin-{weight}-normal.woff2", FONTS)
    shutil.copy(package / "LICENSE", FONTS / "OFL.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
