#!/usr/bin/env bash
# Debian's Chromium (and Thai fonts) for the Playwright browser tests; Playwright's own
# browser download is not used.
set -euo pipefail
if [[ -x /usr/bin/chromium ]] && fc-list 2>/dev/null | grep -qi -e garuda -e loma -e "noto sans thai"; then exit 0; fi
if [[ $(id -u) -ne 0 ]]; then
  echo "!! The browser tests need Chromium. Run:  sudo apt-get install -y chromium fonts-thai-tlwg" >&2
  exit 1
fi
echo "-- installing Chromium and Thai fonts with apt"
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-thai-tlwg >/dev/null
