#!/usr/bin/env bash
# Collect every marked text (N_, and NP_'s singular and plural) into
# pathway/locale/kivo.pot and merge it into the Swedish catalogue; then translate the new
# entries in pathway/locale/sv/LC_MESSAGES/kivo.po (a counted one in both its forms).
# tests/unit/test_catalogue.py fails while the template or a translation is behind.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F pathway/locale/babel.cfg -k N_ -k NP_:1,2 --no-location \
    --omit-header -o pathway/locale/kivo.pot states pathway cli web
if [ ! -f pathway/locale/sv/LC_MESSAGES/kivo.po ]; then
    pybabel init -i pathway/locale/kivo.pot -d pathway/locale -D kivo -l sv
fi
pybabel update -i pathway/locale/kivo.pot -d pathway/locale -D kivo -l sv \
    --no-fuzzy-matching --ignore-obsolete --omit-header
