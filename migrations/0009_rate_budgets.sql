-- Request budgets shared by every worker process: a token bucket per key (a platform app, or
-- one ad account on it), refilled by elapsed time and taken atomically in one statement.
create table rate_budgets (
  key text primary key,
  tokens float8 not null,
  updated_at timestamptz not null default clock_timestamp()
);

-- Takes one token; returns how long (ms) the caller must wait before its call (0 = go now).
-- A caller that must wait still takes its token, so waiting callers queue in arrival order.
create function plexus_take_budget(p_key text, p_per_second float8, p_burst float8) returns float8
  language plpgsql
  set search_path = pg_catalog, public
  as $$
declare
  v_tokens float8;
begin
  insert into rate_budgets (key, tokens) values (p_key, p_burst - 1)
  on conflict (key) do update set
    tokens = least(p_burst, rate_budgets.tokens + extract(epoch from clock_timestamp() - rate_budgets.updated_at) * p_per_second) - 1,
    updated_at = clock_timestamp()
  returning tokens into v_tokens;
  return case when v_tokens >= 0 then 0 else (-v_tokens / p_per_second) * 1000 end;
end
$$;
