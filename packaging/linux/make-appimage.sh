#!/usr/bin/env bash
# Lays out an AppDir from the bundle that `make bundle` built, and packs it into an AppImage
# when appimagetool is available.
#
#   bash packaging/linux/make-appimage.sh     -> build/Inkwell.AppDir, dist/Inkwell-VERSION-ARCH.AppImage
#
# appimagetool is not downloaded by this script: get it from
# https://github.com/AppImage/appimagetool/releases (appimagetool-x86_64.AppImage or
# -aarch64), make it executable and put it on PATH as `appimagetool`, or point
# APPIMAGETOOL at it. Without it the AppDir is still made, and runs as build/Inkwell.AppDir/AppRun.
set -euo pipefail
cd "$(dirname "$0")/../.."

bundle=dist/inkwell
appdir=build/Inkwell.AppDir
if [[ ! -x $bundle/inkwell ]]; then
    echo "make-appimage: no bundle in $bundle; run \`make bundle\` first" >&2
    exit 1
fi
version=$("$bundle/inkwell" --version | cut -d' ' -f2)
arch=$(uname -m)

rm -rf "$appdir"
mkdir -p "$appdir/usr/lib" "$appdir/usr/share/applications"
cp -a "$bundle" "$appdir/usr/lib/inkwell"
cp packaging/linux/inkwell.desktop "$appdir/inkwell.desktop"
cp packaging/linux/inkwell.desktop "$appdir/usr/share/applications/inkwell.desktop"
for icon in resources/icons/hicolor/*/apps/inkwell.png; do
    target="$appdir/usr/share/icons/${icon#resources/icons/}"
    mkdir -p "$(dirname "$target")"
    cp "$icon" "$target"
done
cp resources/icons/hicolor/256x256/apps/inkwell.png "$appdir/inkwell.png"
ln -s inkwell.png "$appdir/.DirIcon"

cat > "$appdir/AppRun" <<'APPRUN'
#!/bin/sh
# Starts the bundled Inkwell with the arguments the AppImage was given.
here="$(dirname "$(readlink -f "$0")")"
exec "$here/usr/lib/inkwell/inkwell" "$@"
APPRUN
chmod +x "$appdir/AppRun"
echo "make-appimage: laid out $appdir (Inkwell $version)"

tool=${APPIMAGETOOL:-$(command -v appimagetool || true)}
if [[ -z $tool ]]; then
    echo "make-appimage: appimagetool not found, so no .AppImage was packed." >&2
    echo "  Get it from https://github.com/AppImage/appimagetool/releases, then run:" >&2
    echo "  APPIMAGETOOL=/path/to/appimagetool-$arch.AppImage bash $0" >&2
    exit 0
fi
output="dist/Inkwell-$version-$arch.AppImage"
ARCH=$arch "$tool" "$appdir" "$output"
echo "make-appimage: wrote $output"
