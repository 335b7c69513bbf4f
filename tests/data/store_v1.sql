-- store_v1.sql: a caro.db as schema version 1 left it (the first schema),
-- with a few rows, for the migration test. Never edit: it is what a user
-- of that version has on disk.
PRAGMA journal_mode=WAL;
CREATE TABLE cache(
  khash INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  engine TEXT NOT NULL,
  answer TEXT NOT NULL,
  created INTEGER NOT NULL,
  used INTEGER NOT NULL,
  hits INTEGER NOT NULL DEFAULT 0);
CREATE INDEX cache_used ON cache(used);
CREATE TABLE history(
  id INTEGER PRIMARY KEY,
  rid INTEGER UNIQUE,
  ts INTEGER NOT NULL,
  cwd TEXT, request TEXT NOT NULL, command TEXT, engine TEXT,
  cached INTEGER NOT NULL DEFAULT 0, khash INTEGER,
  risk TEXT, decision TEXT NOT NULL, exit_status INTEGER,
  total_ms REAL, generate_ms REAL, check_ms REAL);
INSERT INTO cache VALUES (42, 'old key', 'ollama', '[["ls -la","list"]]', 1700000000000,
  1700000000000, 3);
INSERT INTO history(rid, ts, cwd, request, command, engine, cached, khash, risk, decision,
  exit_status, total_ms, generate_ms, check_ms)
VALUES (1, 1700000000000, '/home/u', 'list files', 'ls -la', 'ollama', 0, 42, 'safe', 'ran',
  0, 812.5, 810.0, 0.1),
       (2, 1700000001000, '/home/u', 'list files', 'ls -la', 'ollama', 1, 42, 'safe', 'shown',
  NULL, 1.9, 1.2, 0.1);
PRAGMA user_version=1;
