#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs and starts RabbitMQ, PostgreSQL and Chromium where
# they are missing (deploy/local/services.sh), then runs every test project in Alerts.sln.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash deploy/validate/validate.sh
bash deploy/local/services.sh
dotnet build Alerts.sln -nologo -v quiet
log=$(mktemp)
status=0
dotnet test Alerts.sln --no-build -nologo 2>&1 | tee "$log" || status=$?

# One closing line over all test assemblies.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then echo "No test ran."; exit 1; fi
exit "$status"
