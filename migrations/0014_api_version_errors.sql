-- When a platform refuses the API version Plexus called (it passed its sunset), its answer is
-- kept on the connection so the host app sees why calls fail; the next successful call clears it.
alter table connections add column api_version_error jsonb;
