#!/usr/bin/env bash
# System packages the product needs beyond Python: Debian's Chromium (chart exports with kaleido, browser
# tests) and a CJK font whose PDF text extracts cleanly (fonts-wqy-microhei). Installs them when it can
# (root with apt-get); otherwise says exactly what to install and carries on.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig
  exit $?
fi
echo "NOTE: missing system packages: ${missing[*]}" >&2
echo "      Chart exports and the browser tests need them. Install with:" >&2
echo "      sudo apt-get install --no-install-recommends ${missing[*]}" >&2
exit 0
