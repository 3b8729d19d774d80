-- AkkaFakeUsers training tables (postgres); made by TrainingSchema.Script, checked by a test.
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
  type TEXT NOT NULL CHECK (type IN ('view', 'like', 'comment')),
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

CREATE TABLE IF NOT EXISTS projection_offsets (
  name TEXT PRIMARY KEY,
  ordering BIGINT NOT NULL,
  updated_at timestamptz NOT NULL);
