#!/usr/bin/env bash
# The verify benchmark (docs/performance.md "Verify"): scripts/verify.sh's verifier comparing a large table with its
# index (filled as the pipeline would have, with a planted drift it must find), timed with its CPU and heap; with
# --compare-smaller also at rows / 5. Options: --help.
# Builds the modules it needs first (BENCH_SKIP_BUILD=1 skips that). Never part of mvn verify.
exec "$(dirname "$0")/launch.sh" VerifyBench verifier,bench "$@"
