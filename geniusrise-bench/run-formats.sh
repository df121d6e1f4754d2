#!/usr/bin/env bash
# The format benchmark (see docs/benchmarks.md, "Formats: JSON lines to Parquet, and Avro on Kafka"):
# JSON lines -> Parquet by geniusrise and by a hand-written AvroParquetWriter loop, on local files and
# on S3 (S3Proxy in a JVM of its own), interleaved; the Parquet size against gzip'd lines; a Kafka bolt
# on Avro values against the same bolt on JSON values (broker in a JVM of its own). Extra arguments go
# to the benchmark:
#   geniusrise-bench/run-formats.sh --size-mb 512 --files 4 --rounds 3 --kafka-records 300000
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && ./mvnw -q -B -DskipTests -pl geniusrise-bench -am package)
cd "$root/geniusrise-bench"
exec java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "target/geniusrise-bench.jar:target/lib/*" \
  ai.geniusrise.bench.FormatBenchmark "$@"
