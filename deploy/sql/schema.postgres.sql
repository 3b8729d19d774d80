-- AkkaFakeUsers: every table of a PostgreSQL node (journal and snapshots as Akka.Persistence.Sql creates them,
-- the training tables, the projection's offsets). Made by JournalSchema.PostgresScript; tests keep it equal to
-- what the code creates. For a role that may not create tables, an administrator runs this once, then:
--   GRANT USAGE ON SCHEMA public TO afu;
--   GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO afu;
--   GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO afu;
CREATE TABLE IF NOT EXISTS journal (
  ordering bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
  created bigint NOT NULL,
  deleted boolean NOT NULL,
  persistence_id text NOT NULL,
  sequence_number bigint NOT NULL,
  message bytea NOT NULL,
  tags text,
  manifest text,
  identifier integer,
  writer_uuid text,
  CONSTRAINT "PK_journal" PRIMARY KEY (ordering),
  CONSTRAINT journal_uq UNIQUE (persistence_id, sequence_number));

CREATE INDEX IF NOT EXISTS journal_created_idx ON journal (created);

CREATE INDEX IF NOT EXISTS journal_sequence_number_idx ON journal (sequence_number);

CREATE TABLE IF NOT EXISTS snapshot (
  persistence_id text NOT NULL,
  sequence_number bigint NOT NULL,
  created bigint NOT NULL,
  snapshot bytea,
  manifest text,
  serializer_id integer,
  CONSTRAINT "PK_snapshot" PRIMARY KEY (persistence_id, sequence_number));

CREATE INDEX IF NOT EXISTS snapshot_created_idx ON snapshot (created);

CREATE INDEX IF NOT EXISTS snapshot_sequence_number_idx ON snapshot (sequence_number);

CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  bio TEXT NOT NULL,
  interests TEXT NOT NULL,
  created_at timestamptz NOT NULL);

CREATE TABLE IF NOT EXISTS posts (
  id TEXT PRIMARY KEY,
  author_id TEXT NOT NULL,
  content TEXT NOT NULL,
  interest TEXT NOT NULL,
  subtopic TEXT NOT NULL,
  created_at timestamptz NOT NULL,
  metadata jsonb NOT NULL);

CREATE TABLE IF NOT EXISTS user_interactions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  post_id TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('view', 'like', 'comment', 'hide')),
  content TEXT NULL,
  created_at timestamptz NOT NULL,
  metadata jsonb NOT NULL);

CREATE INDEX IF NOT EXISTS ix_user_interactions_post ON user_interactions (post_id);

CREATE INDEX IF NOT EXISTS ix_user_interactions_user_type ON user_interactions (user_id, type);

CREATE INDEX IF NOT EXISTS ix_posts_created_at ON posts (created_at);

CREATE TABLE IF NOT EXISTS follows (
  follower_id TEXT NOT NULL,
  followee_id TEXT NOT NULL,
  created_at timestamptz NOT NULL,
  metadata jsonb NOT NULL,
  PRIMARY KEY (follower_id, followee_id));

CREATE INDEX IF NOT EXISTS ix_follows_followee ON follows (followee_id);

CREATE TABLE IF NOT EXISTS impressions (
  id TEXT PRIMARY KEY,
  slate_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  post_id TEXT NOT NULL,
  position INTEGER NOT NULL CHECK (position >= 1),
  policy TEXT NOT NULL,
  score double precision NOT NULL,
  propensity double precision NOT NULL CHECK (propensity > 0 AND propensity <= 1),
  candidates INTEGER NOT NULL CHECK (candidates >= 1),
  is_random boolean NOT NULL,
  shown_at timestamptz NOT NULL,
  examined boolean NOT NULL,
  viewed boolean NOT NULL,
  dwell_ms INTEGER NOT NULL,
  liked boolean NOT NULL,
  commented boolean NOT NULL,
  hid boolean NOT NULL,
  match_score double precision NOT NULL,
  page INTEGER NOT NULL DEFAULT 1 CHECK (page >= 1),
  cascade_propensity double precision NULL CHECK (cascade_propensity IS NULL OR (cascade_propensity > 0 AND cascade_propensity <= 1)));

CREATE INDEX IF NOT EXISTS ix_impressions_slate ON impressions (slate_id);

CREATE INDEX IF NOT EXISTS ix_impressions_shown_at ON impressions (shown_at);

CREATE TABLE IF NOT EXISTS impression_propensities (
  impression_id TEXT NOT NULL,
  policy TEXT NOT NULL,
  propensity double precision NOT NULL,
  cascade_propensity double precision NULL,
  PRIMARY KEY (impression_id, policy));

CREATE TABLE IF NOT EXISTS projection_offsets (
  name TEXT PRIMARY KEY,
  ordering BIGINT NOT NULL,
  updated_at timestamptz NOT NULL);
