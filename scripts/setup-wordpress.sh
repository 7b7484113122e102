#!/usr/bin/env bash
# Prepares this machine for the real-WordPress tests (test/helpers/wordpress.ts): Debian's
# `wordpress` package with PHP's CLI (its built-in web server serves the site on loopback),
# a running MariaDB, a database user that may create and drop `plexus_wp_*` databases, and
# /etc/wordpress/config-127.0.0.1.php, which picks each test run's database from the
# environment of its own `php -S` process. Idempotent; runs as root; asks nothing.
set -euo pipefail

DB_USER=plexus_wp
DB_PASSWORD=plexus-wp-loopback
CONTENT_DIR=/var/lib/wordpress/wp-content

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-wordpress: run as root (it installs Debian packages)" >&2
  exit 1
fi

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for pkg in wordpress php-cli php-mysql mariadb-server; do installed "$pkg" || missing+=("$pkg"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q -o DPkg::Lock::Timeout=300
  # `wordpress` depends on a web server and on `php` (mod_php or FPM or CGI). Naming the CGI
  # binary and the tiny mini-httpd satisfies both without Apache; neither is ever started.
  cgi=$(apt-cache depends php-cgi | awk '/Depends: php[0-9.]+-cgi/ { print $2; exit }')
  # Daemons shipped by these packages must not start (nothing here serves on a public port):
  # a policy-rc.d that refuses every start, only for the length of the install.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  trap 'if [ "$own_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
  apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 \
    wordpress php php-cli php-mysql "${cgi:-php-cgi}" mini-httpd mariadb-server mariadb-client
fi

# MariaDB is started before each session on these machines; start it when it is not answering.
if ! mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1 && ! mariadb-admin -h127.0.0.1 -P3306 -uroot ping >/dev/null 2>&1; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 60); do
    mariadb-admin -h127.0.0.1 -P3306 -uroot ping >/dev/null 2>&1 && break
    sleep 0.5
  done
fi

# Root over the socket (a fresh Debian install) or over TCP with an empty password (services.md).
if mariadb --protocol=socket -uroot -e 'select 1' >/dev/null 2>&1; then
  root_sql() { mariadb --protocol=socket -uroot; }
else
  root_sql() { mariadb -h127.0.0.1 -P3306 -uroot; }
fi
root_sql <<SQL
CREATE USER IF NOT EXISTS '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}';
CREATE USER IF NOT EXISTS '${DB_USER}'@'localhost' IDENTIFIED BY '${DB_PASSWORD}';
ALTER USER '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}';
ALTER USER '${DB_USER}'@'localhost' IDENTIFIED BY '${DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`plexus\\_wp\\_%\`.* TO '${DB_USER}'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`plexus\\_wp\\_%\`.* TO '${DB_USER}'@'localhost';
SQL

# The packaged wp-config.php drops the port from Host and loads config-<host>.php. A file of
# that name that this script did not write belongs to someone's own site: leave it alone.
CONFIG=/etc/wordpress/config-127.0.0.1.php
if [ -e "$CONFIG" ] && ! grep -q 'Written by scripts/setup-wordpress.sh' "$CONFIG"; then
  echo "setup-wordpress: $CONFIG exists and was not written by this script; move it away first" >&2
  exit 1
fi
install -d -m 755 /etc/wordpress
# Written aside and renamed, so a test reading it meanwhile never sees half a file.
cat >"$CONFIG.new" <<PHP
<?php
// Written by scripts/setup-wordpress.sh. A loopback WordPress for tests: each \`php -S\`
// process names its own database and URL in its environment, so runs never share a site.
\$plexus_db = getenv('WORDPRESS_DB_NAME');
\$plexus_url = getenv('WORDPRESS_SITE_URL');
if (!is_string(\$plexus_db) || !preg_match('/^plexus_wp_[a-z0-9_]{1,40}\$/', \$plexus_db) || !is_string(\$plexus_url) || \$plexus_url === '') {
  header('HTTP/1.1 503 Service Unavailable');
  exit("This WordPress serves test runs only: WORDPRESS_DB_NAME and WORDPRESS_SITE_URL are not set.\n");
}
define('DB_NAME', \$plexus_db);
define('DB_USER', '${DB_USER}');
define('DB_PASSWORD', '${DB_PASSWORD}');
define('DB_HOST', getenv('WORDPRESS_DB_HOST') ?: '127.0.0.1:3306');
// Application passwords work over plain HTTP only in a 'local' environment (cms.md §1.1).
define('WP_ENVIRONMENT_TYPE', 'local');
// The site's own URL keeps the port that the Host-based file name loses.
define('WP_HOME', \$plexus_url);
define('WP_SITEURL', \$plexus_url);
define('WP_CONTENT_URL', \$plexus_url . '/wp-content');
// Loopback only: no cron spawning, and no calls out (update checks, pingbacks, oEmbed).
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
PHP
chmod 644 "$CONFIG.new"
mv "$CONFIG.new" "$CONFIG"

# Uploads (featured images) go to a folder per run under here; tests may run as any user.
install -d -m 1777 "${CONTENT_DIR}/uploads"
echo "setup-wordpress: ready ($(dpkg-query -W -f='${Version}' wordpress), $(php -r 'echo PHP_VERSION;'))"
