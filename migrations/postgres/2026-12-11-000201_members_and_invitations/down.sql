DROP TABLE invitations;
ALTER TABLE users DROP COLUMN org_role;
