-- Indexes that fit the lists' filters and order (issue 14): a page of a list of a million is
-- read from an index in order, and counted up to the cap (`COUNT_CAP`) by an index probe.
CREATE INDEX postings_list_order ON postings (kind, status, published_at, id);
CREATE INDEX postings_list_category ON postings (kind, status, category, published_at, id);
CREATE INDEX postings_list_park ON postings (kind, status, park_id, published_at, id);
CREATE INDEX postings_review_queue ON postings (kind, status, submitted_at, id);
CREATE INDEX postings_escalated ON postings (kind, status, escalated_at, id) WHERE escalated_at IS NOT NULL;
CREATE INDEX postings_status_id ON postings (status, id);
CREATE INDEX organizations_queue ON organizations (status, kind, park_id, created_at, id);
CREATE INDEX organizations_pending ON organizations (status, created_at, id);
CREATE INDEX matches_picked_up ON matches (need_id) WHERE provider_interested_at IS NOT NULL;
CREATE INDEX users_role_park ON users (role, park_id);
DROP INDEX postings_list;
