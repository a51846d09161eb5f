#!/bin/sh
# Usage: busybox-image.sh OUT.tar
# Writes a busybox rootfs tarball (see busybox-rootfs.sh) to OUT.tar.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUT.tar" >&2; exit 2; }
OUT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/busybox-rootfs.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
"$HERE/busybox-rootfs.sh" "$TMP/rootfs"
tar --numeric-owner -C "$TMP/rootfs" -cf "$OUT.tmp" .
mv -f "$OUT.tmp" "$OUT"
