#!/usr/bin/env bash
# Installs what the Carbone peer row of `make bench` needs: node and npm (Debian's packages)
# and the carbone npm package pinned in package.json, under benchmarks/peer/node_modules.
# Idempotent: does nothing when everything is already there. `make test` never calls it.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "Error: installing node and npm needs root: run 'sudo make bench'." >&2; exit 2
    fi
  fi
  echo "Installing system packages: nodejs npm"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi

want=$(node -p "require('./package.json').dependencies.carbone")
have=$(node -p "try { require('carbone/package.json').version } catch (e) { '' }")
if [ "$have" != "$want" ]; then
  echo "Installing carbone $want under benchmarks/peer/node_modules"
  npm install --no-audit --no-fund --silent
fi
