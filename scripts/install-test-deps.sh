#!/bin/sh
# Installs what the test suite talks to, then the npm dependencies if node_modules does not match package.json.
# Safe to run again: it installs only what is missing, and with nothing missing it needs no network.
#
# Debian/Ubuntu packages (apt-get, with sudo unless run as root):
#   memcached          the memcached cache store's tests run against a real memcached
#   nginx              the reverse-proxy configuration is tested against a real nginx
#   chromium           the playground and Swagger UI are tested in a real browser (playwright-core drives it)
#   iproute2           `ip`, to bring up loopback in the tests' network namespace
#   util-linux         `unshare`, to run the tests in a namespace that has nothing but loopback
#   procps             `pgrep`, with which the cluster test finds the workers
#   ca-certificates    TLS roots for apt and npm
set -eu
cd "$(dirname "$0")/.."

PACKAGES="memcached nginx chromium iproute2 util-linux procps ca-certificates"

say() { printf 'install-test-deps: %s\n' "$*"; }

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  say "no apt-get here: install these packages (or their equivalents) yourself: $PACKAGES" >&2
  exit 1
fi

missing=""
for package in $PACKAGES; do
  installed "$package" || missing="$missing $package"
done

if [ -z "$missing" ]; then
  say "system packages present:$(printf ' %s' $PACKAGES)"
else
  if [ "$(id -u)" -eq 0 ]; then
    as_root=""
  elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
  else
    say "not root and no sudo: as root, run apt-get install -y$missing" >&2
    exit 1
  fi
  say "installing with apt-get${as_root:+ (through sudo)}:$missing"
  $as_root apt-get update -qq
  # env, not a prefix assignment: sudo drops the caller's environment. $missing is a list of package names.
  # shellcheck disable=SC2086
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  say "installed:$missing"
fi

# `npm ls` fails when a dependency of package.json is missing or does not satisfy its range.
if npm ls --all >/dev/null 2>&1; then
  say "node_modules matches package.json: no npm ci needed"
else
  say "node_modules is missing or out of date: npm ci"
  npm ci --no-audit --no-fund
fi
