#!/usr/bin/env bash
# Python 3.11 with venv (nameko's eventlet does not run on 3.12+).
set -euo pipefail
if command -v python3.11 >/dev/null && python3.11 -c "import venv, ensurepip" 2>/dev/null; then exit 0; fi
echo "-- installing Python 3.11 with apt"
if [[ $(id -u) -ne 0 ]]; then
  echo "!! This needs root. Run:  sudo apt-get install -y python3.11 python3.11-venv" >&2
  exit 1
fi
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11 python3.11-venv >/dev/null
