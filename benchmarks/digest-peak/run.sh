#!/usr/bin/env bash
# The morning digest peak, measured by hand: N hourly-digest readers due in the same minute on
# PostgreSQL + RabbitMQ, one process with all roles, pushes to a light sink. Prints the sink's tally:
# pushes, distinct readers, duplicates, and the time from the first digest push to the last.
# Usage: benchmarks/digest-peak/run.sh [READERS]   (from the repository root; needs node, python3-cryptography)
set -euo pipefail
READERS=${1:-20000}
DB=alerts_digest_peak VHOST=digest-peak PORT=9957 HERE=$(dirname "$0")
export PGPASSWORD=postgres
psql -qX -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
rabbitmqctl -q delete_vhost "$VHOST" >/dev/null 2>&1 || true
rabbitmqctl -q add_vhost "$VHOST" && rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*'
dotnet build -c Release src/Alerts.Server -v q -nologo | tail -1
export Alerts__Transport=RabbitMq ConnectionStrings__RabbitMq="amqp://guest:guest@127.0.0.1:5672/$VHOST"
export Alerts__Storage=Postgres ConnectionStrings__Alerts="Host=127.0.0.1;Username=postgres;Password=postgres;Database=$DB"
export Alerts__Push__AllowedOrigins__0="http://127.0.0.1:$PORT" Alerts__PublicBaseUrl=http://localhost:5187
export ASPNETCORE_URLS=http://127.0.0.1:5187 Logging__LogLevel__Default=Warning Logging__LogLevel__Alerts=Information
SERVER=src/Alerts.Server/bin/Release/net10.0/Alerts.Server.dll
dotnet "$SERVER" migrate
node "$HERE/sink.js" $PORT & SINK=$!
python3 "$HERE/seed.py" $DB "$READERS" "http://127.0.0.1:$PORT"
dotnet "$SERVER" > /tmp/digest-peak-server.log 2>&1 & APP=$!
trap 'kill $APP $SINK 2>/dev/null || true' EXIT
echo "server started; the digest job runs at the next minute"
previous=-1
while true; do
  sleep 5
  stats=$(curl -s "http://127.0.0.1:$PORT/stats"); total=$(echo "$stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  echo "$(date +%T) $stats"
  if [ "$total" -ge "$READERS" ] && [ "$total" -eq "$previous" ]; then break; fi
  previous=$total
done
psql -qX -h 127.0.0.1 -U postgres -d $DB -c "SELECT \"Title\", \"Targeted\", \"Sent\", \"CreatedAt\", \"CompletedAt\" FROM notifications WHERE \"Kind\" = 'Digest' ORDER BY \"CreatedAt\" LIMIT 5" \
  -c "SELECT count(*) AS digests, count(DISTINCT \"SubscriptionId\") AS readers, count(DISTINCT \"NotificationId\") AS notifications FROM digests"
