# Shared by scripts/container-check.sh and scripts/user-image-check.sh (sourced, not run).
# Expects ROOT (the repository) to be set; sets WORK, a folder removed on exit with everything
# this script started (containers named gr-check-*, the host servers).

BASE_JRE=localhost/geniusrise-base:17-jre
BASE_JDK=localhost/geniusrise-base:17-jdk
CLI_JAR=$ROOT/geniusrise-cli/target/geniusrise.jar
WORK=$(mktemp -d /var/tmp/geniusrise-check.XXXXXX)
PIDS=()
CONTAINERS=()
IMAGES=() # removed on exit

step() { printf '[container-check] %s\n' "$*" >&2; }
ok() { printf '[container-check] ok: %s\n' "$*" >&2; }
skip() {
  printf '[container-check] SKIPPED: %s\n' "$*" >&2
  exit 0
}
fail() {
  printf '[container-check] FAILED: %s\n' "$1" >&2
  [[ $# -gt 1 ]] && printf '%s\n' "$2" | tail -40 | sed 's/^/  | /' >&2
  exit 1
}

cleanup() {
  local c p
  for c in "${CONTAINERS[@]}"; do podman rm -f -t 0 "$c" >/dev/null 2>&1 || true; done
  for i in "${IMAGES[@]}"; do podman rmi -f "$i" >/dev/null 2>&1 || true; done
  exec 7>&- 2>/dev/null || true # ends the S3 store's standard input: it stops
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# waits up to $1 seconds for the command $2... to succeed
await() {
  local timeout=$1 deadline
  shift
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# podman build -t $1 ARGS...: the image that held the tag before, now untagged, is removed
build_replacing() {
  local tag=$1 old
  shift
  old=$(podman image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
  podman build --quiet --layers=false -t "$tag" "$@" >/dev/null
  if [[ -n $old && $old != $(podman image inspect -f '{{.Id}}' "$tag") ]]; then
    podman rmi "$old" >/dev/null 2>&1 || true
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# the command jars the Maven build made (./mvnw verify in CI), else a quick package
ensure_cli_jars() {
  if [[ ! -f $CLI_JAR || ! -d $ROOT/geniusrise-cli/target/lib ]]; then
    step "no geniusrise-cli/target/geniusrise.jar: ./mvnw package -pl geniusrise-cli -am"
    (cd "$ROOT" && ./mvnw -B -ntp -q -DskipTests -pl geniusrise-cli -am package)
  fi
}

geniusrise() { java -jar "$CLI_JAR" "$@"; }

# An S3 store (the test kit's EmbeddedS3 on a folder), a Kafka broker (kafka.Kafka, KRaft) and an
# HTTP server, each in a process of its own on the host's loopback; containers reach them at
# 10.0.2.2 (slirp4netns with allow_host_loopback). Sets S3_PORT, KAFKA_PORT (for the host),
# KAFKA_CONTAINER_PORT (advertised as 10.0.2.2), HTTP_PORT.
start_host_servers() {
  local cp="$CLI_JAR:$ROOT/geniusrise-cli/target/lib/*" controller
  S3_PORT=$(free_port)
  KAFKA_PORT=$(free_port)
  KAFKA_CONTAINER_PORT=$(free_port)
  controller=$(free_port)
  HTTP_PORT=$(free_port)
  step "host servers: S3 :$S3_PORT, Kafka :$KAFKA_PORT (containers: 10.0.2.2:$KAFKA_CONTAINER_PORT), HTTP :$HTTP_PORT"

  mkdir -p "$WORK/s3/check" "$WORK/www"
  mkfifo "$WORK/s3.in"
  java -cp "$cp" ai.geniusrise.testkit.s3.EmbeddedS3 --data-dir "$WORK/s3" --port "$S3_PORT" \
    --credentials check check-secret <"$WORK/s3.in" >"$WORK/s3.log" 2>&1 &
  PIDS+=($!)
  exec 7>"$WORK/s3.in"

  cat >"$WORK/kafka.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller
controller.listener.names=CONTROLLER
listeners=HOST://127.0.0.1:$KAFKA_PORT,CONTAINER://127.0.0.1:$KAFKA_CONTAINER_PORT,CONTROLLER://127.0.0.1:$controller
advertised.listeners=HOST://127.0.0.1:$KAFKA_PORT,CONTAINER://10.0.2.2:$KAFKA_CONTAINER_PORT
listener.security.protocol.map=HOST:PLAINTEXT,CONTAINER:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=HOST
log.dirs=$WORK/kafka
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  java -cp "$cp" kafka.tools.StorageTool format --standalone -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid)" \
    -c "$WORK/kafka.properties" >"$WORK/kafka-format.log" 2>&1 || fail "Kafka storage format" "$(cat "$WORK/kafka-format.log")"
  java -Xmx512m -cp "$cp" kafka.Kafka "$WORK/kafka.properties" >"$WORK/kafka.log" 2>&1 &
  PIDS+=($!)

  printf '%s\n' '{"user":"ann","n":1}' '{"user":"bob","n":2}' '{"user":"cy","n":3}' >"$WORK/www/events.jsonl"
  python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$WORK/www" >"$WORK/http.log" 2>&1 &
  PIDS+=($!)

  await 60 grep -q '^endpoint ' "$WORK/s3.log" || fail "the S3 store did not start" "$(cat "$WORK/s3.log")"
  await 90 kcat -b "127.0.0.1:$KAFKA_PORT" -L -t __none || fail "Kafka did not start" "$(cat "$WORK/kafka.log")"
  await 30 curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT/events.jsonl" || fail "the HTTP server did not start"
}

create_topics() { # topic...
  java -cp "$CLI_JAR:$ROOT/geniusrise-cli/target/lib/*" "$ROOT/scripts/CreateTopics.java" "127.0.0.1:$KAFKA_PORT" "$@" \
    >"$WORK/topics.log" 2>&1 || fail "cannot create the topics $*" "$(cat "$WORK/topics.log")"
}

# Runs the container of the generated file $2 as container gr-check-$1, detached, with the
# secrets $3... (NAME/KEY=VALUE); sets what scripts/podman-args.py prints (IMAGE, GRACE, ...).
run_generated() {
  local name=gr-check-$1 file=$2 config
  shift 2
  config=$WORK/config-$name
  mkdir -p "$config"
  eval "$(python3 "$ROOT/scripts/podman-args.py" "$file" "$config" "$@")"
  [[ -n ${IMAGE_OVERRIDE:-} ]] && IMAGE=$IMAGE_OVERRIDE
  podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
  CONTAINERS+=("$name")
  step "podman run $name: $RUN_SHOWN $IMAGE ${CMD_ARGS[*]}"
  podman run -d --name "$name" --network=slirp4netns:allow_host_loopback=true \
    "${RUN_ARGS[@]}" "$IMAGE" "${CMD_ARGS[@]}" >/dev/null
}

running() { [[ $(podman inspect -f '{{.State.Running}}' "$1") == true ]]; }
not_running() { ! running "$1"; }

await_exit() { # task, seconds
  await "$2" not_running "gr-check-$1" || fail "$1 did not end within $2 s" "$(podman logs "gr-check-$1" 2>&1)"
}

host_port() { # task, container port
  podman port "gr-check-$1" "$2/tcp" | head -1 | sed 's/.*://'
}

# /readyz, /healthz and /metrics on the port the probes name
check_probes() {
  local name=gr-check-$1 port
  [[ -n $HEALTH_PORT ]] || fail "$1: the generated file names no probed port"
  port=$(host_port "$1" "$HEALTH_PORT")
  await 120 curl -fsS -o /dev/null "http://127.0.0.1:$port$READINESS" \
    || fail "$1: $READINESS on port $HEALTH_PORT did not answer 200 within 120 s" "$(podman logs "$name" 2>&1)"
  curl -fsS -o /dev/null "http://127.0.0.1:$port$LIVENESS" || fail "$1: $LIVENESS on port $HEALTH_PORT"
  curl -fsS "http://127.0.0.1:$port/metrics" | grep -q '^geniusrise_' \
    || fail "$1: /metrics on port $HEALTH_PORT has no geniusrise_ metric"
  ok "$1: $READINESS, $LIVENESS and /metrics answer on the probed port $HEALTH_PORT"
}

# podman stop (SIGTERM, SIGKILL after the pod's grace period): must end by itself, in time
stop_within_grace() {
  local name=gr-check-$1 started elapsed code
  started=$(date +%s%N)
  podman stop -t "$GRACE" "$name" >/dev/null
  elapsed=$((($(date +%s%N) - started) / 1000000))
  code=$(podman inspect -f '{{.State.ExitCode}}' "$name")
  # 143: the JVM ended by SIGTERM after its shutdown hooks; 137 would mean SIGKILL
  [[ $code == 143 || $code == 0 ]] || fail "$1: exit code $code after SIGTERM" "$(podman logs "$name" 2>&1)"
  ((elapsed < GRACE * 1000)) || fail "$1: took ${elapsed} ms to stop, grace period ${GRACE} s"
  ok "$1: SIGTERM -> stopped in ${elapsed} ms (grace ${GRACE} s), exit code $code"
}
