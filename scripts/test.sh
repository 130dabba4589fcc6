#!/usr/bin/env bash
# Installs what the tests need (redis-server, prometheus for promtool) when it is missing, then runs every test in Release: the unit tests
# first (seconds), then the integration tests. Each test class says which it is (tests/Shared/TestCategoryTests.cs).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
  echo "Installing redis-server (tests start their own on a free loopback port)..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi
# The Debian package starts a system-wide server on 6379; tests do not use it.
if ! command -v promtool >/dev/null 2>&1; then
  echo "Installing prometheus (promtool checks and tests the ops alerting rules)..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq prometheus >/dev/null
fi

counted=$(mktemp)
set +e
dotnet build Stream.sln -c Release
status=$?
if [ "$status" -eq 0 ]; then
  for category in Unit Integration; do
    # Should a test host die or stop, the log names the test it was running and a mini dump is left under
    # TestResults; no test runs near 10 minutes, so a host that stops is ended then instead of at CI's limit.
    dotnet test Stream.sln -c Release --no-build --filter "Category=$category" --logger "console;verbosity=minimal" \
      --blame-crash --blame-crash-dump-type mini --blame-hang-timeout 10m --blame-hang-dump-type mini 2>&1 | tee -a "$counted"
    [ "${PIPESTATUS[0]}" -ne 0 ] && status=1
  done
fi
set -e

# One plain closing line for CI, summed over the test assemblies of both categories.
awk '/(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$counted"
rm -f "$counted"
exit "$status"
