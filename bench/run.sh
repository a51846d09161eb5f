#!/usr/bin/env bash
# The benchmark harness (walking skeleton): start latency of `berth run --rm busybox true`
# against crun, runc and podman on this machine. Run as root from anywhere:
#
#   bash bench/run.sh        (or: npm run bench)
#
# Environment: BENCH_RUNS (measured runs of each command, default 30), BENCH_WARMUP (discarded
# warm-up rounds, default 3). Writes bench/results.json and bench/RESULTS.md. Everything it
# creates lives in one temp dir, or is noted there, and bench/cleanup.sh removes it on exit,
# also on failure.
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH")
export BENCH_RUNS=${BENCH_RUNS:-30} BENCH_WARMUP=${BENCH_WARMUP:-3}
# The CLI needs no extra CA bundle, and loading one adds ~80 ms to every Node start.
unset NODE_EXTRA_CA_CERTS

[ "$(id -u)" -eq 0 ] || { echo "run.sh: run as root (the engines need it)" >&2; exit 1; }
[ -f "$REPO/dist/cli/main.js" ] && [ -x "$REPO/dist/native/berth-shim" ] \
  || { echo "run.sh: berth is not built; run 'npm run build' first" >&2; exit 1; }

WORK=$(mktemp -d /tmp/berth-bench.XXXXXX)
trap 'bash "$BENCH/cleanup.sh" end "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
step() { echo "== $*" >&2; }

bash "$BENCH/cleanup.sh" begin "$WORK"
# Unique per bench run: crun and runc container ids (and their cgroups) start with it.
PREFIX=berth-bench-$$
echo "$$" > "$WORK/state/id-prefix"

step "peers: install"
bash "$BENCH/peers.sh" install
node "$BENCH/facts.mjs" > "$WORK/facts.json"   # before peers.sh changes the cgroup layout

step "image: busybox tarball"
sh "$REPO/scripts/busybox-image.sh" "$WORK/busybox.tar"

step "peers: prepare crun, runc, podman"
bash "$BENCH/peers.sh" prepare "$WORK" "$WORK/busybox.tar"
# shellcheck source=/dev/null
source "$WORK/peers.env"

step "berth: start a daemon and import the image"
export BERTH_ROOT=$WORK/berth/root BERTH_RUN_ROOT=$WORK/berth/run
unset BERTH_NATS_URL BERTH_HOST
node "$REPO/dist/cli/main.js" import "$WORK/busybox.tar" busybox >/dev/null
node "$REPO/dist/cli/main.js" run --rm busybox true

step "measure: $BENCH_WARMUP warm-up + $BENCH_RUNS runs of each, interleaved"
node "$BENCH/subjects.mjs" "$WORK" "$PREFIX" "$BUNDLE" -- "${PODMAN_ARGS[@]}" > "$WORK/subjects.json"
node "$BENCH/startLatency.mjs" "$WORK/subjects.json" "$WORK/samples.json"
node "$BENCH/berthBreakdown.mjs" "$WORK/samples.json" "$WORK/breakdown.json"

step "report"
node "$BENCH/report.mjs" "$WORK"
node -e '
  const r = require(process.argv[1]);
  for (const [name, s] of Object.entries(r.results)) console.error(`${name.padEnd(14)} median ${s.median.toFixed(1)} ms  (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`);
  console.error(Object.entries(r.ratios).map(([k, v]) => `${k} ${v}x`).join("  "));
' "$BENCH/results.json"
step "cleanup"
