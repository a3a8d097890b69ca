#!/bin/sh
# System packages careprint uses, installed where this machine allows it (Debian/Ubuntu
# as root, or with sudo). Elsewhere it prints what to install and carries on.
#   libharfbuzz-subset0  WeasyPrint subsets fonts with it (much faster than fontTools)
#   fonts-dejavu-core    a fallback for what careprint's own typefaces (careprint/fonts:
#                        Lato, Atkinson Hyperlegible) do not cover; the tests set it against them
#   poppler-utils        pdftoppm and pdftotext, to look at and test the PDFs
#   fontconfig           fc-list: which characters the installed fonts can draw (careprint/glyphs.py)
#   zbar-tools           zbarimg: the tests read the QR codes of the handouts (tests/test_online.py)
# Without recommended packages: zbar-tools' ImageMagick recommends Ghostscript, whose fonts
# (a CJK fallback among them) would change which characters this machine can draw, and so
# what careprint/glyphs.py and its tests find.
#   a Java runtime       EPUBCheck (the tests run it on every EPUB)
PACKAGES="libharfbuzz-subset0 fonts-dejavu-core poppler-utils fontconfig zbar-tools"
missing=""
for p in $PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
[ -z "$missing" ] && exit 0
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
    echo "Installing system packages:$missing"
    $SUDO apt-get update -qq && \
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        $missing >/dev/null && exit 0
  fi
fi
echo "Note: please install these system packages with your package manager:$missing" >&2
exit 0
