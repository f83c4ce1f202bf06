#!/usr/bin/env bash
# Installs (from Debian packages) and starts what the integration and browser tests need:
# RabbitMQ on 127.0.0.1:5672, PostgreSQL on 127.0.0.1:5432 (database "alerts", postgres/postgres)
# and Chromium at /usr/bin/chromium. Safe to run again: what is already running is left alone.
set -euo pipefail

need_apt=()
command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || need_apt+=(rabbitmq-server)
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "services: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

port_open() { ss -ltn "( sport = :$1 )" | grep -q LISTEN; }

# RabbitMQ
if ! port_open 5672; then
  echo "services: starting RabbitMQ"
  mkdir -p /etc/rabbitmq
  printf 'NODENAME=rabbit@localhost\nNODE_IP_ADDRESS=127.0.0.1\nNODE_PORT=5672\n' > /etc/rabbitmq/rabbitmq-env.conf
  rabbitmq-plugins enable --offline rabbitmq_management >/dev/null 2>&1 || true
  rabbitmq-server -detached
  for _ in $(seq 90); do rabbitmqctl await_startup --timeout 60 >/dev/null 2>&1 && break; sleep 1; done
  rabbitmqctl await_startup --timeout 5 >/dev/null
fi

# PostgreSQL
if ! port_open 5432; then
  echo "services: starting PostgreSQL"
  version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  (cd / && (pg_lsclusters -h | grep -q "^$version \+main " || pg_createcluster "$version" main >/dev/null))
  (cd / && pg_ctlcluster "$version" main start)
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
(cd / && su postgres -c "psql -qX -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null)
(cd / && su postgres -c "createdb alerts" 2>/dev/null) || true

echo "services: RabbitMQ on 127.0.0.1:5672, PostgreSQL on 127.0.0.1:5432, Chromium at /usr/bin/chromium"
