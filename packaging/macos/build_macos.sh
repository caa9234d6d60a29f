#!/usr/bin/env bash
# Builds "LSTM Forecaster.app" (arm64: torch has no Intel-mac wheels after 2.2) and a .dmg into dist/.
# Run on an Apple-silicon Mac from the repository root with the project installed:
#   pip install -e ".[packaging]" && bash packaging/macos/build_macos.sh
# Not run on the development machine (Linux): the GitHub Actions workflow builds and self-tests it.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python}
VERSION=$("$PYTHON" -c "import core; print(core.__version__)")
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/lstm_forecaster.spec
app="dist/LSTM Forecaster.app"
# unsigned build: ad-hoc sign so Apple silicon runs it; notarization needs the project's Developer ID
codesign --force --deep --sign - "$app"
staging=build/dmg
rm -rf "$staging" && mkdir -p "$staging"
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
dmg="dist/lstm-forecaster-${VERSION}-macos-arm64.dmg"
rm -f "$dmg"
hdiutil create -volname "LSTM Forecaster" -srcfolder "$staging" -ov -format UDZO "$dmg"
echo "app: $app  $(du -sh "$app" | cut -f1)"
echo "dmg: $dmg  $(du -sh "$dmg" | cut -f1)"
