#!/usr/bin/env bash
# The keyed-concurrency benchmark (see docs/benchmarks.md, "Streaming: a bolt calling a slow service"): one
# embedded broker in the same JVM, 4 partitions, 1,000 keys, a bolt sleeping 5 ms a record. Extra arguments
# go to the benchmark:
#   geniusrise-bench/run-keyed.sh --records 100000 --seconds 20
# JAVA=/path/to/jdk-21+/bin/java runs it on that JVM (the keyed bolt then uses virtual threads).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && ./mvnw -q -B -DskipTests -pl geniusrise-bench -am package)
cd "$root/geniusrise-bench"
exec "${JAVA:-java}" -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "target/geniusrise-bench.jar:target/lib/*" \
    ai.geniusrise.bench.KeyedBenchmark "$@"
