#!/bin/sh
# Usage: busybox-rootfs.sh DIR
# Creates a minimal busybox root filesystem in DIR (created if missing) from the
# host's static /bin/busybox: /bin/busybox plus one symlink per applet in /bin.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
DIR=$1
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || { echo "$0: $BUSYBOX not found (install busybox-static)" >&2; exit 1; }

mkdir -p "$DIR"
cd "$DIR"
mkdir -p bin etc proc sys dev root tmp usr/bin usr/sbin sbin var
chmod 1777 tmp
chmod 700 root
cp "$BUSYBOX" bin/busybox
chmod 755 bin/busybox
for applet in $("$BUSYBOX" --list); do
	[ "$applet" = busybox ] && continue
	ln -sf busybox "bin/$applet"
done
cat > etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > etc/group <<'GROUP'
root:x:0:
tty:x:5:
nogroup:x:65534:
GROUP
: > etc/hostname
