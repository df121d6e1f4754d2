#!/usr/bin/env bash
# The streaming benchmark (see docs/benchmarks.md, "Streaming: Kafka → Kafka"): a broker in a JVM of its
# own, a topic of 4 partitions, 100-byte values, uppercased by each contender in a JVM of its own, the
# contenders interleaved over several rounds. Extra arguments go to the benchmark:
#   geniusrise-bench/run-kafka.sh --records 1000000 --rounds 3
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && ./mvnw -q -B -DskipTests -pl geniusrise-bench -am package)
cd "$root/geniusrise-bench"
exec java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "target/geniusrise-bench.jar:target/lib/*" ai.geniusrise.bench.KafkaBenchmark "$@"
