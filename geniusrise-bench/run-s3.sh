#!/usr/bin/env bash
# The S3 batch benchmark (see docs/benchmarks.md). Extra arguments go to the benchmark:
#   geniusrise-bench/run-s3.sh --size-mb 1024 --files 8 --rounds 3
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && ./mvnw -q -B -DskipTests -pl geniusrise-bench -am package)
cd "$root/geniusrise-bench"
exec java -Xmx256m -cp "target/geniusrise-bench.jar:target/lib/*" ai.geniusrise.bench.S3Benchmark "$@"
