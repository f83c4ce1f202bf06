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
# Every test project but the fault tests, which come last (below): they start and stop their own
# RabbitMQ node, PostgreSQL cluster and server processes, and take minutes.
dotnet test Alerts.sln --no-build -nologo --filter 'FullyQualifiedName!~Alerts.FaultTests.' 2>&1 | tee "$log" || status=$?
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')

# Fault tests (issue 8), one at a time, after all the others. The detailed logger prints what each
# injected and counted; its summary is a block of "  Passed: N" lines, read anchored so that the
# servers' log lines the tests print can never be counted.
fault_log=$(mktemp)
fault_status=0
dotnet test tests/Alerts.FaultTests --no-build -nologo --logger 'console;verbosity=detailed' 2>&1 | tee "$fault_log" || fault_status=$?
count() { awk -v key="$1" '$0 ~ "^ *" key ": +[0-9]+ *$" {s+=$2} END {print s+0}' "$fault_log"; }  # no match is 0, not an error
fault_passed=$(count Passed); fault_failed=$(count Failed); fault_skipped=$(count Skipped)
if [ "$fault_status" -ne 0 ] && [ "$fault_failed" -eq 0 ]; then fault_failed=1; fi   # the run broke before counting
[ "$fault_status" -eq 0 ] || status=$fault_status
rm -f "$log" "$fault_log"

# One closing line over all test assemblies, fault tests included.
echo "Fault tests: $fault_passed passed, $fault_failed failed, $fault_skipped skipped"
passed=$((passed + fault_passed)); failed=$((failed + fault_failed)); skipped=$((skipped + fault_skipped))
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then echo "No test ran."; exit 1; fi
exit "$status"
