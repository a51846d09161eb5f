#!/usr/bin/env bash
# Leaves the host as the bench found it.
#
#   cleanup.sh begin WORK   notes which host paths and cgroups exist before the bench touches anything
#   cleanup.sh end WORK     undoes everything the bench made: berth's daemon and nats-server (by pid),
#                           the scenario scripts' children they noted and could not stop (by pid),
#                           the bench's own dockerds (dockerd.sh stop: by pid, with their containerd,
#                           shims and containers),
#                           leftover containers, podman's storage, the cgroup controllers that
#                           peers.sh moved to v1, mounts under WORK, host dirs the peers created
#                           (only those absent at begin), and WORK itself
#
# `end` is best effort and idempotent: run.sh calls it from its EXIT trap, so also on failure.
set -uo pipefail

# Host paths the peers create on first use (podman's caches and run dirs, the runtimes' state;
# dockerd's plugin dir and containerd's shim sockets, which ignore the exec root).
HOST_PATHS=(/run/containers /run/libpod /run/crun /run/runc /var/lib/containers /var/lib/cni /etc/containers/networks "${XDG_CONFIG_HOME:-$HOME/.config}/containers"
  /run/docker /run/containerd)
# Top-level cgroups the engines create in every hierarchy. podman's is removed with what is
# under it; berth's only when empty (other berth engines on this host may be using it).
CGROUP_NAMES=(libpod_parent berth)

BERTH_CLI=$(cd "$(dirname "$0")/.." && pwd)/dist/cli/main.cjs

log() { echo "cleanup: $*" >&2; }

alive() { kill -0 "$1" 2>/dev/null; }

# Sends SIGTERM to a pid, waits up to 5 s, then SIGKILL.
stop_pid() {
  local pid=$1 what=$2 i
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 50); do alive "$pid" || return 0; sleep 0.1; done
  log "$what (pid $pid) ignored SIGTERM; killing it"
  kill -KILL "$pid" 2>/dev/null
}

json_pid() { [ -f "$1" ] && node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).pid)' "$1" 2>/dev/null; }

begin() {
  local work=$1 path hierarchy name
  mkdir -p "$work/state"
  for path in "${HOST_PATHS[@]}"; do
    if [ -e "$path" ]; then echo "$path"; fi
  done > "$work/state/host-paths-before"
  for hierarchy in /sys/fs/cgroup/*/; do
    for name in "${CGROUP_NAMES[@]}"; do
      if [ -d "$hierarchy$name" ]; then echo "$hierarchy$name"; fi
    done
  done > "$work/state/cgroups-before"
}

stop_berth() {
  local work=$1 daemon nats ids
  export BERTH_ROOT=$work/berth/root BERTH_RUN_ROOT=$work/berth/run
  unset NODE_EXTRA_CA_CERTS
  daemon=$(json_pid "$BERTH_RUN_ROOT/berthd.json")
  nats=$(json_pid "$BERTH_RUN_ROOT/nats.json")
  if [ -n "$daemon" ] && alive "$daemon"; then
    ids=$(timeout 20 node "$BERTH_CLI" ps -aq --no-trunc 2>/dev/null)
    if [ -n "$ids" ]; then
      log "removing leftover berth containers"
      # shellcheck disable=SC2086
      timeout 30 node "$BERTH_CLI" rm -f $ids >/dev/null 2>&1
    fi
    stop_pid "$daemon" "berth daemon"
  fi
  [ -n "$nats" ] && stop_pid "$nats" "nats-server"
}

# Children the scenario scripts noted in WORK/state/pids/ (bench/procs.mjs: one file per pid,
# holding its command line) and could not stop themselves; only a pid still running that command.
stop_noted() {
  local work=$1 file pid
  for file in "$work"/state/pids/*; do
    [ -e "$file" ] || continue
    pid=${file##*/}
    if alive "$pid" && [ "$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | sed 's/ $//')" = "$(cat "$file")" ]; then
      stop_pid "$pid" "$(cut -c1-60 "$file")"
    fi
    rm -f "$file"
  done
}

# Every dockerd bench/dockerd.sh started (it notes their dirs), with what they left.
stop_dockerds() {
  local work=$1 dir
  [ -f "$work/state/dockerd-dirs" ] || return 0
  while read -r dir; do
    BENCH_WORK=$work bash "$(dirname "$0")/dockerd.sh" stop "$dir"
  done < "$work/state/dockerd-dirs"
  rm -f "$work/state/dockerd-dirs"
}

stop_runtimes() {
  local work=$1 runtime id
  for runtime in crun runc; do
    [ -d "$work/$runtime-state" ] || continue
    for id in $("$runtime" --root "$work/$runtime-state" list -q 2>/dev/null); do
      log "deleting leftover $runtime container $id"
      "$runtime" --root "$work/$runtime-state" delete -f "$id" >/dev/null 2>&1
    done
  done
}

reset_podman() {
  local work=$1 p=$1/podman
  [ -f "$work/state/podman" ] || return 0
  CONTAINERS_CONF=$p/containers.conf podman --root "$p/root" --runroot "$p/run" system reset -f >/dev/null 2>&1 \
    || log "podman system reset failed; its storage is removed with WORK"
}

unmount_under() {
  local work=$1 target
  # Deepest first; field 5 of mountinfo is the mount point.
  awk -v w="$work/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r target; do
    umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || log "cannot unmount $target"
  done
}

# Removes an empty cgroup tree, children first (rmdir fails, harmlessly, on a busy cgroup).
remove_cgroup_tree() { find "$1" -depth -type d -exec rmdir {} \; 2>/dev/null; [ ! -d "$1" ] || log "cannot remove cgroup $1"; }

remove_cgroups() {
  local work=$1 hierarchy name dir
  [ -f "$work/state/cgroups-before" ] || return 0
  for hierarchy in /sys/fs/cgroup/*/; do
    for name in "${CGROUP_NAMES[@]}"; do
      dir=$hierarchy$name
      [ -d "$dir" ] || continue
      grep -qxF "$dir" "$work/state/cgroups-before" && continue
      if [ "$name" = berth ]; then rmdir "$dir" 2>/dev/null || log "$dir is in use; left in place"
      else remove_cgroup_tree "$dir"; fi
    done
    for dir in "$hierarchy"berth-bench-"$(cat "$work/state/id-prefix" 2>/dev/null || echo none)"-*; do
      [ -d "$dir" ] && remove_cgroup_tree "$dir"
    done
  done
}

# Gives the controllers peers.sh moved back to cgroup2. The kernel only frees a v1 hierarchy
# that has no cgroup left, dying ones included, when it is unmounted; so retry after a pause.
restore_controllers() {
  local work=$1 marker controller dir try
  for marker in "$work"/state/mount-cgroup-*; do
    [ -e "$marker" ] || continue
    controller=${marker##*/mount-cgroup-}
    dir=/sys/fs/cgroup/$controller
    for try in 1 2 3 4 5; do
      mountpoint -q "$dir" || mount -t cgroup -o "$controller" cgroup "$dir" 2>/dev/null || break
      find "$dir" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
      sleep 1
      umount "$dir" || break
      sleep 0.5
      grep -qw "$controller" /sys/fs/cgroup/unified/cgroup.controllers && break
    done
    if grep -qw "$controller" /sys/fs/cgroup/unified/cgroup.controllers; then
      log "the $controller controller is back on cgroup2"
    else
      log "WARNING: the $controller controller did not return to cgroup2 (a v1 hierarchy still holds it)"
    fi
    rm -f "$marker"
    if [ -e "$work/state/mkdir-cgroup-$controller" ]; then
      mountpoint -q "$dir" || rmdir "$dir" 2>/dev/null || log "cannot remove $dir"
    fi
  done
}

remove_host_paths() {
  local work=$1 path
  [ -f "$work/state/host-paths-before" ] || return 0
  for path in "${HOST_PATHS[@]}"; do
    [ -e "$path" ] || continue
    grep -qxF "$path" "$work/state/host-paths-before" && continue
    if awk -v p="$path" '$5 == p || index($5, p "/") == 1' /proc/self/mountinfo | grep -q .; then
      log "not removing $path: something is mounted under it"
      continue
    fi
    rm -rf --one-file-system "$path"
  done
}

end() {
  local work=$1
  [ -d "$work" ] || return 0
  stop_noted "$work"
  stop_berth "$work"
  stop_dockerds "$work"
  stop_runtimes "$work"
  reset_podman "$work"
  unmount_under "$work"
  remove_cgroups "$work"
  restore_controllers "$work"
  remove_host_paths "$work"
  unmount_under "$work"
  rm -rf --one-file-system "$work"
}

case "${1:-}" in
  begin) [ $# -eq 2 ] || exit 2; begin "$2" ;;
  end) [ $# -eq 2 ] || exit 2; end "$2" ;;
  *) echo "usage: $0 begin|end WORK" >&2; exit 2 ;;
esac
