#!/usr/bin/env bash
# Installs the bundle that `make bundle` built for the current user, with a menu entry and
# icons, the way desktop applications are installed on Linux.
#
#   bash packaging/linux/install.sh               install into ~/.local
#   bash packaging/linux/install.sh --uninstall   remove it again (your chats and models stay)
#   PREFIX=/usr/local sudo -E bash packaging/linux/install.sh    for every user
set -euo pipefail
cd "$(dirname "$0")/../.."

prefix=${PREFIX:-$HOME/.local}
lib="$prefix/lib/inkwell"
bin="$prefix/bin/inkwell"
desktop="$prefix/share/applications/inkwell.desktop"
icons="$prefix/share/icons/hicolor"

refresh_menus() {
    # Not every desktop has these tools; menus pick the changes up at the next login anyway.
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$prefix/share/applications" || true
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$icons" || true
}

if [[ ${1:-} == --uninstall ]]; then
    rm -rf "$lib"
    rm -f "$bin" "$desktop" "$icons"/*/apps/inkwell.png
    refresh_menus
    echo "Inkwell removed from $prefix"
    exit 0
fi

if [[ ! -x dist/inkwell/inkwell ]]; then
    echo "install: no bundle in dist/inkwell; run \`make bundle\` first" >&2
    exit 1
fi
rm -rf "$lib"
mkdir -p "$(dirname "$lib")" "$(dirname "$bin")" "$(dirname "$desktop")"
cp -a dist/inkwell "$lib"
ln -sf "$lib/inkwell" "$bin"
# An absolute Exec: the desktop session's PATH often lacks ~/.local/bin.
sed "s|^Exec=inkwell|Exec=\"$lib/inkwell\"|" packaging/linux/inkwell.desktop > "$desktop"
for icon in resources/icons/hicolor/*/apps/inkwell.png; do
    target="$icons/${icon#resources/icons/hicolor/}"
    mkdir -p "$(dirname "$target")"
    cp "$icon" "$target"
done
refresh_menus
echo "Inkwell installed in $lib; start it from the applications menu or with \`$bin\`"
