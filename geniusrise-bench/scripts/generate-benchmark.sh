#!/usr/bin/env bash
# Times `geniusrise generate` on pipelines of 10, 1,000 and 10,000 tasks, wall time including the
# JVM start, as a user runs it. Each size runs RUNS times (default 5); prints min and median.
# JAVA_OPTS adds JVM flags: the launcher ./geniusrise uses "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" for it.
# Usage: geniusrise-bench/scripts/generate-benchmark.sh [SIZES...]   (after ./mvnw -pl geniusrise-cli -am package)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$here/geniusrise-cli/target/geniusrise.jar"
[ -f "$jar" ] || { echo "build first: ./mvnw -B -DskipTests -pl geniusrise-cli -am package" >&2; exit 2; }
runs="${RUNS:-5}"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(10 1000 10000)
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

pipeline() { # a chain: a listening spout, then bolts each reading the previous one's topic
  local n=$1
  printf 'name: bench\ndefaults:\n  image: ghcr.io/acme/pipelines:1.0.0\n  kafka: {bootstrapServers: "kafka:9092"}\n'
  printf '  resources: {cpu: 250m, memory: 512Mi}\n  deploy:\n    namespace: pipelines\n    serviceAccount: geniusrise\n'
  printf '    cluster: arn:aws:ecs:eu-west-1:123456789012:cluster/pipelines\n    subnets: [subnet-0a1b2c3d]\n'
  printf '    executionRoleArn: arn:aws:iam::123456789012:role/geniusrise-execution\ntasks:\n'
  printf '  - name: t0\n    type: spout\n    config:\n      inputConfig: {type: streaming, source: "http://0.0.0.0:9000/in"}\n'
  printf '      outputConfig: {type: streaming, destination: topic-0}\n'
  for ((i = 1; i < n; i++)); do
    printf '  - name: t%d\n    type: bolt\n    class: com.acme.Step\n    replicas: 2\n    config:\n' "$i"
    printf '      inputConfig: {type: streaming, source: topic-%d}\n      outputConfig: {type: streaming, destination: topic-%d}\n' $((i - 1)) "$i"
  done
}

printf '%-8s %-6s %10s %10s %8s\n' tasks target "min (s)" "median (s)" files
for n in "${sizes[@]}"; do
  pipeline "$n" > "$work/p$n.yaml"
  for target in k8s ecs; do
    times=()
    for ((r = 0; r < runs; r++)); do
      rm -rf "$work/out"
      start=$(date +%s%N)
      java ${JAVA_OPTS:-} -jar "$jar" generate "$work/p$n.yaml" --target "$target" -o "$work/out" > /dev/null
      end=$(date +%s%N)
      times+=($(( (end - start) / 1000000 )))
    done
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    files=$(ls "$work/out/$target" | wc -l)
    printf '%-8s %-6s %10.2f %10.2f %8d\n' "$n" "$target" "$(echo "${sorted[0]} / 1000" | bc -l)" \
      "$(echo "${sorted[$((runs / 2))]} / 1000" | bc -l)" "$files"
  done
done
