#!/usr/bin/env bash
# The project's benchmark (not a test; CI does not run it). Builds Release and runs:
#   per core:    Alerts.WebPush vs Lib.Net.Http.WebPush 3.3.1 vs `openssl speed ecdhp256`
#   end to end:  Alerts.Server processes on the local PostgreSQL (127.0.0.1:5432, postgres/postgres) and
#                RabbitMQ (amqp://guest:guest@127.0.0.1:5672/), one and two workers, the Lib.Net baseline,
#                the capacity table and the morning digest peak.
# Usage: bash benchmarks/run.sh [--subscribers 1000000] [--capacity N,N] [--digests N,N] [--only per-core|end-to-end]
# Markdown tables on standard output (also saved under benchmarks/artifacts/), progress on standard error.
# Every run stops itself (ALERTS_BENCH_TIMEOUT, default 2 h; 6 h with 1,000,000 readers or more) and removes
# the processes, databases and vhosts it created, even when it fails or is interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

subscribers=100000
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ ${args[i]} == --subscribers && $((i + 1)) -lt ${#args[@]} ]]; then subscribers=${args[i + 1]}; fi
done
timeout_default=2h
if [[ $subscribers =~ ^[0-9]+$ ]] && ((subscribers >= 1000000)); then timeout_default=6h; fi
limit=${ALERTS_BENCH_TIMEOUT:-$timeout_default}

echo "Building Release ..." >&2
for attempt in 1 2 3; do
  # A shared machine: a build may collide with another build's file locks; try again.
  if dotnet build -c Release -nologo -v q src/Alerts.Server/Alerts.Server.csproj >&2 &&
     dotnet build -c Release -nologo -v q benchmarks/Alerts.Benchmarks/Alerts.Benchmarks.csproj >&2 &&
     dotnet build -c Release -nologo -v q benchmarks/Alerts.Benchmarks.Baseline/Alerts.Benchmarks.Baseline.csproj >&2; then
    break
  fi
  if ((attempt == 3)); then echo "The Release build failed." >&2; exit 1; fi
  sleep 5
done

mkdir -p benchmarks/artifacts
stamp=$(date -u +%Y%m%d-%H%M%S)
run_dir=$(mktemp -d /tmp/alerts-bench-XXXXXX)
leftovers=$run_dir/leftovers
: >"$leftovers"

cleanup() {
  # The run removes what it created as it goes; this catches what a crash or a kill left behind.
  while read -r kind name; do
    case $kind in
      pid)
        if [[ -r /proc/$name/cmdline ]] && tr '\0' ' ' </proc/"$name"/cmdline | grep -q 'Alerts\.\(Server\|Benchmarks\.Baseline\)\.dll'; then
          kill -9 "$name" 2>/dev/null || true
        fi ;;
      database)
        PGPASSWORD=postgres timeout 60 psql -qX -h 127.0.0.1 -U postgres -d postgres \
          -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null 2>&1 || true ;;
      vhost)
        if timeout 60 rabbitmqctl -q list_vhosts 2>/dev/null | grep -qx "$name"; then
          timeout 60 rabbitmqctl -q delete_vhost "$name" >/dev/null 2>&1 || true
        fi ;;
    esac
  done <"$leftovers"
}
trap cleanup EXIT

set +e
ALERTS_BENCH_RUN_DIR=$run_dir ALERTS_BENCH_LEFTOVERS=$leftovers \
  timeout --signal=TERM --kill-after=90s "$limit" \
  dotnet benchmarks/Alerts.Benchmarks/bin/Release/net10.0/Alerts.Benchmarks.dll "$@" | tee "benchmarks/artifacts/benchmark-$stamp.md"
status=${PIPESTATUS[0]}
set -e
if ((status == 124)); then echo "The benchmark ran out of time ($limit) and was stopped." >&2; fi
echo "Report saved in benchmarks/artifacts/benchmark-$stamp.md; process logs of failed deployments in $run_dir" >&2
exit "$status"
