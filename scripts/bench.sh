#!/usr/bin/env bash
# Benchmarks that print figures (separate from the tests): per-event hot path and model evaluations
# (BenchmarkDotNet, short runs), model fit time on 1M customers, then the end-to-end ingest benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project benchmarks/Stream.Benchmarks -- --filter '*' --job short --memory "$@"
dotnet run -c Release --project src/Stream.Cli -- bench models
dotnet run -c Release --project src/Stream.Cli -- bench ingest
dotnet run -c Release --project src/Stream.Cli -- bench latency
