ALTER TABLE matches DROP COLUMN provider_note;
ALTER TABLE matches DROP COLUMN sme_note;
