#!/usr/bin/env bash
# The streaming benchmark (see docs/benchmarks.md, "Streaming: Kafka → Kafka"): one embedded broker in
# the same JVM, a topic of 4 partitions, 100-byte values, uppercased. Extra arguments go to the benchmark:
#   geniusrise-bench/run-kafka.sh --records 2000000
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && ./mvnw -q -B -DskipTests -pl geniusrise-bench -am package)
cd "$root/geniusrise-bench"
exec java -Xmx2g -cp "target/geniusrise-bench.jar:target/lib/*" ai.geniusrise.bench.KafkaBenchmark "$@"
