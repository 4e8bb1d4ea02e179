-- Throttle counters shared by every instance: one row per key (a hash of what is counted, e.g.
-- the login failures of one account), its hits in the current window and when that window ends.
CREATE TABLE throttle_counters (
    key TEXT PRIMARY KEY NOT NULL,
    hits BIGINT NOT NULL,
    window_end TIMESTAMP NOT NULL
);
CREATE INDEX throttle_counters_window_end ON throttle_counters (window_end);
