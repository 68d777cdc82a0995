#!/usr/bin/env bash
# Extracts the translatable strings into bangkit/locale/en (source strings are Indonesian) and compiles them.
# With --check it also fails when any string lacks an English translation or is marked fuzzy.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
mkdir -p bangkit/locale
BANGKIT_ENV=development $py manage.py makemessages -l en --no-obsolete --no-location \
  --ignore '.venv/*' --ignore '.uv/*' --ignore 'node_modules/*' --ignore 'var/*' --ignore 'bench/*' \
  --ignore '*/tests/*' --ignore 'bangkit/static/*' --verbosity 0
po=bangkit/locale/en/LC_MESSAGES/django.po
if [ "${1:-}" = "--check" ]; then
  untranslated=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
  # msgattrib prints the header entry too when anything is left.
  if [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
    echo "English catalog incomplete: $po — untranslated or fuzzy entries:" >&2
    msgattrib --untranslated --only-fuzzy --no-obsolete "$po" >&2 || true
    msgattrib --untranslated --no-obsolete "$po" | grep -A1 '^msgid ' | head -40 >&2
    exit 1
  fi
fi
BANGKIT_ENV=development $py manage.py compilemessages --ignore '.venv/*' --ignore '.uv/*' --verbosity 0
echo "catalog: $(msgfmt --statistics -o /dev/null "$po" 2>&1)"
