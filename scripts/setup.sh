#!/usr/bin/env bash
# One-time set-up on a fresh machine: npm packages, then the Debian packages that provide
# promtool, Prometheus, Alertmanager and amtool, and valgrind (the instructions benchmark), only
# when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Not `npm ci`: vite (under vitest) lists an optional Windows-only package that the registry does
# not serve, and npm ci refuses any lock without it; npm install skips it and keeps the lock as is.
echo "setup: installing npm packages (npm install, from package-lock.json)"
npm install --no-audit --no-fund
# The published packages' JavaScript (dist/, git-ignored), so `npx mcp-observability` works here as
# in a user's project; the repository's own scripts and tests run the TypeScript sources.
echo "setup: compiling the published packages (npm run compile)"
npm run compile --silent

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
echo "setup: promtool $(promtool --version 2>&1 | head -n 1 | awk '{print $3}'), alertmanager $(prometheus-alertmanager --version 2>&1 | head -n 1 | awk '{print $3}')"
