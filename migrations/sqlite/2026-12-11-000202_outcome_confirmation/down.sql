ALTER TABLE matches DROP COLUMN outcome_dispute_note;
ALTER TABLE matches DROP COLUMN outcome_disputed_at;
ALTER TABLE matches DROP COLUMN outcome_confirmed_by;
ALTER TABLE matches DROP COLUMN outcome_confirmed_at;
ALTER TABLE matches DROP COLUMN outcome_reported_side;
ALTER TABLE matches DROP COLUMN outcome_reported_by;
ALTER TABLE matches DROP COLUMN outcome_asked;
ALTER TABLE matches DROP COLUMN outcome_grade;
