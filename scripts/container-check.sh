#!/usr/bin/env bash
# Proves the geniusrise image runs tasks exactly as the generated Kubernetes files run them, with
# rootful podman (no Docker engine, no registry needed):
#
#   1. builds the image from the repository's Dockerfile (target `prebuilt`: the jars the Maven
#      build made; with --from-source also the default target, Maven inside the image);
#   2. starts, on this host, an S3 store, a Kafka broker (separate JVMs, from the command's own
#      jars) and an HTTP server with a file to fetch;
#   3. `geniusrise generate --target k8s` for a pipeline of a batch task (HTTP fetch -> S3) and a
#      streaming task (HTTP listener -> Kafka), then runs each container as its Job/Deployment
#      says (scripts/podman-args.py: same args, same env, the ConfigMap's file mounted read-only,
#      user 10001, read-only root with a tmpfs /tmp, the memory limit) and checks: the batch task
#      commits its objects; the streaming task answers /healthz, /readyz, /metrics on the probed
#      port, sends what it receives to Kafka, logs JSON on request and, on `podman stop`
#      (SIGTERM), drains and exits within the grace period;
#   4. the user-image recipes (scripts/user-image-check.sh): Jib builds an image of the examples to a
#      tar and to a local registry; podman runs a streaming bolt of it the same way. Then a project
#      generated from the archetype (this build's), built with its image profile (jib:buildTar): its
#      task, from `geniusrise generate`, runs in podman as its Job says.
#
# Usage: scripts/container-check.sh [--from-source] [--no-user-image|--no-archetype]
# Needs root (rootful podman; scripts/container-base.sh installs and configures it). Skips with
# exit 0 and a message when podman cannot run containers on this machine. Keeps the base images
# between runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

FROM_SOURCE=false
USER_IMAGE=true
USER_IMAGE_ARGS=()
for arg in "$@"; do
  case $arg in
    --from-source) FROM_SOURCE=true ;;
    --no-user-image) USER_IMAGE=false ;;
    --no-archetype) USER_IMAGE_ARGS=(--examples) ;;
    *) echo "usage: $0 [--from-source] [--no-user-image|--no-archetype]" >&2; exit 2 ;;
  esac
done

source scripts/container-lib.sh

if [[ $(id -u) != 0 ]]; then
  skip "rootful podman needs root (run it as root, or in CI)"
fi
set +e
scripts/container-base.sh
status=$?
set -e
case $status in
  0) ;;
  3) skip "podman cannot run containers on this machine (see the lines above)" ;;
  *) fail "scripts/container-base.sh failed (exit $status)" ;;
esac

START=$SECONDS
ensure_cli_jars
IMAGE=localhost/geniusrise:check
step "image from the Dockerfile, target prebuilt -> $IMAGE"
build_replacing "$IMAGE" --target prebuilt --build-arg JDK_IMAGE="$BASE_JDK" --build-arg JRE_IMAGE="$BASE_JRE" .
podman run --rm "$IMAGE" --version >&2

start_host_servers

step "generate --target k8s"
PIPELINE=$WORK/pipeline.yaml
cat >"$PIPELINE" <<YAML
version: 1
name: container-check
defaults:
  image: $IMAGE
  s3: {endpoint: "\${S3_ENDPOINT:-}"}
tasks:
  - name: fetch
    type: spout
    class: ai.geniusrise.io.http.HttpFetchSpout
    resources: {cpu: 500m, memory: 384Mi}
    env: {S3_ENDPOINT: "http://10.0.2.2:$S3_PORT"}
    secrets: {AWS_ACCESS_KEY_ID: s3-credentials/access-key, AWS_SECRET_ACCESS_KEY: s3-credentials/secret-key}
    config:
      inputConfig: {type: batch, source: "http://10.0.2.2:$HTTP_PORT/events.jsonl"}
      outputConfig: {type: batch, destination: "s3://check/events"}
  - name: listener
    type: spout
    class: ai.geniusrise.io.http.HttpListenerSpout
    resources: {cpu: 500m, memory: 384Mi}
    env: {KAFKA_BOOTSTRAP_SERVERS: "10.0.2.2:$KAFKA_CONTAINER_PORT", GENIUSRISE_LOG_FORMAT: json}
    config:
      inputConfig: {type: streaming, source: "http://0.0.0.0:9000/events"}
      outputConfig: {type: streaming, destination: events}
YAML
geniusrise generate "$PIPELINE" --target k8s -o "$WORK/deploy" >&2

# --- the batch task, as its Job runs it ---
run_generated fetch "$WORK/deploy/k8s/fetch.yaml" s3-credentials/access-key=check s3-credentials/secret-key=check-secret
[[ $WORKLOAD == Job ]] || fail "fetch: expected a Job, the file has a $WORKLOAD"
await_exit fetch 180
code=$(podman inspect -f '{{.State.ExitCode}}' gr-check-fetch)
[[ $code == 0 ]] || fail "fetch exited $code; its log:" "$(podman logs gr-check-fetch 2>&1)"
objects=$(find "$WORK/s3/check/events" -type f ! -name '.*' 2>/dev/null | wc -l)
records=$(find "$WORK/s3/check/events" -type f ! -name '.*' -exec cat {} + 2>/dev/null | grep -c '"user"' || true)
((objects > 0 && records == 3)) || fail "fetch: expected the 3 events in s3://check/events, found $records in $objects file(s)" "$(podman logs gr-check-fetch 2>&1)"
log=$(podman logs gr-check-fetch 2>&1)
grep -q '^\[INFO\] ' <<<"$log" || fail "fetch logged no [INFO] line" "$log"
ok "batch task: exit 0, 3 records committed to s3://check/events, text log lines"
podman rm gr-check-fetch >/dev/null

# --- the streaming task, as its Deployment runs it ---
create_topics events
run_generated listener "$WORK/deploy/k8s/listener.yaml"
[[ $WORKLOAD == Deployment ]] || fail "listener: expected a Deployment, the file has a $WORKLOAD"
check_probes listener
listen_port=$(host_port listener "$LISTEN_PORT")
for i in 1 2 3 4 5; do
  curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' --data "{\"n\":$i}" \
    "http://127.0.0.1:$listen_port/events" || fail "POST /events refused" "$(podman logs gr-check-listener 2>&1)"
done
received=$(kcat -b "127.0.0.1:$KAFKA_PORT" -C -t events -o beginning -c 5 -e -q 2>/dev/null | wc -l)
[[ $received == 5 ]] || fail "listener: 5 events posted, $received in topic events" "$(podman logs gr-check-listener 2>&1)"
ok "streaming task: 5 events posted to the listener reached Kafka topic events"
stop_within_grace listener
log=$(podman logs gr-check-listener 2>&1)
python3 -c '
import json, sys
events = [json.loads(l) for l in sys.stdin if l.startswith("{")]
assert events and all("level" in e and "formattedMessage" in e for e in events), "no JSON log events"
' <<<"$log" || fail "listener: GENIUSRISE_LOG_FORMAT=json gave no JSON log lines" "$(podman logs gr-check-listener 2>&1)"
ok "streaming task: JSON log lines with GENIUSRISE_LOG_FORMAT=json"
podman rm gr-check-listener >/dev/null

if $USER_IMAGE; then
  scripts/user-image-check.sh "${USER_IMAGE_ARGS[@]}"
fi

if $FROM_SOURCE; then
  step "image from the Dockerfile, default target (Maven inside the image) -> localhost/geniusrise:source"
  build_replacing localhost/geniusrise:source --network=host --build-arg JDK_IMAGE="$BASE_JDK" \
    --build-arg JRE_IMAGE="$BASE_JRE" .
  podman run --rm localhost/geniusrise:source --version >&2
  ok "the Dockerfile's default target builds from source"
fi
ok "container check passed in $((SECONDS - START)) s"
