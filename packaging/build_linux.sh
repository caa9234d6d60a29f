#!/usr/bin/env bash
# Builds LSTM Forecaster for Linux into dist/: the onedir folder, a .tar.gz of it and a .deb.
# Run from the repository root with the project installed in the active Python:
#   pip install -e ".[packaging]" && bash packaging/build_linux.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
NAME=lstm-forecaster
VERSION=$("$PYTHON" -c "import core; print(core.__version__)")
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
started=$(date +%s)

"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/lstm_forecaster.spec
built=$(date +%s)

tarball="dist/${NAME}-${VERSION}-linux-$(uname -m).tar.gz"
tar -C dist -czf "$tarball" "$NAME"

# .deb: the app under /opt, a launcher on the PATH, a desktop entry, icons and the model MIME type
stage="build/deb/${NAME}_${VERSION}_${ARCH}"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$stage/usr/share/mime/packages" "$stage/usr/share/icons/hicolor/scalable/apps"
cp -a "dist/$NAME" "$stage/opt/$NAME"
cat > "$stage/usr/bin/$NAME" <<'LAUNCHER'
#!/bin/sh
exec /opt/lstm-forecaster/lstm-forecaster "$@"
LAUNCHER
chmod 755 "$stage/usr/bin/$NAME"
install -m 644 packaging/linux/lstm-forecaster.desktop "$stage/usr/share/applications/$NAME.desktop"
install -m 644 packaging/linux/lstm-forecaster-mime.xml "$stage/usr/share/mime/packages/$NAME.xml"
install -m 644 resources/icons/app.svg "$stage/usr/share/icons/hicolor/scalable/apps/$NAME.svg"
for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$stage/usr/share/icons/hicolor/${size}x${size}/apps"
    install -m 644 "resources/icons/app_${size}.png" "$stage/usr/share/icons/hicolor/${size}x${size}/apps/$NAME.png"
done
installed_kb=$(du -sk "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: $NAME
Version: $VERSION
Architecture: $ARCH
Maintainer: LSTM Forecaster contributors <lstm-forecaster@users.noreply.github.com>
Installed-Size: $installed_kb
Section: science
Priority: optional
Depends: libc6 (>= 2.28), libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-image0, libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xkb1, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1, libfreetype6, libdbus-1-3, libegl1, libgl1, libglib2.0-0
Homepage: https://github.com/lstm-forecaster/lstm-forecaster
Description: Time-series forecasting with LSTM, GRU and RNN networks
 Open a CSV (Excel's, in any common encoding, Chinese column names included), pick
 the target and feature columns, train in the background and see real versus
 predicted curves next to honest baselines, with forecasts and prediction intervals.
CONTROL
cat > "$stage/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
command -v update-desktop-database >/dev/null && update-desktop-database -q /usr/share/applications || true
command -v update-mime-database >/dev/null && update-mime-database /usr/share/mime || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
POSTINST
cp "$stage/DEBIAN/postinst" "$stage/DEBIAN/postrm"
chmod 755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/postrm"
deb="dist/${NAME}_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$deb" >/dev/null
finished=$(date +%s)

echo "built in $((finished - started)) s (PyInstaller $((built - started)) s)"
echo "onedir:  dist/$NAME  $(du -sh "dist/$NAME" | cut -f1)"
echo "tarball: $tarball  $(du -sh "$tarball" | cut -f1)"
echo "deb:     $deb  $(du -sh "$deb" | cut -f1)"
