#!/usr/bin/env bash
# The household card's PDF embeds a font that covers Chinese: Noto Sans CJK (SIL Open Font
# License 1.1), from Debian's fonts-noto-cjk — the registry reads it from CARD_FONT
# (shared/config.py). Install it once if it is missing (these machines reach Debian's packages).
set -euo pipefail
FONT="${CARD_FONT:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"
if [ -f "$FONT" ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "The card's CJK font is missing ($FONT): run 'sudo apt-get install -y fonts-noto-cjk' (needed by the household card's PDF)." >&2
  exit 1
fi
echo "installing Debian's fonts-noto-cjk for the household card's PDF…"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null
