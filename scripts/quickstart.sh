#!/usr/bin/env bash
# The README's first command: install and build everything, make a busybox image locally
# (no registry is reachable), and run a real container with it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
unset NODE_EXTRA_CA_CERTS  # the CLI needs no extra CA bundle; loading it costs ~80 ms per start
tar=$(mktemp /tmp/busybox-XXXXXX.tar)
trap 'rm -f "$tar"' EXIT
sh scripts/busybox-image.sh "$tar"
berth import "$tar" busybox >/dev/null
berth run --rm busybox echo hello from berth
