#!/bin/sh
# Makes the TLS certificates of a berth NATS cluster with openssl: a CA, and per node a key
# and a certificate for its addresses (IP or DNS), signed by the CA.
#   scripts/cluster-certs.sh DIR NODE=ADDRESS[,ADDRESS...] ...
# writes DIR/ca.pem, DIR/ca-key.pem (keep it off the nodes), DIR/<node>.pem, DIR/<node>-key.pem.
# Give the nodes their pair and ca.pem (berth-cluster init --tls CERT,KEY,CA), and the daemons
# and CLI users ca.pem (BERTH_NATS_CA, with tls:// URLs). See docs/MULTIHOST.md.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 DIR NODE=ADDRESS[,ADDRESS...] ..." >&2; exit 2; }
dir=$1; shift
mkdir -p "$dir"
umask 077
if [ ! -f "$dir/ca.pem" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
    -subj "/CN=berth cluster CA" -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null
fi
for spec in "$@"; do
  node=${spec%%=*}
  addresses=${spec#*=}
  san=""
  for a in $(echo "$addresses" | tr ',' ' '); do
    case $a in
      *[!0-9.]*) san="$san,DNS:$a" ;;
      *) san="$san,IP:$a" ;;
    esac
  done
  san=${san#,}
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$node" \
    -keyout "$dir/$node-key.pem" -out "$dir/$node.csr" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" > "$dir/$node.ext"
  openssl x509 -req -in "$dir/$node.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial \
    -days 825 -extfile "$dir/$node.ext" -out "$dir/$node.pem" 2>/dev/null
  rm -f "$dir/$node.csr" "$dir/$node.ext"
done
chmod 0644 "$dir/ca.pem"
