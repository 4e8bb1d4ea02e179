-- What each side wrote when it said it was interested, shown to the other side.
ALTER TABLE matches ADD COLUMN sme_note TEXT;
ALTER TABLE matches ADD COLUMN provider_note TEXT;
