#!/usr/bin/env bash
# The state-manager benchmark (see docs/benchmarks.md, "State managers"): our Redis, PostgreSQL and
# DynamoDB state managers against their raw clients, on the test kit's embedded servers.
# Extra arguments go to the benchmark:
#   geniusrise-bench/run-state.sh --ops 100000 --dynamodb-ops 10000 --threads 1,4 --rounds 3
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && ./mvnw -q -B -DskipTests -pl geniusrise-bench -am package)
cd "$root/geniusrise-bench"
exec java -Xmx1g -cp "target/geniusrise-bench.jar:target/lib/*" ai.geniusrise.bench.StateBenchmark "$@"
