-- Outcomes confirmed by both sides: one side reports (with the figure asked for beside the one
-- achieved, so 6 of 10 hires reads as partial), the other confirms or disputes; the report can
-- be corrected until it is confirmed. Outcomes reported before this are self-reported.
ALTER TABLE matches ADD COLUMN outcome_grade TEXT;
ALTER TABLE matches ADD COLUMN outcome_asked BIGINT;
ALTER TABLE matches ADD COLUMN outcome_reported_by BIGINT REFERENCES users (id);
ALTER TABLE matches ADD COLUMN outcome_reported_side TEXT;
ALTER TABLE matches ADD COLUMN outcome_confirmed_at TIMESTAMP;
ALTER TABLE matches ADD COLUMN outcome_confirmed_by BIGINT REFERENCES users (id);
ALTER TABLE matches ADD COLUMN outcome_disputed_at TIMESTAMP;
ALTER TABLE matches ADD COLUMN outcome_dispute_note TEXT;
UPDATE matches SET outcome_grade = outcome_result WHERE outcome_result IS NOT NULL;
