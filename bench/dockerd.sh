#!/usr/bin/env bash
# A dockerd of the bench's own (Debian's docker.io, by path: /usr/local/bin/docker on this
# machine is a separate upstream CLI without a daemon), leaving the host's network and any
# system docker alone:
#
#   dockerd.sh start DIR [TAR]   starts /usr/sbin/dockerd with everything under DIR (data root,
#                                exec root with its managed containerd, pid file, socket,
#                                config), no iptables, no default bridge (the userland proxy
#                                publishes ports, for compose's project network), default
#                                nofile ulimit within the hard limit (no CAP_SYS_RESOURCE);
#                                containers' cgroups under berth-bench-<id>-docker-<name of DIR>;
#                                imports the rootfs tarball TAR as localhost/busybox; prints
#                                BENCH_DOCKER_HOST and BENCH_DOCKER_CONFIG as shell assignments
#                                (the docker CLI's DOCKER_HOST and DOCKER_CONFIG; not exported
#                                as those, since podman reads DOCKER_CONFIG too)
#   dockerd.sh stop DIR          removes its containers, stops dockerd by pid (its containerd
#                                with it), then any shim or container process left (by pid)
#
# BENCH_WORK (run.sh's temp dir) must be set and hold DIR: start notes DIR in
# BENCH_WORK/state/dockerd-dirs, and bench/cleanup.sh runs `stop` for each one noted.
set -euo pipefail

DOCKERD=/usr/sbin/dockerd
DOCKER=/usr/bin/docker
# Debian's containerd, runc and docker-init (tini), whatever else PATH holds.
SYSTEM_PATH=/usr/sbin:/usr/bin:/sbin:/bin

log() { echo "dockerd.sh: $*" >&2; }
alive() { kill -0 "$1" 2>/dev/null; }

# The pids of processes whose command line mentions DIR (dockerd, containerd and its shims all
# carry DIR's paths), except ours.
pids_mentioning() {
  local dir=$1 proc pid
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    [ "$pid" = "$$" ] && continue
    { tr '\0' ' ' < "$proc/cmdline"; } 2>/dev/null | grep -qF "$dir/" && echo "$pid"
  done
  return 0
}

# The cgroup parent of DIR's containers (bench/cleanup.sh removes every berth-bench-<id>-* cgroup).
cgroup_parent() { echo "berth-bench-$(cat "${BENCH_WORK:?BENCH_WORK must be set}/state/id-prefix")-docker-${1##*/}"; }

start() {
  local dir=$1 tar=${2:-} work=${BENCH_WORK:?BENCH_WORK must be set} pid i
  dir=$(realpath -m "$dir")
  case "$dir/" in "$work"/*) ;; *) log "$dir is not inside BENCH_WORK ($work)"; exit 2 ;; esac
  mkdir -p "$dir/data" "$dir/exec" "$dir/config"
  echo '{}' > "$dir/config/config.json"
  # The trust key (20.10 writes /etc/docker/key.json by default) has no flag, only this key.
  printf '{ "deprecated-key-path": "%s/key.json" }\n' "$dir" > "$dir/daemon.json"
  echo "$dir" >> "$work/state/dockerd-dirs"
  # The socket path must fit in sun_path (108 bytes), as must containerd's under the exec root.
  [ ${#dir} -lt 60 ] || { log "$dir is too long for dockerd's sockets"; exit 2; }
  PATH=$SYSTEM_PATH setsid "$DOCKERD" \
    --config-file "$dir/daemon.json" \
    --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
    -H "unix://$dir/docker.sock" \
    --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none --userland-proxy=true \
    --cgroup-parent "/$(cgroup_parent "$dir")" \
    --default-ulimit nofile=1024:20000 \
    --log-level warn \
    < /dev/null > "$dir/dockerd.log" 2>&1 &
  pid=$!
  echo "$pid" > "$dir/pid"
  export DOCKER_HOST=unix://$dir/docker.sock DOCKER_CONFIG=$dir/config
  for i in $(seq 300); do
    if "$DOCKER" version >/dev/null 2>&1; then break; fi
    if ! alive "$pid" || [ "$i" -eq 300 ]; then
      log "dockerd did not start; its log:"
      tail -20 "$dir/dockerd.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  if [ -n "$tar" ]; then "$DOCKER" import "$tar" localhost/busybox >/dev/null; fi
  printf 'export BENCH_DOCKER_HOST=%q BENCH_DOCKER_CONFIG=%q\n' "$DOCKER_HOST" "$DOCKER_CONFIG"
}

stop() {
  local dir=$1 pid ids i
  dir=$(realpath -m "$dir")
  [ -f "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  export DOCKER_HOST=unix://$dir/docker.sock DOCKER_CONFIG=$dir/config
  if alive "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF "$dir/"; then
    # Removing first: on SIGTERM dockerd would stop each running container with its 10 s grace.
    ids=$(timeout 30 "$DOCKER" ps -aq 2>/dev/null || true)
    # shellcheck disable=SC2086
    if [ -n "$ids" ]; then timeout 120 "$DOCKER" rm -f $ids >/dev/null 2>&1 || log "docker rm -f failed"; fi
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 300); do alive "$pid" || break; sleep 0.2; done
    if alive "$pid"; then log "dockerd (pid $pid) ignored SIGTERM for 60 s; killing it"; kill -KILL "$pid" 2>/dev/null; fi
  fi
  # Whatever is left: containerd after a killed dockerd, shims, and the containers' processes
  # (in the cgroups under the parent start gave dockerd).
  for i in 1 2 3; do
    local left
    left=$(pids_mentioning "$dir"; cat /sys/fs/cgroup/pids/"$(cgroup_parent "$dir")"/*/cgroup.procs 2>/dev/null || true)
    [ -z "$left" ] && break
    log "stopping what dockerd left (pids $(echo $left))"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null
    sleep 0.5
  done
  rm -f "$dir/pid"
}

case "${1:-}" in
  start) [ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: $0 start DIR [TAR]" >&2; exit 2; }; start "$2" "${3:-}" ;;
  stop) [ $# -eq 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop "$2" ;;
  *) echo "usage: $0 start DIR [TAR] | stop DIR" >&2; exit 2 ;;
esac
