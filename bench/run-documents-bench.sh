#!/usr/bin/env bash
# The joined-documents benchmark (docs/performance.md "Joined documents"): es-subscriber's full build of a joined
# document index against the join exported by one SQL query and bulk-indexed directly, a customer rename fanning out
# to a tenth of the orders, and commit-to-document latency under a steady stream of item updates, on one data set
# (--scale 1: 1M orders, 3M items, 100k customers, 10k products). Options: --help.
# Builds the modules it needs first (BENCH_SKIP_BUILD=1 skips that). Never part of mvn verify.
exec "$(dirname "$0")/launch.sh" JoinedDocumentsBench es-subscriber,etl-producer,bench "$@"
