#!/usr/bin/env bash
# Installs everything berth needs on Debian 12, as root, and builds it. Idempotent: CI runs it
# on every clean clone. Debian packages: nats-server (the embedded broker), busybox-static (the
# demo and test image), git (build contexts from git repositories), a C toolchain and zlib1g-dev (the native shim, which links libz statically to gzip rotated logs), iproute2, util-linux (nsenter) and
# openssl for the multi-host tests, and tar; attr (setfattr marks
# opaque dirs when layers are unpacked); docker-registry, skopeo and apache2-utils (htpasswd) for
# the registry tests; prometheus for promtool (test/engine/metrics.test.ts checks the daemon's /metrics);
# systemd (systemd-analyze, systemd-notify) and python3 for test/engine/systemd.test.ts; buildah (with
# runc) for test/build/compare.test.ts, which checks berth build against a real builder; mmdebstrap
# (examples/mediawiki's Debian base image) and curl for test/examples/mediawiki.test.ts; docker-compose
# (Debian's 1.29, which brings python3-docker) for test/api/compose129.test.ts, installed without
# its recommended docker.io: a dockerd started by systemd would make docker0 and iptables rules
# in the host's network, which is not ours.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(nats-server busybox-static git gcc make libc6-dev zlib1g-dev iproute2 nftables util-linux openssl tar ca-certificates attr docker-registry skopeo apache2-utils prometheus systemd python3 buildah runc mmdebstrap curl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! dpkg-query -W -f='${Status}' docker-compose 2>/dev/null | grep -q 'install ok installed'; then
  echo "setup: installing docker-compose" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi
# Node.js 20 or newer. Debian 12's own nodejs is 18: then the official Node.js 20 binary comes
# from the npm registry (node-linux-<arch>, the package `npm install node` fetches; npm checks it
# against the registry's integrity hash) into /usr/local/lib/berth-node, linked as
# /usr/local/bin/node, which comes before /usr/bin on the PATH. Debian's npm runs under it.
node_major() { node -p 'process.versions.node.split(".")[0]'; }
if [ "$(node_major)" -lt 20 ]; then
  case "$(uname -m)" in
    x86_64) node_arch=x64 ;;
    aarch64) node_arch=arm64 ;;
    *) echo "setup: berth needs Node.js 20 or newer; this machine has $(node --version), and no Node.js 20 for $(uname -m) is fetched here" >&2; exit 1 ;;
  esac
  echo "setup: this machine's Node.js is $(node --version); installing Node.js 20 (node-linux-$node_arch from the npm registry)" >&2
  npm install --global --prefix /usr/local/lib/berth-node --no-audit --no-fund --loglevel=error "node-linux-$node_arch@20"
  ln -sf "/usr/local/lib/berth-node/lib/node_modules/node-linux-$node_arch/bin/node" /usr/local/bin/node
  hash -r
fi
if [ "$(node_major)" -lt 20 ]; then
  echo "setup: berth needs Node.js 20 or newer; this machine has $(command -v node) $(node --version)" >&2
  exit 1
fi

# npm dependencies exactly as locked, unless they are already in place.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run -s build

# berth and berthd on the PATH.
ln -sf "$PWD/dist/cli/main.cjs" /usr/local/bin/berth
ln -sf "$PWD/dist/cli/daemon.cjs" /usr/local/bin/berthd
chmod +x dist/cli/main.cjs dist/cli/daemon.cjs
echo "setup: berth is built and on the PATH ($(command -v berth))" >&2

# berthd.service where systemd is PID 1 (sd_booted's test): enabled for the next boot, not started
# here; `systemctl start berthd` starts it (docs/OPERATIONS.md).
if [ -d /run/systemd/system ]; then
  install -m 0644 scripts/systemd/berthd.service /etc/systemd/system/berthd.service
  systemctl daemon-reload
  systemctl enable berthd.service >/dev/null 2>&1
  echo "setup: berthd.service installed and enabled (systemctl start berthd)" >&2
else
  echo "setup: systemd is not PID 1 here; berthd.service not installed (scripts/systemd/berthd.service)" >&2
fi
