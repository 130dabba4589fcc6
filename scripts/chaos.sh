#!/usr/bin/env bash
# Runs the seeded chaos test for more seeds or more events than CI does, e.g.
#   bash scripts/chaos.sh 1-20            # seeds 1 to 20, 60k events each
#   bash scripts/chaos.sh 7 200000        # seed 7 with 200k events
# A failure prints its seed and schedule; rerun that seed alone to reproduce it.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${1:-1-20}"
events="${2:-60000}"
dotnet build tests/Stream.Monitor.Tests -c Release --nologo -v quiet
STREAM_CHAOS_SEEDS="$seeds" STREAM_CHAOS_EVENTS="$events" \
  dotnet test tests/Stream.Monitor.Tests -c Release --no-build --filter "FullyQualifiedName~ChaosTests" \
  --logger "console;verbosity=detailed"
