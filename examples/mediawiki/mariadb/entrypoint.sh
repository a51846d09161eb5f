#!/bin/sh
# MariaDB's first start: system tables when the data volume is empty, then the wiki's database
# and user (idempotent SQL given as --init-file on every start, run before the first connection is
# accepted, so a healthy server always has them). mmdebstrap left /run empty: the socket dir is made here.
set -eu
install -d -o mysql -g mysql -m 0755 /run/mysqld
chown mysql:mysql /var/lib/mysql
if [ ! -d /var/lib/mysql/mysql ]; then
  echo "mariadb: initialising /var/lib/mysql" >&2
  mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db --auth-root-authentication-method=socket >/dev/null
fi
sql() { printf "%s" "$1" | sed "s/'/''/g"; }
cat > /run/mysqld/init.sql <<SQL
CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE}\`;
CREATE USER IF NOT EXISTS '$(sql "$MARIADB_USER")'@'%' IDENTIFIED BY '$(sql "$MARIADB_PASSWORD")';
GRANT ALL PRIVILEGES ON \`${MARIADB_DATABASE}\`.* TO '$(sql "$MARIADB_USER")'@'%';
SQL
chown mysql:mysql /run/mysqld/init.sql
if [ "$1" = mariadbd ]; then
  shift
  exec mariadbd --user=mysql --bind-address=0.0.0.0 --skip-name-resolve --init-file=/run/mysqld/init.sql "$@"
fi
exec "$@"
