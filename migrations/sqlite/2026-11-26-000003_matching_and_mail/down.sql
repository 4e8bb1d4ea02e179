DROP INDEX matches_need;
ALTER TABLE users DROP COLUMN email_confirmed_at;
DROP TABLE saved_search_hits;
DROP TABLE password_resets;
DROP TABLE match_queue;
