<?php
// Router for `php -S` serving Debian's WordPress: what Apache's `Alias /wp-content` and the
// front-controller fallback do in the packaged setup (README.Debian), nothing more.
$content_dir = '/var/lib/wordpress/wp-content';
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');

if (str_starts_with($path, '/wp-content/')) {
  $file = realpath($content_dir . substr($path, strlen('/wp-content')));
  if ($file !== false && str_starts_with($file, $content_dir . '/') && is_file($file) && !str_ends_with($file, '.php')) {
    header('Content-Type: ' . (mime_content_type($file) ?: 'application/octet-stream'));
    header('Content-Length: ' . filesize($file));
    readfile($file);
    return true;
  }
}
// Existing files under the document root (index.php, wp-admin, wp-includes assets) as usual.
if ($path !== '/' && is_file($_SERVER['DOCUMENT_ROOT'] . $path)) {
  return false;
}
// Everything else goes to WordPress's front controller, as its rewrite rules would send it.
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
