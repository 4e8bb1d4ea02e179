-- One account per company: the first user owns the organisation and invites colleagues by mail.
-- org_role: 'owner' (exactly one per organisation), 'member', or 'removed' (taken off by the
-- owner; the account is suspended). NULL for administrators.
ALTER TABLE users ADD COLUMN org_role TEXT;
UPDATE users SET org_role = 'owner' WHERE organization_id IS NOT NULL;

-- An invitation link: single-use, valid for days; only the SHA-256 of its token is stored.
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by BIGINT NOT NULL REFERENCES users (id),
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    accepted_user_id BIGINT REFERENCES users (id),
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX invitations_organization ON invitations (organization_id, created_at);
