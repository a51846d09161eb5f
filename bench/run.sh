#!/usr/bin/env bash
# The benchmark harness. Run as root from anywhere:
#
#   bash bench/run.sh        (or: npm run bench)
#
# Scenarios (BENCH_SCENARIOS, space-separated; default all, in this order):
#   start-latency   `berth run --rm busybox true` against crun, runc, podman and docker (startLatency.mjs)
#   event-latency   state change → subscriber, berth, podman and docker (eventLatency.mjs)
#   daemon-ready    daemon ready time vs history, full replay and snapshots (daemonReady.mjs)
#   event-log       JetStream append and replay rates (eventLog.mjs)
#   shim-memory     berth-shim's memory per container against conmon's and containerd-shim-runc-v2's,
#                   and exec latency (shimMemory.mjs)
#   pull            cold and warm pulls from a local registry; berth, podman, skopeo (pull.mjs)
#   lifecycle       create/start/rm, volume and tmpfs runs, a 50-container batch; berth, podman and
#                   docker (lifecycle.mjs)
#   daemon-memory   the daemons' RSS and PSS with 0, 50 and 500 containers; berth (with its
#                   nats-server) and dockerd + containerd (daemonMemory.mjs)
#   overlay         iperf3 and ping between containers on two hosts of a three-host cluster (the
#                   tests' namespaces), over the overlay and over the hosts' own link (overlay.mjs;
#                   writes bench/overlay.md, which the report appends as it is)
#   network         iperf3 throughput container to container on a user network and host to a
#                   published port, and 50 `run -d` on one user network; berth and podman
#                   (netavark) (network.mjs)
#   docker-api      the docker CLI (and dockerode) against berth's Docker API socket, podman's API
#                   service and dockerd (dockerApi.mjs)
#   build           `berth build` against podman build, buildah and docker build, cold and cached (build.mjs)
#   compose         a 5-service project's `compose up -d` and `down`; berth and podman-compose (compose.mjs)
#
# docker is Debian's docker.io (/usr/sbin/dockerd, /usr/bin/docker by path), a dockerd of the
# bench's own (bench/dockerd.sh: own data and exec roots, no iptables, no bridge); if it cannot
# start, the scenarios run without it and say so.
#
# Environment: BENCH_RUNS (measured runs of each start-latency command, default 30), BENCH_WARMUP
# (discarded warm-up rounds, default 3), and each scenario script's own (see its header).
# Writes bench/results.json and bench/RESULTS.md; a scenario not run keeps its previous figures
# there. Everything it creates lives in one temp dir, or is noted there, and bench/cleanup.sh
# removes it on exit, also on failure.
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH")
export BENCH_RUNS=${BENCH_RUNS:-30} BENCH_WARMUP=${BENCH_WARMUP:-3}
ALL_SCENARIOS="start-latency event-latency daemon-ready event-log shim-memory lifecycle pull daemon-memory overlay network docker-api build compose"
SCENARIOS=${BENCH_SCENARIOS:-$ALL_SCENARIOS}
for s in $SCENARIOS; do
  [[ " $ALL_SCENARIOS " == *" $s "* ]] || { echo "run.sh: unknown scenario '$s' in BENCH_SCENARIOS (use: $ALL_SCENARIOS)" >&2; exit 2; }
done
want() { [[ " $SCENARIOS " == *" $1 "* ]]; }
# The CLI needs no extra CA bundle, and loading one adds ~80 ms to every Node start.
unset NODE_EXTRA_CA_CERTS

[ "$(id -u)" -eq 0 ] || { echo "run.sh: run as root (the engines need it)" >&2; exit 1; }
[ -f "$REPO/dist/cli/main.cjs" ] && [ -x "$REPO/dist/native/berth-shim" ] \
  || { echo "run.sh: berth is not built; run 'npm run build' first" >&2; exit 1; }

# The host's network is not the bench's: everything runs in a network namespace of its own
# (nsenter --net, so the mounts and cgroups stay the host's), with its own loopback. berth's
# default bridge, its nft table and forwarding, podman's netavark rules and every nats-server
# live and die there. The namespace goes when the bench ends, also on failure.
if [ -z "${BENCH_NETNS:-}" ]; then
  BENCH_NETNS=berth-bench-$$
  ip netns add "$BENCH_NETNS"
  trap 'ip netns del "$BENCH_NETNS" 2>/dev/null' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  ip -n "$BENCH_NETNS" link set lo up
  set +e
  BENCH_NETNS=$BENCH_NETNS nsenter --net="/run/netns/$BENCH_NETNS" bash "$0" "$@"
  status=$?
  set -e
  exit "$status"
fi

# A short name: berth's shims listen on RUN_ROOT/shims/<64 hex>.sock, and a socket path must fit
# in 108 bytes (sun_path), so the run roots under WORK must stay short.
WORK=$(mktemp -d /tmp/bb.XXXXXX)
# The scenario scripts make their temp dirs inside WORK and note their children's pids there.
export BENCH_WORK=$WORK
trap 'bash "$BENCH/cleanup.sh" end "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
step() { echo "== $*" >&2; }

bash "$BENCH/cleanup.sh" begin "$WORK"
# Unique per bench run: crun and runc container ids (and their cgroups) start with it.
PREFIX=berth-bench-$$
echo "$$" > "$WORK/state/id-prefix"

step "scenarios: $SCENARIOS"
# The scenarios that need peers.sh's podman and the busybox tarball, and those that need a dockerd.
needs_peers() { want start-latency || want event-latency || want shim-memory || want lifecycle || want pull || want daemon-memory \
  || want network || want docker-api || want build || want compose; }
needs_dockerd() { want start-latency || want event-latency || want shim-memory || want lifecycle || want docker-api || want build || want compose; }
if needs_peers; then
  step "peers: install"
  bash "$BENCH/peers.sh" install
fi
node "$BENCH/facts.mjs" > "$WORK/facts.json"   # before peers.sh changes the cgroup layout

if needs_peers; then
  step "image: busybox tarball"
  sh "$REPO/scripts/busybox-image.sh" "$WORK/busybox.tar"

  step "peers: prepare crun, runc, podman"
  bash "$BENCH/peers.sh" prepare "$WORK" "$WORK/busybox.tar"
  # shellcheck source=/dev/null
  source "$WORK/peers.env"
fi

# One dockerd for the scenarios that compare with docker (daemon-memory starts its own).
unset BENCH_DOCKER_HOST BENCH_DOCKER_CONFIG
if needs_dockerd; then
  step "peers: a dockerd of the bench's own"
  if bash "$BENCH/dockerd.sh" start "$WORK/dk" "$WORK/busybox.tar" > "$WORK/docker.env"; then
    # shellcheck source=/dev/null
    source "$WORK/docker.env"
  else
    echo "run.sh: dockerd cannot run here (see above); the scenarios run without docker" >&2
  fi
fi

# A scenario that fails is reported and left out; the others still run, and run.sh fails at the end.
FAILED=()
scenario() {
  local name=$1
  shift
  want "$name" || return 0
  local status
  set +e
  ( set -e; "$@" )   # not in an if: set -e must hold inside
  status=$?
  set -e
  if [ "$status" -ne 0 ]; then
    echo "run.sh: scenario $name FAILED; its previous figures are kept" >&2
    rm -f "$WORK/$name.json"
    if [ "$name" = start-latency ]; then rm -f "$WORK/samples.json"; fi
    FAILED+=("$name")
  fi
}

start_latency() {
  step "start-latency: start a daemon and import the image"
  export BERTH_ROOT=$WORK/berth/root BERTH_RUN_ROOT=$WORK/berth/run
  unset BERTH_NATS_URL BERTH_HOST
  node "$REPO/dist/cli/main.cjs" import "$WORK/busybox.tar" busybox >/dev/null
  node "$REPO/dist/cli/main.cjs" tag busybox localhost/busybox   # the docker CLI's reference row (subjects.mjs)
  node "$REPO/dist/cli/main.cjs" run --rm busybox true

  step "start-latency: $BENCH_WARMUP warm-up + $BENCH_RUNS runs of each, interleaved"
  node "$BENCH/subjects.mjs" "$WORK" "$PREFIX" "$BUNDLE" -- "${PODMAN_ARGS[@]}" > "$WORK/subjects.json"   # docker: BENCH_DOCKER_HOST
  node "$BENCH/startLatency.mjs" "$WORK/subjects.json" "$WORK/samples.json"
  node "$BENCH/berthBreakdown.mjs" "$WORK/samples.json" "$WORK/breakdown.json"
}

# A scenario script against berth and podman: BUSYBOX_TAR and podman's arguments (peers.env).
with_podman() {
  BUSYBOX_TAR=$WORK/busybox.tar \
  BENCH_PODMAN_ARGS_JSON=$(node -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- "${PODMAN_ARGS[@]}") \
    node "$@"
}

event_latency() {
  step "event-latency: berth (own nats-server and daemon), podman and docker"
  with_podman "$BENCH/eventLatency.mjs" "$WORK/event-latency.json"
}

shim_memory() {
  step "shim-memory: berth-shim, conmon and containerd-shim per running container; berth, podman and docker exec"
  with_podman "$BENCH/shimMemory.mjs" "$WORK/shim-memory.json"
}

daemon_ready() {
  step "daemon-ready: histories into an own nats-server, then timed daemon starts"
  node "$BENCH/daemonReady.mjs" "$WORK/daemon-ready.json"
}

event_log() {
  step "event-log: append and replay rates"
  node "$BENCH/eventLog.mjs" "$WORK/event-log.json"
}

lifecycle() {
  step "lifecycle: berth (the start-latency daemon), podman and docker"
  export BERTH_ROOT=$WORK/berth/root BERTH_RUN_ROOT=$WORK/berth/run
  unset BERTH_NATS_URL BERTH_HOST
  node "$REPO/dist/cli/main.cjs" import "$WORK/busybox.tar" busybox >/dev/null
  BENCH_PODMAN_ARGS_JSON=$(node -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- "${PODMAN_ARGS[@]}") \
    node "$BENCH/lifecycle.mjs" "$WORK/lifecycle.json"
}

daemon_memory() {
  step "daemon-memory: berth's daemon (own nats-server) and a dockerd of its own, 0, 50, 500 containers"
  BUSYBOX_TAR=$WORK/busybox.tar node "$BENCH/daemonMemory.mjs" "$WORK/daemon-memory.json"
}

pull() {
  step "pull: berth (the start-latency daemon), podman and skopeo from a local registry"
  export BERTH_ROOT=$WORK/berth/root BERTH_RUN_ROOT=$WORK/berth/run
  unset BERTH_NATS_URL BERTH_HOST
  BUSYBOX_TAR=$WORK/busybox.tar \
  BENCH_PODMAN_ARGS_JSON=$(node -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- "${PODMAN_ARGS[@]}") \
    node "$BENCH/pull.mjs" "$WORK/pull.json"
}

# The start-latency daemon with the busybox image as busybox and localhost/busybox (the peers' name
# for it), for the scenarios that run the same command line or file on every engine.
berth_with_busybox() {
  export BERTH_ROOT=$WORK/berth/root BERTH_RUN_ROOT=$WORK/berth/run
  unset BERTH_NATS_URL BERTH_HOST
  node "$REPO/dist/cli/main.cjs" import "$WORK/busybox.tar" busybox >/dev/null
  node "$REPO/dist/cli/main.cjs" tag busybox localhost/busybox
}

network() {
  step "network: iperf3 throughput and 50 containers on one network; berth (the start-latency daemon) and podman"
  berth_with_busybox
  with_podman "$BENCH/network.mjs" "$WORK/network.json"
}

docker_api() {
  step "docker-api: the docker CLI against berth's socket, podman system service and dockerd"
  berth_with_busybox
  with_podman "$BENCH/dockerApi.mjs" "$WORK/docker-api.json"
}

build() {
  step "build: berth build, podman build, buildah bud and docker build, cold and cached"
  berth_with_busybox
  with_podman "$BENCH/build.mjs" "$WORK/build.json"
}

compose() {
  step "compose: berth compose and podman-compose, up -d and down of 5 services"
  berth_with_busybox
  with_podman "$BENCH/compose.mjs" "$WORK/compose.json"
}

scenario start-latency start_latency
scenario event-latency event_latency
scenario daemon-ready daemon_ready
scenario event-log event_log
scenario shim-memory shim_memory
scenario lifecycle lifecycle
scenario pull pull
overlay() {
  step "overlay: iperf3 and ping between two hosts' containers, overlay against link"
  BENCH_OVERLAY_OUT=$BENCH/overlay.md node "$BENCH/overlay.mjs" 5 >/dev/null
}

scenario daemon-memory daemon_memory
scenario overlay overlay
scenario network network
scenario docker-api docker_api
scenario build build
scenario compose compose

step "report"
node "$BENCH/report.mjs" "$WORK"
if want start-latency && [ -f "$WORK/samples.json" ]; then
  node -e '
    const r = require(process.argv[1]);
    for (const [name, s] of Object.entries(r.results)) console.error(`${name.padEnd(14)} median ${s.median.toFixed(1)} ms  (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`);
    console.error(Object.entries(r.ratios).map(([k, v]) => `${k} ${v}x`).join("  "));
  ' "$BENCH/results.json"
fi
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "run.sh: failed scenarios: ${FAILED[*]}" >&2
  step "cleanup"
  exit 1
fi
step "cleanup"
