-- Budgets counted in units other than calls (Shopify's calculated query cost): a call takes the
-- units it may cost, gives back what it did not use, and a platform's own report of what is
-- left lowers the shared bucket when another client of the same app drew from it.

-- Takes p_units tokens (a negative count gives tokens back, up to the burst); returns how long
-- (ms) the caller must wait before its call (0 = go now).
create function plexus_take_budget(p_key text, p_per_second float8, p_burst float8, p_units float8) returns float8
  language plpgsql
  set search_path = pg_catalog, public
  as $$
declare
  v_tokens float8;
begin
  insert into rate_budgets (key, tokens) values (p_key, least(p_burst, p_burst - p_units))
  on conflict (key) do update set
    tokens = least(p_burst, least(p_burst, rate_budgets.tokens + extract(epoch from clock_timestamp() - rate_budgets.updated_at) * p_per_second) - p_units),
    updated_at = clock_timestamp()
  returning tokens into v_tokens;
  return case when v_tokens >= 0 or p_units <= 0 then 0 else (-v_tokens / p_per_second) * 1000 end;
end
$$;

-- Lowers the bucket to what the platform says is available (never raises it: callers already
-- queued against it keep their place).
create function plexus_cap_budget(p_key text, p_per_second float8, p_burst float8, p_available float8) returns void
  language sql
  set search_path = pg_catalog, public
  as $$
  update rate_budgets set
    tokens = least(least(p_burst, tokens + extract(epoch from clock_timestamp() - updated_at) * p_per_second), p_available),
    updated_at = clock_timestamp()
  where key = p_key;
$$;
