-- Synonym groups added by platform admins, beside the ones shipped in the release
-- (src/reference/vocabulary/synonyms.txt). Search reads them at query time: no reindex.
CREATE TABLE synonym_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- A JSON array of 2 to 20 terms.
    terms TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

-- One row: bumped in the transaction of every change to synonym_groups, so that each instance
-- notices a change by reading one number (every second) and reloads the groups.
CREATE TABLE vocabulary_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
INSERT INTO vocabulary_version (id, version, changed_at) VALUES (1, 0, CURRENT_TIMESTAMP);
