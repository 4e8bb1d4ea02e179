-- The tables as the second migration made them, empty: their rows are src/reference/*.csv.
CREATE TABLE cities (code TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT NOT NULL);
CREATE TABLE industries (section TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT NOT NULL);
