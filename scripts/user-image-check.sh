#!/usr/bin/env bash
# The user-image recipe (the `image` profile of geniusrise-examples/pom.xml, which users copy into
# their own pom), checked here without a Docker engine or a public registry:
#
#   1. Jib builds the examples' image on a local JRE base given as a tar (tar://), both to a tar
#      (jib:buildTar) and to a local registry (Debian's docker-registry, jib:build);
#   2. podman loads the tar and pulls the pushed image;
#   3. a streaming bolt of the examples (Kafka -> S3 archiver) runs from the pulled image exactly as
#      its generated Deployment says, against a Kafka broker and an S3 store on this host: it
#      answers its probes, logs, and on SIGTERM publishes what it holds and stops in time.
#
# Run by scripts/container-check.sh; alone: scripts/user-image-check.sh (root, after
# scripts/container-base.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
source scripts/container-lib.sh

ensure_cli_jars
BASE_TAR=/var/tmp/geniusrise-base-17-jre.tar
if [[ ! -f $BASE_TAR ]]; then
  step "base image as a tar for Jib: $BASE_TAR"
  podman save --quiet --format docker-archive -o "$BASE_TAR.part" "$BASE_JRE"
  mv "$BASE_TAR.part" "$BASE_TAR"
fi

step "local registry (docker-registry)"
REGISTRY_PORT=$(free_port)
cat >"$WORK/registry.yml" <<EOF
version: 0.1
storage:
  filesystem:
    rootdirectory: $WORK/registry
http:
  addr: 127.0.0.1:$REGISTRY_PORT
log:
  level: error
EOF
/usr/bin/docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
PIDS+=($!)
await 30 curl -fsS -o /dev/null "http://127.0.0.1:$REGISTRY_PORT/v2/" || fail "the registry did not start" "$(cat "$WORK/registry.log")"

USER_IMAGE=127.0.0.1:$REGISTRY_PORT/geniusrise-examples:check
IMAGES+=("$USER_IMAGE")
step "./mvnw -Pimage -pl geniusrise-examples -am package jib:buildTar jib:build -Dimage.base=tar://$BASE_TAR -Dimage=$USER_IMAGE"
started=$SECONDS
./mvnw -B -ntp -q -Pimage -pl geniusrise-examples -am -DskipTests package jib:buildTar jib:build \
  -Dimage.base="tar://$BASE_TAR" -Dimage="$USER_IMAGE" -Djib.allowInsecureRegistries=true \
  -Djib.console=plain >"$WORK/jib.log" 2>&1 || fail "the image profile failed" "$(cat "$WORK/jib.log")"
ok "Jib: target/jib-image.tar and $USER_IMAGE in $((SECONDS - started)) s"

podman load --quiet -i geniusrise-examples/target/jib-image.tar >/dev/null
podman run --rm "$USER_IMAGE" --version >&2
podman rmi -f "$USER_IMAGE" >/dev/null
podman pull --quiet --tls-verify=false "$USER_IMAGE" >/dev/null || fail "podman pull $USER_IMAGE"
libs=$(podman run --rm --entrypoint ls "$USER_IMAGE" /app/libs)
for jar in geniusrise.jar geniusrise-testkit- logback-classic-; do
  grep -q "^$jar" <<<"$libs" || fail "the user image lacks $jar" "$libs"
done
ok "podman loads the tar and pulls $USER_IMAGE; it holds the command, the test kit and logback"

start_host_servers
create_topics archive-in
cat >"$WORK/user-pipeline.yaml" <<YAML
version: 1
name: user-image-check
defaults:
  image: $USER_IMAGE
tasks:
  - name: archiver
    type: bolt
    class: ai.geniusrise.examples.archive.PassThrough
    resources: {cpu: 500m, memory: 384Mi}
    env: {KAFKA_BOOTSTRAP_SERVERS: "10.0.2.2:$KAFKA_CONTAINER_PORT"}
    secrets: {AWS_ACCESS_KEY_ID: s3-credentials/access-key, AWS_SECRET_ACCESS_KEY: s3-credentials/secret-key}
    config:
      inputConfig: {type: streaming, source: archive-in}
      outputConfig:
        type: batch
        destination: s3://check/archive
        flushInterval: 1h
        maxRecordsPerPart: 3
        options: {endpoint: "http://10.0.2.2:$S3_PORT"}
YAML
geniusrise generate "$WORK/user-pipeline.yaml" --target k8s -o "$WORK/user-deploy" >&2
run_generated archiver "$WORK/user-deploy/k8s/archiver.yaml" s3-credentials/access-key=check s3-credentials/secret-key=check-secret
[[ $WORKLOAD == Deployment ]] || fail "archiver: expected a Deployment, the file has a $WORKLOAD"
check_probes archiver
assigned() { podman logs gr-check-archiver 2>&1 | grep -q "assigned \[archive-in-0\]"; }
# a new consumer group starts at the end of the topic: produce once the partition is assigned
await 60 assigned || fail "archiver: partition archive-in-0 not assigned" "$(podman logs gr-check-archiver 2>&1)"
# one produce request, so one record batch: the bolt's first poll holds all five. Three fill a part
# (published at once: the proof they were consumed); the other two wait in an open part that only
# the drain on SIGTERM publishes (the interval is an hour).
printf '{"n":%d}\n' 1 2 3 4 5 | kcat -b "127.0.0.1:$KAFKA_PORT" -P -t archive-in -X linger.ms=200
first_part() { find "$WORK/s3/check/archive" -type f -name '*.jsonl' 2>/dev/null | grep -q .; }
await 60 first_part || fail "archiver: 5 records produced, no part of 3 published" "$(podman logs gr-check-archiver 2>&1)"
stop_within_grace archiver
archived=$(find "$WORK/s3/check/archive" -type f -name '*.jsonl' -exec cat {} + | grep -c '"n"' || true)
[[ $archived == 5 ]] || fail "archiver: 5 records consumed, $archived published to s3://check/archive after SIGTERM" \
  "$(podman logs gr-check-archiver 2>&1)"
log=$(podman logs gr-check-archiver 2>&1)
grep -q '^\[INFO\] ' <<<"$log" || fail "archiver logged no [INFO] line" "$log"
grep -q "stopped and committed" <<<"$log" || fail "archiver did not say it committed on SIGTERM" "$log"
ok "user image: the archiver published 3 records at once and the other 2 on SIGTERM, then committed"
