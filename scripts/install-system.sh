#!/usr/bin/env bash
# Installs the system packages the pipeline needs on Debian/Ubuntu, once.
# LibreOffice converts the documents to PDF; python3-uno lets the pipeline keep it warm;
# the Carlito, Caladea and Liberation fonts are metric-compatible with Word's Calibri,
# Cambria, Arial and Times, so documents keep their layout; poppler-utils gives pdftoppm
# for looking at pages; chromium and chromium-driver run axe-core over the web pages in the
# tests (Debian's own browser: nothing is downloaded at test time). Idempotent: does nothing when everything is already there.
# With --bench it installs only what make bench's Carbone row adds (node and npm, for the
# carbone npm package): benchmarks/peer/setup.sh calls it that way; make test never does.
set -euo pipefail

PACKAGES=(
  libreoffice-writer-nogui libreoffice-calc-nogui python3-uno
  fonts-crosextra-carlito fonts-crosextra-caladea fonts-liberation2
  poppler-utils python3-venv chromium chromium-driver
)
BENCH_PACKAGES=(nodejs npm)
TARGET=demo

have_all() {
  command -v soffice >/dev/null 2>&1 || return 1
  /usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || return 1
  command -v pdftoppm >/dev/null 2>&1 || return 1
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || return 1
  done
}

if [ "${1:-}" = "--bench" ]; then
  # a node from elsewhere (NodeSource's nodejs bundles npm) is used as it is
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then exit 0; fi
  PACKAGES=("${BENCH_PACKAGES[@]}")
  TARGET=bench
elif have_all; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Error: this machine has no apt-get. Install these packages (or their equivalents)" >&2
  echo "       ${PACKAGES[*]} by hand, then run make again." >&2
  exit 2
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Error: installing system packages needs root: run 'sudo make ${TARGET}'." >&2; exit 2
  fi
fi

echo "Installing system packages: ${PACKAGES[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
