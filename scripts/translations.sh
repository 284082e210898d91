#!/usr/bin/env bash
# Translations of the web UI (English msgids, zh_CN translation), domain "messages".
#
#   scripts/translations.sh extract   # templates + Python -> shared/translations/messages.pot,
#                                     # then update (or create) zh_CN/LC_MESSAGES/messages.po
#   scripts/translations.sh compile   # messages.po -> messages.mo (not committed; `make` compiles it)
#
# pybabel comes from $PYBABEL, else from PATH. Runs from the repository root wherever it is called.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYBABEL="${PYBABEL:-pybabel}"
DIR=shared/translations
DOMAIN=messages
POT="$DIR/$DOMAIN.pot"
LOCALES=(zh_CN)

usage() {
    echo "usage: $0 extract|compile" >&2
    exit 2
}

extract() {
    mkdir -p "$DIR"
    "$PYBABEL" extract -F babel.cfg -k N_ -k _l -c TRANSLATORS: \
        --project Jingzhun -o "$POT" .
    local locale
    for locale in "${LOCALES[@]}"; do
        if [[ -f "$DIR/$locale/LC_MESSAGES/$DOMAIN.po" ]]; then
            "$PYBABEL" update -i "$POT" -d "$DIR" -l "$locale" -D "$DOMAIN"
        else
            "$PYBABEL" init -i "$POT" -d "$DIR" -l "$locale" -D "$DOMAIN"
        fi
    done
}

compile() {
    "$PYBABEL" compile -d "$DIR" -D "$DOMAIN"
}

[[ $# -eq 1 ]] || usage
case "$1" in
    extract) extract ;;
    compile) compile ;;
    *) usage ;;
esac
