#!/bin/sh
# Install Ace by DAISY (the EPUB accessibility checker that `careprint check --outputs`
# runs) into ./node_modules, and the Chromium it drives.
#
#   sh scripts/install-ace.sh
#
# - @daisy/ace comes from npm at the version pinned in package.json (package-lock.json
#   pins everything under it; `npm ci` installs exactly that). The plain install tries to
#   download Electron and a Chromium build of Puppeteer's own: both are skipped
#   (ELECTRON_SKIP_BINARY_DOWNLOAD, PUPPETEER_SKIP_DOWNLOAD) because careprint runs
#   `ace-puppeteer` with Debian's Chromium instead.
# - Chromium comes from Debian (`apt-get install chromium`), as root or with sudo;
#   elsewhere the script says what to install and exits 1.
# Needs Node.js 20 or newer and npm 10 or newer.
set -eu
cd "$(dirname "$0")/.."

CHROMIUM=/usr/lib/chromium/chromium
status=0

if [ ! -x "$CHROMIUM" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
    if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
      echo "Installing Debian's chromium (for Ace by DAISY)"
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
    fi
  fi
  if [ ! -x "$CHROMIUM" ]; then
    echo "Note: install Chromium (Debian/Ubuntu: apt-get install chromium) so that" \
         "$CHROMIUM exists, or set PUPPETEER_EXECUTABLE_PATH to a Chrome or Chromium." >&2
    status=1
  fi
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "Note: Ace by DAISY needs Node.js 20+ and npm (Debian/Ubuntu: apt-get install" \
       "nodejs npm); then run this script again." >&2
  exit 1
fi

export ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
test -x node_modules/.bin/ace-puppeteer || {
  echo "error: node_modules/.bin/ace-puppeteer is missing after npm install" >&2
  exit 1
}
echo "Ace by DAISY: $(node_modules/.bin/ace-puppeteer --version 2>/dev/null || echo installed)"
exit $status
