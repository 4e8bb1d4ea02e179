DELETE FROM parks;
DROP TABLE industries;
DROP TABLE cities;
