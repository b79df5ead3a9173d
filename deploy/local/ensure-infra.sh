#!/usr/bin/env bash
# Make sure RabbitMQ and PostgreSQL answer at AMQP_URI / DATABASE_URL.
# Reuse servers that answer; start local ones that are installed but stopped; install them
# with apt when missing (as root; otherwise say exactly what to run). Safe to run again.
set -euo pipefail

AMQP_URI=${AMQP_URI:-amqp://guest:guest@127.0.0.1:5672/}
DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}

host_port() {  # URL default-port -> "host port"
  python3 - "$1" "$2" <<'PY'
import sys
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
print(u.hostname or "127.0.0.1", u.port or int(sys.argv[2]))
PY
}

answers() {  # host port
  python3 -c "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 2).close()" "$1" "$2" 2>/dev/null
}

wait_for() {  # name host port seconds
  for _ in $(seq 1 "$4"); do answers "$2" "$3" && return 0; sleep 1; done
  echo "!! $1 did not answer on $2:$3 after $4 s" >&2
  return 1
}

is_local() { [[ "$1" == "127.0.0.1" || "$1" == "localhost" || "$1" == "::1" ]]; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else
    echo "!! This needs root. Run:  sudo $*" >&2
    return 1
  fi
}

apt_install() {
  echo "-- installing $* with apt"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  read -r host port < <(host_port "$DATABASE_URL" 5432)
  if answers "$host" "$port"; then echo "-- PostgreSQL answers on $host:$port"; return; fi
  is_local "$host" || { echo "!! PostgreSQL at $host:$port does not answer (DATABASE_URL)" >&2; exit 1; }
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "-- starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for PostgreSQL "$host" "$port" 30
  trust_loopback "$version"
}

# A freshly installed server asks for a password on TCP; the development default URL has
# none, so loopback connections are trusted, as on the project's machines.
trust_loopback() {
  local hba="/etc/postgresql/$1/main/pg_hba.conf"
  if psql "$DATABASE_URL" -Atqc "select 1" >/dev/null 2>&1 || [[ ! -f "$hba" ]]; then return; fi
  grep -q "laas: trust loopback" "$hba" && return
  echo "-- trusting loopback connections in $hba (development only)"
  as_root sed -i "1i host all all 127.0.0.1/32 trust  # laas: trust loopback\nhost all all ::1/128 trust  # laas: trust loopback" "$hba"
  as_root pg_ctlcluster --skip-systemctl-redirect "$1" main reload
}

ensure_rabbitmq() {
  read -r host port < <(host_port "$AMQP_URI" 5672)
  if answers "$host" "$port"; then echo "-- RabbitMQ answers on $host:$port"; return; fi
  is_local "$host" || { echo "!! RabbitMQ at $host:$port does not answer (AMQP_URI)" >&2; exit 1; }
  command -v rabbitmq-server >/dev/null || [[ -x /usr/sbin/rabbitmq-server ]] || apt_install rabbitmq-server
  echo "-- starting RabbitMQ"
  as_root rabbitmq-server -detached || true
  wait_for RabbitMQ "$host" "$port" 90
}

ensure_postgres
ensure_rabbitmq
