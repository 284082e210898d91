#!/usr/bin/env bash
# Make the secrets docker-compose.yml reads (once; an existing file is kept):
#   deploy/secrets/secret_key      signs sessions (every service must share it)
#   deploy/secrets/id_number_key   Fernet key that encrypts ID numbers (losing it loses them)
# The folder is git-ignored: secrets never enter the repository.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir="${JINGZHUN_SECRETS_DIR:-deploy/secrets}"
mkdir -p "$dir" && chmod 700 "$dir"
umask 077
make_one() {
    [ -s "$dir/$1" ] && { echo "kept $dir/$1"; return; }
    python3 -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom($2)).decode())" > "$dir/$1"
    echo "made $dir/$1"
}
make_one secret_key 48
make_one id_number_key 32
