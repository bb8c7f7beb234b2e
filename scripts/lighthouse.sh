#!/bin/sh
# Lighthouse 12.2, mobile, on the home page and an article of a running site (`make serve`
# on :8080 by default, or `make run`: scripts/lighthouse.sh http://127.0.0.1:8000).
# Prints the four scores of each page and the article's bytes transferred before images
# (fonts included). Reports only: nothing here is asserted in CI.
#
# Lighthouse is installed on first use into var/lighthouse (its own folder: an
# `npm install --no-save` into var/node would prune axe-core and vnu-jar, which the tests use).
set -eu
cd "$(dirname "$0")/.."
SITE="${1:-http://127.0.0.1:8080}"
PREFIX=var/lighthouse
LIGHTHOUSE="$PREFIX/node_modules/.bin/lighthouse"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

test -x "$LIGHTHOUSE" || npm install --prefix "$PREFIX" --no-save --no-audit --no-fund --loglevel=error lighthouse@12.2
curl -fsS -o /dev/null "$SITE/" || { echo "Nothing answers on $SITE: start \`make serve\` (or \`make run\`) first."; exit 1; }
ARTICLE="$(curl -fsS "$SITE/" | grep -o 'href="/article/[^"]*"' | head -n 1 | sed 's/^href="//; s/"$//')"
test -n "$ARTICLE" || { echo "The home page links no article."; exit 1; }

mkdir -p "$PREFIX/reports"
for name in home article; do
	if [ "$name" = home ]; then url="$SITE/"; else url="$SITE$ARTICLE"; fi
	# Twice: the first run fills the page cache and makes the image renditions.
	for run in warm measure; do
		"$LIGHTHOUSE" "$url" --quiet --output=json --output-path="$PREFIX/reports/$name.json" \
			--form-factor=mobile --only-categories=performance,accessibility,best-practices,seo \
			--chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null
	done
done

.venv/bin/python - "$PREFIX/reports" <<'PY'
import json
import sys
from pathlib import Path

folder = Path(sys.argv[1])
for name in ("home", "article"):
    report = json.loads((folder / f"{name}.json").read_text())
    scores = {key: round(category["score"] * 100) for key, category in report["categories"].items()}
    requests = report["audits"]["network-requests"]["details"]["items"]
    before_images = sum(item.get("transferSize", 0) for item in requests if item.get("resourceType") != "Image")
    images = sum(item.get("transferSize", 0) for item in requests if item.get("resourceType") == "Image")
    print(
        f"{name:8} performance {scores['performance']:3}  accessibility {scores['accessibility']:3}  "
        f"best practices {scores['best-practices']:3}  SEO {scores['seo']:3}  "
        f"transferred {before_images / 1000:.1f} KB before images (+{images / 1000:.1f} KB images)  "
        f"LCP {report['audits']['largest-contentful-paint']['displayValue']}"
    )
    for key, category in report["categories"].items():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1 and key != "performance":
                print(f"         {key}: {audit['title']}")
PY
