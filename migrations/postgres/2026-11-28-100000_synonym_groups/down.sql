DROP TABLE vocabulary_version;
DROP TABLE synonym_groups;
