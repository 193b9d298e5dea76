#!/usr/bin/env bash
# Debian packages the project needs: CJK fonts and Pango for PDF reports, poppler for PDF tests,
# Chromium for browser tests, PostgreSQL for the web app's second database, nginx for the
# production reverse proxy (deploy/nginx/, tested in tests/deploy/), a headless Java runtime for
# Apache Spark (`crossroads screen --engine spark`, local[*] in tests), Tesseract with English,
# Simplified Chinese and orientation data for OCR of scanned records (crossroads.records.ocr).
# Idempotent: installs only what is missing, and runs `apt-get update` only then.
set -euo pipefail
PACKAGES=(fonts-noto-cjk fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
          poppler-utils chromium postgresql nginx default-jre-headless
          tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-osd)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: please install these Debian packages: ${missing[*]}" >&2
  echo "setup: (sudo apt-get install -y ${missing[*]})" >&2
  exit 0
fi
echo "setup: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
