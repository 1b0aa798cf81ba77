#!/usr/bin/env bash
# Installs what the Carbone peer row of `make bench` needs: node and npm (Debian's packages,
# through scripts/install-system.sh --bench) and the carbone npm package pinned in
# package.json, under benchmarks/peer/node_modules.
# Idempotent: does nothing when everything is already there. `make test` never calls it.
set -euo pipefail
cd "$(dirname "$0")"

bash ../../scripts/install-system.sh --bench  # node and npm, when missing

want=$(node -p "require('./package.json').dependencies.carbone")
have=$(node -p "try { require('carbone/package.json').version } catch (e) { '' }")
if [ "$have" != "$want" ]; then
  echo "Installing carbone $want under benchmarks/peer/node_modules"
  npm install --no-audit --no-fund --silent
fi
