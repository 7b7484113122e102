-- A connect session may offer several platforms; the end user picks one on the connect page.
-- `providers` is what the session offers, `provider` the one picked (set when the person
-- continues, so it stays empty until then on a session that offers more than one).
alter table connect_sessions
  alter column provider drop not null,
  add column providers text[] not null default '{}',
  -- the origin of the page that opened the connect window: the outcome is posted to it, and
  -- to no other origin
  add column web_origin text;
update connect_sessions set providers = array[provider] where cardinality(providers) = 0;
