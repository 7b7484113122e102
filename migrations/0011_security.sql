-- A job enqueued by the application role must name the org of its transaction. Before, a
-- transaction without an org and a payload without `org_id` compared NULL with NULL, which
-- `is distinct from` treats as equal, so the app role could enqueue a job with no org.
-- Now the app role needs an org set and a payload naming exactly it; any other transaction
-- that set an org is held to it too; only the owner, outside any org, enqueues system work.
create or replace function plexus_enqueue_org_check(payload_org text) returns void
  language plpgsql stable
  set search_path = pg_catalog, public
  as $$
declare
  v_org text := nullif(current_setting('plexus.org_id', true), '');
begin
  if session_user = 'plexus_app' and (v_org is null or payload_org is null) then
    raise exception 'a job enqueued by the application role must name the org of its transaction' using errcode = '42501';
  end if;
  if v_org is not null and payload_org is distinct from v_org then
    raise exception 'job payload org_id does not match the transaction org' using errcode = '42501';
  end if;
end
$$;

-- Wrong credentials submitted on a connect session's page, counted in the database so the
-- limit holds across API processes; the session closes at the limit.
alter table connect_sessions add column credential_attempts int not null default 0;

-- Wix app instance ids were stored as routing references as typed, unchecked. They route
-- again only once the connection re-verifies them with Wix (on its next identify).
update connections set account_refs = array_remove(account_refs, config ->> 'instanceId')
  where provider = 'wix' and config ? 'instanceId';

-- The browser that started an OAuth flow: the SHA-256 of a random value set as a cookie by
-- the connect page, checked at the callback, so a code or state used from another browser
-- cannot complete the session.
alter table connect_sessions add column browser_binding bytea;
