#!/usr/bin/env bash
# The peers berth is measured against: crun, runc, podman, skopeo, buildah, podman-compose and
# Debian's docker.io (dockerd, its containerd and the docker CLI), plus docker-registry to pull from,
# iperf3 for network throughput, hyperfine for ad hoc use, and busybox-static for the image.
#
#   peers.sh install               apt-get installs the Debian packages that are missing
#   peers.sh prepare WORK TAR      readies every peer inside WORK from the busybox tarball TAR
#
# prepare leaves WORK/peers.env (shell variables that run.sh sources) and, for every change it
# makes outside WORK, a marker in WORK/state/ that cleanup.sh reads to undo exactly that change.
set -euo pipefail

packages=(crun runc podman hyperfine busybox-static skopeo docker-registry docker.io iperf3 buildah podman-compose)

install() {
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "peers: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt_install "${missing[@]}"
}

apt_install() {
  # No recommends: docker.io's (apparmor, cgroupfs-mount, needrestart) would change the host.
  # And no service start: a packaged dockerd started here would take over iptables and make
  # docker0; the bench starts a dockerd of its own (dockerd.sh). Debian's policy-rc.d hook
  # (exit 101) forbids the start; one is put in place for the install if the host has none.
  local policy=/usr/sbin/policy-rc.d made=0 status=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    made=1
  fi
  if ! apt-get install -y -qq --no-install-recommends "$@" >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null || status=$?
  fi
  if [ "$made" -eq 1 ]; then rm -f "$policy"; fi
  return "$status"
}

# crun refuses a hybrid host while cgroup2 owns a controller ("cgroups in hybrid mode not
# supported"). Mount each such controller as its own v1 hierarchy; cleanup.sh undoes it.
free_hybrid_controllers() {
  local work=$1 unified=/sys/fs/cgroup/unified controller dir
  [ -f /sys/fs/cgroup/cgroup.controllers ] && return 0  # pure cgroup v2: nothing to do
  [ -f "$unified/cgroup.controllers" ] || return 0      # pure cgroup v1: nothing to do
  for controller in $(cat "$unified/cgroup.controllers"); do
    dir=/sys/fs/cgroup/$controller
    if mountpoint -q "$dir"; then continue; fi
    if [ ! -d "$dir" ]; then
      mkdir "$dir"
      touch "$work/state/mkdir-cgroup-$controller"
    fi
    mount -t cgroup -o "$controller" cgroup "$dir"
    touch "$work/state/mount-cgroup-$controller"
    echo "peers: mounted the $controller controller as its own v1 hierarchy (for crun); undone at the end" >&2
  done
}

# An OCI bundle from the same rootfs, for crun and runc: crun's default spec (namespaces pid,
# network, ipc, uts, mount, as berth's shim) running `true`, without a terminal.
make_bundle() {
  local work=$1 tar=$2 bundle=$1/bundle
  mkdir -p "$bundle/rootfs"
  tar --numeric-owner -C "$bundle/rootfs" -xf "$tar"
  (cd "$bundle" && crun spec)
  node -e '
    const fs = require("node:fs");
    const file = process.argv[1];
    const spec = JSON.parse(fs.readFileSync(file, "utf8"));
    spec.process.args = ["true"];
    spec.process.terminal = false;
    fs.writeFileSync(file, JSON.stringify(spec, null, 2));
  ' "$bundle/config.json"
  mkdir -p "$work/crun-state" "$work/runc-state"
  crun --root "$work/crun-state" run --bundle "$bundle" bench-crun-check
  runc --root "$work/runc-state" run --bundle "$bundle" bench-runc-check
}

# podman with its own storage, run and temp dirs under WORK, ulimits it may set without
# CAP_SYS_RESOURCE, cgroupfs and file events (no systemd here).
prepare_podman() {
  local work=$1 tar=$2 p=$1/podman driver
  mkdir -p "$p"
  cat > "$p/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[network]
network_config_dir = "$p/networks"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$p/tmp"
volume_path = "$p/volumes"
image_copy_tmp_dir = "$p/tmp"
EOF
  export CONTAINERS_CONF=$p/containers.conf
  touch "$work/state/podman"
  for driver in overlay vfs; do
    local args=(--root "$p/root" --runroot "$p/run" --storage-driver "$driver")
    if podman "${args[@]}" import --quiet "$tar" localhost/busybox >/dev/null \
      && podman "${args[@]}" run --rm --network none localhost/busybox true; then
      {
        printf 'export CONTAINERS_CONF=%q\n' "$CONTAINERS_CONF"
        printf 'PODMAN_ARGS=(%s)\n' "$(printf '%q ' "${args[@]}")"
        printf 'export PODMAN_DRIVER=%q\n' "$driver"
        printf 'export PODMAN_RUNTIME=%q\n' "$(podman "${args[@]}" info --format '{{.Host.OCIRuntime.Name}}')"
      } >> "$work/peers.env"
      return 0
    fi
    echo "peers: podman with the $driver storage driver failed; resetting it" >&2
    podman "${args[@]}" system reset -f >/dev/null 2>&1 || true
  done
  echo "peers: podman cannot run a container here" >&2
  return 1
}

prepare() {
  local work=$1 tar=$2
  mkdir -p "$work/state"
  : > "$work/peers.env"
  free_hybrid_controllers "$work"
  make_bundle "$work" "$tar"
  printf 'BUNDLE=%q\n' "$work/bundle" >> "$work/peers.env"
  prepare_podman "$work" "$tar"
}

case "${1:-}" in
  install) install ;;
  prepare) [ $# -eq 3 ] || { echo "usage: $0 prepare WORK TAR" >&2; exit 2; }; prepare "$2" "$3" ;;
  *) echo "usage: $0 install | prepare WORK TAR" >&2; exit 2 ;;
esac
