#!/bin/sh
# MediaWiki's start: on the first one (no LocalSettings.php in the config volume), wait for the
# database and run maintenance/install.php against it, then enable uploads; later starts reuse the
# file. Then Apache in the foreground. mmdebstrap left /run empty: Apache's dirs are made here.
set -eu
conf=/etc/mediawiki/LocalSettings.php
chown www-data:www-data /var/lib/mediawiki/images
if [ ! -s "$conf" ]; then
  db="$MEDIAWIKI_DATABASE_HOST:$MEDIAWIKI_DATABASE_PORT_NUMBER"
  tries=0
  until php -r 'mysqli_report(MYSQLI_REPORT_OFF); exit(@mysqli_connect(getenv("MEDIAWIKI_DATABASE_HOST"), getenv("MEDIAWIKI_DATABASE_USER"), getenv("MEDIAWIKI_DATABASE_PASSWORD"), getenv("MEDIAWIKI_DATABASE_NAME"), (int) getenv("MEDIAWIKI_DATABASE_PORT_NUMBER")) ? 0 : 1);'; do
    tries=$((tries + 1))
    [ "$tries" -lt 120 ] || { echo "mediawiki: the database at $db did not answer" >&2; exit 1; }
    sleep 1
  done
  echo "mediawiki: installing against $db" >&2
  work=$(mktemp -d)
  php /usr/share/mediawiki/maintenance/install.php --quiet --confpath="$work" \
    --dbtype=mysql --dbserver="$db" --dbname="$MEDIAWIKI_DATABASE_NAME" \
    --dbuser="$MEDIAWIKI_DATABASE_USER" --dbpass="$MEDIAWIKI_DATABASE_PASSWORD" \
    --server="http://$MEDIAWIKI_HOST" --scriptpath="" --lang=en \
    --pass="$MEDIAWIKI_PASSWORD" "$MEDIAWIKI_WIKI_NAME" "$MEDIAWIKI_USERNAME" >&2
  cat >> "$work/LocalSettings.php" <<'PHP'

# Added by the berth example's entrypoint.
$wgEnableUploads = true;
$wgUploadDirectory = "/var/lib/mediawiki/images";
$wgUploadPath = "/images";
PHP
  # Written whole or not at all: a start interrupted mid-install installs again.
  chown www-data:www-data "$work/LocalSettings.php"
  mv "$work/LocalSettings.php" "$conf.tmp" && mv "$conf.tmp" "$conf"
  rm -rf "$work"
fi
if [ "$1" = apache2 ]; then
  set +u; . /etc/apache2/envvars; set -u
  install -d -o www-data -g www-data "$APACHE_RUN_DIR" "$APACHE_LOCK_DIR" "$APACHE_LOG_DIR"
  rm -f "$APACHE_PID_FILE"
fi
exec "$@"
