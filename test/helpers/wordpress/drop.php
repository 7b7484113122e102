<?php
// Drops the test site's database named by WORDPRESS_DB_NAME (the name is checked by the config file).
$_SERVER['HTTP_HOST'] = '127.0.0.1';
require_once '/etc/wordpress/config-127.0.0.1.php';
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
[$db_host, $db_port] = explode(':', DB_HOST) + [1 => '3306'];
$db = new mysqli($db_host, DB_USER, DB_PASSWORD, '', (int) $db_port);
$db->query('DROP DATABASE IF EXISTS `' . DB_NAME . '`');
