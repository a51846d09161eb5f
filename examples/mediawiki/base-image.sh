#!/usr/bin/env bash
# The Debian base image both of this example's images are built FROM: a root filesystem made on
# the host by mmdebstrap from the machine's own apt sources (no apt runs in any container), then
# `berth import`ed as $BASE_IMAGE. The tarball is cached outside the clone, keyed by a hash of
# the suite and the package list, so a fresh clone (CI) reuses it; changing the list makes a new one.
#   usage: base-image.sh [--tar-only]     (--tar-only: print the cached tarball's path, no import)
# Environment: BERTH_EXAMPLES_CACHE (default /var/cache/berth/examples), BERTH (the berth command).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${BERTH_EXAMPLES_CACHE:-/var/cache/berth/examples}
berth=${BERTH:-berth}
suite=bookworm
image=berth-examples/debian-mediawiki:bookworm
# One base for both images: the layers are shared, and one mmdebstrap run downloads and unpacks
# the common part (libc, perl, ssl...) once.
packages=$(grep -v '^#' "$here/packages.txt" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
key=$(printf '%s\n%s\n' "$suite" "$packages" | sha256sum | cut -c1-16)
tar="$cache/debian-mediawiki-$suite-$key.tar"

if [ ! -s "$tar" ]; then
  command -v mmdebstrap >/dev/null || { echo "base-image: mmdebstrap is not installed (apt-get install mmdebstrap)" >&2; exit 1; }
  mkdir -p "$cache"
  partial=$(mktemp "$cache/.partial-XXXXXX")
  trap 'rm -f "$partial"' EXIT
  echo "base-image: building $tar (mmdebstrap $suite: $packages)" >&2
  start=$(date +%s)
  # No docs, man pages or translations of programs (MediaWiki's own i18n lives under
  # /usr/share/mediawiki, untouched); no recommends; apt's lists and caches are dropped at the end.
  mmdebstrap --quiet --format=tar --variant=minbase \
    --aptopt='APT::Install-Recommends "false"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --include="$(tr ' ' ',' <<<"$packages")" \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    "$suite" "$partial" >&2
  chmod 0644 "$partial" && mv "$partial" "$tar"
  trap - EXIT
  echo "base-image: built in $(( $(date +%s) - start )) s, $(du -m "$tar" | cut -f1) MB" >&2
fi

if [ "${1:-}" = --tar-only ]; then echo "$tar"; exit 0; fi
# Imported only when the engine lacks this very tarball's image (its label carries the key).
if [ "$($berth image inspect --format '{{index .Config.Labels "berth.examples.key"}}' "$image" 2>/dev/null || true)" != "$key" ]; then
  $berth import -c "LABEL berth.examples.key=$key" "$tar" "$image" >/dev/null
fi
echo "$image"
