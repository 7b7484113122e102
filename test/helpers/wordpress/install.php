<?php
// Installs a fresh WordPress into the database named by WORDPRESS_DB_NAME for the site at
// WORDPRESS_SITE_URL (WP-CLI is not packaged in Debian): creates the database, runs
// wp_install() with an administrator, gives the site its own uploads folder and mints an
// application password for it and for a second user, an editor (edits by a person on the site
// that are not Plexus's own). Prints one JSON line:
// {"userId":…,"appPassword":…,"editor":{"username":…,"userId":…,"appPassword":…}}.
// Usage: php install.php <username> <email> <login password>
[$_, $username, $email, $password] = $argv + [null, null, null, null];
if (!$username || !$email || !$password) {
  fwrite(STDERR, "usage: php install.php <username> <email> <password>\n");
  exit(2);
}
$site_url = getenv('WORDPRESS_SITE_URL');
// The packaged wp-config.php picks /etc/wordpress/config-<host>.php from the Host header.
$_SERVER['HTTP_HOST'] = parse_url($site_url, PHP_URL_HOST) . ':' . parse_url($site_url, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
require_once '/etc/wordpress/config-127.0.0.1.php';

mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
[$db_host, $db_port] = explode(':', DB_HOST) + [1 => '3306'];
$db = new mysqli($db_host, DB_USER, DB_PASSWORD, '', (int) $db_port);
$db->query('CREATE DATABASE `' . DB_NAME . '` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
// Sites of runs killed before they could drop theirs: names carry their creation time.
foreach ($db->query("SHOW DATABASES LIKE 'plexus\\_wp\\_%'")->fetch_all() as [$name]) {
  if (preg_match('/^plexus_wp_(\d+)_[a-z0-9]+$/', $name, $m) && (int) $m[1] < time() - 86400) {
    $db->query('DROP DATABASE IF EXISTS `' . $name . '`');
  }
}
$db->close();

define('WP_INSTALLING', true);
// No welcome mail: there is no mail transport on a test machine.
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password) {}
require_once '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

ob_start();
$installed = wp_install('Plexus test site', $username, $email, true, '', $password);
ob_end_clean();
$user_id = (int) $installed['user_id'];

// One uploads folder per site, removed with it (the shared WP_CONTENT_DIR stays clean).
$uploads = WP_CONTENT_DIR . '/uploads/' . DB_NAME;
update_option('upload_path', $uploads);
update_option('upload_url_path', $site_url . '/wp-content/uploads/' . DB_NAME);
// Plain permalinks: the REST API answers at index.php?rest_route= (cms.md §1.8).
update_option('permalink_structure', '');

[$app_password] = WP_Application_Passwords::create_new_application_password($user_id, ['name' => 'plexus-tests']);

$editor_name = 'plexus-editor';
$editor_id = wp_insert_user([
  'user_login' => $editor_name,
  'user_email' => 'plexus-editor@example.test',
  'user_pass' => wp_generate_password(24),
  'role' => 'editor',
]);
if (is_wp_error($editor_id)) {
  fwrite(STDERR, 'creating the editor failed: ' . $editor_id->get_error_message() . "\n");
  exit(1);
}
[$editor_password] = WP_Application_Passwords::create_new_application_password($editor_id, ['name' => 'block-editor']);

echo json_encode([
  'userId' => $user_id,
  'appPassword' => WP_Application_Passwords::chunk_password($app_password),
  'editor' => ['username' => $editor_name, 'userId' => (int) $editor_id, 'appPassword' => WP_Application_Passwords::chunk_password($editor_password)],
]), "\n";
