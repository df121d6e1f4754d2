#!/usr/bin/env bash
# The user-image recipes, checked here without a Docker engine or a public registry:
#
#   examples (the `image` profile of geniusrise-examples/pom.xml, the command as entry point):
#   1. Jib builds the examples' image on a local JRE base given as a tar (tar://), both to a tar
#      (jib:buildTar) and to a local registry (Debian's docker-registry, jib:build);
#   2. podman loads the tar and pulls the pushed image;
#   3. a streaming bolt of the examples (Kafka -> S3 archiver) runs from the pulled image exactly as
#      its generated Deployment says, against a Kafka broker and an S3 store on this host: it
#      answers its probes, logs, and on SIGTERM publishes what it holds and stops in time.
#
#   archetype (a user's own project, its own main as entry point), as the README's "Use it in your
#   project" goes:
#   4. `archetype:generate` from geniusrise-archetype as this build made it (the archetype's
#      integration test installs this build's artifacts into geniusrise-archetype/target/local-repo;
#      Maven reads that repository first and ~/.m2 after it, read-only: nothing is installed in ~/.m2);
#   5. `mvn package -Pimage jib:buildTar` in the new project, on the local base (-Dimage.base=tar://);
#   6. its pipeline.yaml pointed at an S3 store on this host (endpoint, credentials from secrets:),
#      `geniusrise generate`, and its task run from the loaded tar exactly as the generated Job says,
#      twice: as generated (text log lines) and with GENIUSRISE_LOG_FORMAT=json in the task's env
#      (JSON log lines); each run ends with exit 0 and the summary line of the project's main, and
#      the output in S3 is the sample upper-cased.
#
# Run by scripts/container-check.sh; alone: scripts/user-image-check.sh [--examples|--archetype]
# (root, after scripts/container-base.sh; both parts by default).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
EXAMPLES=true
ARCHETYPE=true
for arg in "$@"; do
  case $arg in
    --examples) ARCHETYPE=false ;;
    --archetype) EXAMPLES=false ;;
    *) echo "usage: $0 [--examples|--archetype]" >&2; exit 2 ;;
  esac
done
$EXAMPLES || $ARCHETYPE || { echo "usage: $0 [--examples|--archetype] (one of them, or neither for both)" >&2; exit 2; }
source scripts/container-lib.sh

ensure_cli_jars
BASE_TAR=/var/tmp/geniusrise-base-17-jre.tar
if [[ ! -f $BASE_TAR ]]; then
  step "base image as a tar for Jib: $BASE_TAR"
  podman save --quiet --format docker-archive -o "$BASE_TAR.part" "$BASE_JRE"
  mv "$BASE_TAR.part" "$BASE_TAR"
fi

# the host servers (S3, Kafka, HTTP), started once for both parts
servers() { [[ -n ${S3_PORT:-} ]] || start_host_servers; }

examples_image() {
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

  servers
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
}

# The version of this checkout and a property of its parent pom
pom_value() { # xpath below the project element, e.g. version or properties/archetype.version
  python3 -c 'import sys, xml.etree.ElementTree as t
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
print(t.parse(sys.argv[1]).getroot().find("/".join("m:" + p for p in sys.argv[2].split("/")), ns).text)' "$ROOT/pom.xml" "$1"
}

# the archetype and the artifacts its projects use, as this checkout builds them: the archetype's
# integration test installs them into its own repository (`./mvnw verify` did, in CI); built again
# when missing or older than a source of the modules they come from
archetype_repository() {
  local jar=$ARCHETYPE_REPO/ai/geniusrise/geniusrise-archetype/$VERSION/geniusrise-archetype-$VERSION.jar m
  if [[ -f $jar ]]; then
    for m in core io state testkit archetype bom; do
      [[ -z $(find "$ROOT/geniusrise-$m/src" "$ROOT/geniusrise-$m/pom.xml" "$ROOT/pom.xml" \
        "$ROOT/geniusrise-cli/src/main/resources/logback.xml" -newer "$jar" -print -quit 2>/dev/null) ]] || { jar=; break; }
    done
  fi
  [[ -n $jar && -f $jar ]] && return
  step "the archetype and this build's artifacts -> geniusrise-archetype/target/local-repo (its integration test)"
  (cd "$ROOT" && ./mvnw -B -ntp -q -pl geniusrise-archetype -am verify -DskipTests -Dinvoker.skip=false \
    -Dinvoker.test=archetype) >"$WORK/archetype-it.log" 2>&1 || fail "the archetype's build failed" "$(cat "$WORK/archetype-it.log")"
}

# Maven as a user runs it in a project of their own, on this build's artifacts
user_mvn() { "$ROOT/mvnw" -B -ntp -Dmaven.repo.local="$ARCHETYPE_REPO" -Dmaven.repo.local.tail="$MAVEN_REPO" "$@"; }

# edits a pipeline file: the python statements $2 change `pipeline`, the file as parsed
edit_pipeline() {
  python3 -c 'import sys, yaml
with open(sys.argv[1], encoding="utf-8") as f:
    pipeline = yaml.safe_load(f)
exec(sys.argv[2])
with open(sys.argv[1], "w", encoding="utf-8") as f:
    yaml.safe_dump(pipeline, f, sort_keys=False)' "$1" "$2"
}

# generates the project's Kubernetes files and runs its Job's container ($1 says how) to its end:
# exit 0 and the summary line of the project's main; sets LOG, shown below the step
shout_job() {
  local code
  step "geniusrise generate pipeline.yaml; the Job's container, $1"
  (cd "$project" && geniusrise generate pipeline.yaml) >&2
  run_generated uppercase "$project/deploy/shout/k8s/uppercase.yaml" s3-credentials/access-key=check s3-credentials/secret-key=check-secret
  [[ $WORKLOAD == Job ]] || fail "uppercase: expected a Job, the file has a $WORKLOAD"
  await_exit uppercase 180
  code=$(podman inspect -f '{{.State.ExitCode}}' gr-check-uppercase)
  LOG=$(podman logs gr-check-uppercase 2>&1)
  printf '%s\n' "$LOG" | sed 's/^/  | /' >&2
  [[ $code == 0 ]] || fail "uppercase ($1) exited $code" "$LOG"
  grep -Eq "^task 'uppercase' done in [0-9.]+ s: 2 records in, 2 out$" <<<"$LOG" \
    && grep -q "^  output: s3://my-bucket/out (1 part)$" <<<"$LOG" \
    || fail "uppercase ($1): no summary \"task 'uppercase' done in ... s: 2 records in, 2 out\" with its output" "$LOG"
  podman rm gr-check-uppercase >/dev/null
}

archetype_image() {
  local parts text t0=$SECONDS
  project=$WORK/shout
  VERSION=$(pom_value version)
  ARCHETYPE_REPO=$ROOT/geniusrise-archetype/target/local-repo
  MAVEN_REPO=${MAVEN_REPO:-$HOME/.m2/repository}
  archetype_repository

  step "mvn archetype:generate (geniusrise-archetype $VERSION) -> shout"
  started=$SECONDS
  (cd "$WORK" && user_mvn -q "org.apache.maven.plugins:maven-archetype-plugin:$(pom_value properties/archetype.version):generate" \
    -DinteractiveMode=false -DarchetypeGroupId=ai.geniusrise -DarchetypeArtifactId=geniusrise-archetype \
    -DarchetypeVersion="$VERSION" -DgroupId=com.acme -DartifactId=shout -Dversion=1.0.0 -Dpackage=com.acme.shout) \
    >"$WORK/generate.log" 2>&1 || fail "archetype:generate failed" "$(cat "$WORK/generate.log")"
  ok "archetype:generate in $((SECONDS - started)) s"
  started=$SECONDS

  step "mvn package -Pimage jib:buildTar -Dimage.base=tar://$BASE_TAR (in shout)"
  (cd "$project" && user_mvn -Pimage package jib:buildTar -Dimage.base="tar://$BASE_TAR" -Djib.console=plain) \
    >"$WORK/shout-build.log" 2>&1 || fail "the project's build or image failed" "$(cat "$WORK/shout-build.log")"
  grep -q 'Tests run: 1, Failures: 0' "$WORK/shout-build.log" || fail "the project's test did not run" "$(cat "$WORK/shout-build.log")"
  grep -E '^\[INFO\] (Tests run:|Containerizing|Container entrypoint|Built image tarball)' "$WORK/shout-build.log" | sed 's/^/  | /' >&2
  IMAGES+=(localhost/shout:1.0.0)
  podman load --quiet -i "$project/target/jib-image.tar" >/dev/null
  ok "the project from the archetype: tests pass, target/jib-image.tar loaded as shout:1.0.0 (build and image in $((SECONDS - started)) s)"

  # as a user deploying to an S3-compatible store: its endpoint, and credentials from a Secret
  servers
  mkdir -p "$WORK/s3/my-bucket/in"
  cp "$project/data/in/greetings.txt" "$WORK/s3/my-bucket/in/"
  edit_pipeline "$project/pipeline.yaml" '
pipeline["defaults"]["s3"] = {"endpoint": "${S3_ENDPOINT:-}"}
task = pipeline["tasks"][0]
task["env"] = {"S3_ENDPOINT": "http://10.0.2.2:'"$S3_PORT"'"}
task["secrets"] = {"AWS_ACCESS_KEY_ID": "s3-credentials/access-key", "AWS_SECRET_ACCESS_KEY": "s3-credentials/secret-key"}'
  sed 's/^/  | /' "$project/pipeline.yaml" >&2
  shout_job "as generated"
  grep -q "^\[INFO\] task 'uppercase': " <<<"$LOG" || fail "uppercase logged no [INFO] line: no logging backend in the image?" "$LOG"
  parts=$(find "$WORK/s3/my-bucket/out" -type f -name '*.txt.gz' 2>/dev/null)
  text=$(xargs -r zcat <<<"$parts")
  [[ $text == $'HELLO\nGENIUSRISE' ]] || fail "uppercase: expected HELLO, GENIUSRISE in s3://my-bucket/out, found: $text" "$LOG"
  ok "shout's task, run as its Job: exit 0, its summary line, [INFO] log lines, s3://my-bucket/out holds HELLO GENIUSRISE"

  edit_pipeline "$project/pipeline.yaml" 'pipeline["tasks"][0]["env"]["GENIUSRISE_LOG_FORMAT"] = "json"'
  shout_job "with GENIUSRISE_LOG_FORMAT=json in the task's env"
  python3 -c '
import json, sys
events = [json.loads(l) for l in sys.stdin if l.startswith("{")]
assert any(e["level"] == "INFO" and e["formattedMessage"].startswith("task '"'"'uppercase'"'"': ") for e in events)
' <<<"$LOG" || fail "uppercase: GENIUSRISE_LOG_FORMAT=json gave no JSON log line of the task" "$LOG"
  ok "shout's task with GENIUSRISE_LOG_FORMAT=json: exit 0, its summary line, JSON log lines"
  ok "a project from the archetype, from generate to its task in a container, in $((SECONDS - t0)) s"
}

$EXAMPLES && examples_image
$ARCHETYPE && archetype_image
true
