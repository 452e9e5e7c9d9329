#!/usr/bin/env bash
# System packages the product and its tests need beyond Python: Debian's Chromium (chart exports with
# kaleido, browser tests), a CJK font whose PDF text extracts cleanly (fonts-wqy-microhei), PostgreSQL
# (the operational-database tests start a throwaway server with its initdb + pg_ctl), poppler-utils
# (pdftotext / pdfinfo in the report tests) and Node.js + npm (the local OIDC provider of the sign-in
# tests, tests/oidc/; on a node older than 20.18, e.g. Debian 12's 18, the tests fetch a newer Node
# build from the npm registry themselves: tests/support/oidc.py). Installs what is missing when it can
# (root with apt-get), each with --no-install-recommends; when everything is present it only looks (well
# under a second). Otherwise it says exactly what to install and carries on.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || missing+=(fonts-wqy-microhei fontconfig)
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit $?
fi
echo "NOTE: missing system packages: ${missing[*]}" >&2
echo "      Chart exports, the browser, PostgreSQL, PDF and sign-in tests need them. Install with:" >&2
echo "      sudo apt-get install --no-install-recommends ${missing[*]}" >&2
exit 0
