#!/usr/bin/env bash
# Translations of the web UI (English msgids), domain "messages".
#   zh_CN: every msgid translated.
#   en:    only the data codes (msgids like `exit_proposed`, see shared/web/vocabulary.py) get a
#          human label ("Exit proposed"); everything else stays empty and falls back to the msgid.
#
#   scripts/translations.sh extract   # templates + Python -> shared/translations/messages.pot,
#                                     # then update (or create) <locale>/LC_MESSAGES/messages.po
#   scripts/translations.sh compile   # messages.po -> messages.mo (not committed; `make` compiles it)
#
# pybabel comes from $PYBABEL, else from PATH. Runs from the repository root wherever it is called.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYBABEL="${PYBABEL:-pybabel}"
DIR=shared/translations
DOMAIN=messages
POT="$DIR/$DOMAIN.pot"
LOCALES=(zh_CN en)
# Locales updated without fuzzy matching: in en a new code must come in empty (so
# tests/unit/test_vocabulary.py names it) rather than with a neighbour's label.
NO_FUZZY=(en)

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
            local opts=()
            if [[ " ${NO_FUZZY[*]} " == *" $locale "* ]]; then
                opts+=(--no-fuzzy-matching)
            fi
            # update keeps every existing msgstr (translations, English labels)
            "$PYBABEL" update -i "$POT" -d "$DIR" -l "$locale" -D "$DOMAIN" "${opts[@]}"
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
