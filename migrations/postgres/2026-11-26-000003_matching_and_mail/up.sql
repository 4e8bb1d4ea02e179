-- Postings waiting to be matched, claimed by one worker at a time.
CREATE TABLE match_queue (
    id BIGSERIAL PRIMARY KEY,
    posting_id BIGINT NOT NULL REFERENCES postings (id),
    enqueued_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX match_queue_due ON match_queue (lease_until, id);

-- Single-use password reset tokens (only their hash is kept).
CREATE TABLE password_resets (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- Which postings a saved search has already sent, so none is sent twice.
CREATE TABLE saved_search_hits (
    saved_search_id BIGINT NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    posting_id BIGINT NOT NULL REFERENCES postings (id),
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (saved_search_id, posting_id)
);

ALTER TABLE users ADD COLUMN email_confirmed_at TIMESTAMP;
CREATE INDEX matches_need ON matches (need_id, status);
