#!/usr/bin/env bash
# Put the onedir build on the desktop menu of the current user (no root needed).
#
#   packaging/linux/install.sh [path/to/dist/iijdesk]   # default: dist/iijdesk of this checkout
#   packaging/linux/install.sh --uninstall
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
APPS="$DATA/applications"
ICONS="$DATA/icons/hicolor"

if [[ "${1:-}" == --uninstall ]]; then
    rm -f "$APPS/iijdesk.desktop"
    find "$ICONS" -name iijdesk.png -path '*/apps/*' -delete 2>/dev/null || true
    echo "removed iijdesk from the menu"
    exit 0
fi

APP="$(cd "${1:-$ROOT/dist/iijdesk}" && pwd)"
[[ -x "$APP/iijdesk" ]] || { echo "no executable at $APP/iijdesk; build it with packaging/build.sh" >&2; exit 1; }
ICON_SRC="$APP/_internal/resources/icons"
[[ -d "$ICON_SRC" ]] || ICON_SRC="$ROOT/resources/icons"

mkdir -p "$APPS"
for s in 16 32 48 64 128 256 512; do
    if [[ -f "$ICON_SRC/iijdesk-$s.png" ]]; then
        mkdir -p "$ICONS/${s}x${s}/apps"
        cp "$ICON_SRC/iijdesk-$s.png" "$ICONS/${s}x${s}/apps/iijdesk.png"
    fi
done
sed -e "s|^Exec=.*|Exec=\"$APP/iijdesk\" %F|" -e "s|^Icon=.*|Icon=iijdesk|" \
    "$HERE/iijdesk.desktop" > "$APPS/iijdesk.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database "$APPS" || true
command -v desktop-file-validate >/dev/null && desktop-file-validate "$APPS/iijdesk.desktop" || true
echo "installed: $APPS/iijdesk.desktop -> $APP/iijdesk"
