CREATE TABLE parks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    city_code TEXT NOT NULL,
    level TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('sme', 'provider')),
    name TEXT NOT NULL,
    uscc TEXT NOT NULL UNIQUE,
    park_id BIGINT REFERENCES parks (id),
    industry TEXT NOT NULL,
    size TEXT NOT NULL,
    employees INTEGER,
    contact_name TEXT,
    contact_phone TEXT,
    contact_email TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'rejected')),
    reject_code TEXT,
    reject_note TEXT,
    verified_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organizations_status ON organizations (status, created_at);
CREATE INDEX organizations_park ON organizations (park_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    phone TEXT,
    role TEXT NOT NULL CHECK (role IN ('sme', 'provider', 'park_admin', 'platform_admin')),
    organization_id BIGINT REFERENCES organizations (id),
    park_id BIGINT REFERENCES parks (id),
    token_version INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
    lang TEXT NOT NULL DEFAULT 'zh-CN',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_organization ON users (organization_id);

-- Needs and offers share one table: they move through the same states, moderation and change
-- feed. `kind` tells them apart.
CREATE TABLE postings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('need', 'offer')),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    park_id BIGINT REFERENCES parks (id),
    city_code TEXT,
    category TEXT NOT NULL CHECK (category IN ('financing', 'recruiting', 'training')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    details TEXT NOT NULL,
    regions TEXT NOT NULL DEFAULT '[]',
    industries TEXT NOT NULL DEFAULT '[]',
    sizes TEXT NOT NULL DEFAULT '[]',
    amount_yuan BIGINT,
    amount_min_yuan BIGINT,
    amount_max_yuan BIGINT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'pending_review', 'published', 'rejected', 'closed', 'expired')),
    reject_code TEXT,
    reject_note TEXT,
    expires_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    published_at TIMESTAMP,
    closed_at TIMESTAMP,
    escalated_at TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX postings_list ON postings (kind, status, published_at);
CREATE INDEX postings_org ON postings (organization_id, kind);
CREATE INDEX postings_queue ON postings (status, submitted_at);
CREATE INDEX postings_expiry ON postings (status, expires_at);

CREATE TABLE posting_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    posting_id BIGINT NOT NULL REFERENCES postings (id),
    actor_user_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    reason_code TEXT,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX posting_events_posting ON posting_events (posting_id, id);

CREATE TABLE matches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    need_id BIGINT NOT NULL REFERENCES postings (id),
    offer_id BIGINT NOT NULL REFERENCES postings (id),
    score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
    reasons TEXT NOT NULL,
    status TEXT NOT NULL,
    sme_interested_at TIMESTAMP,
    provider_interested_at TIMESTAMP,
    connected_at TIMESTAMP,
    decline_code TEXT,
    decline_note TEXT,
    declined_by BIGINT REFERENCES users (id),
    outcome_result TEXT,
    outcome_amount_yuan BIGINT,
    outcome_hires INTEGER,
    outcome_trainees INTEGER,
    outcome_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (need_id, offer_id)
);
CREATE INDEX matches_offer ON matches (offer_id);

-- Append-only: no code path updates or deletes a row.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_user_id BIGINT REFERENCES users (id),
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    park_id BIGINT,
    reason_code TEXT,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_park ON audit_log (park_id, id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    recipient_user_id BIGINT REFERENCES users (id),
    recipient_email TEXT NOT NULL,
    lang TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT,
    message_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- Every change to a posting's visibility, in commit order of the writing transaction; the search
-- indexer reads it.
CREATE TABLE change_feed (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    posting_id BIGINT NOT NULL REFERENCES postings (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE saved_searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    last_run_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX saved_searches_user ON saved_searches (user_id);

CREATE TABLE notification_settings (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    match_emails TEXT NOT NULL CHECK (match_emails IN ('immediate', 'daily', 'off')),
    updated_at TIMESTAMP NOT NULL
);
