namespace AkkaFakeUsers.Storage;

/// <summary>
/// The PostgreSQL tables Akka.Persistence.Sql creates for this node's configuration (tag mode Csv: no <c>tags</c>
/// table; default names, public schema), written out so an administrator can create them beforehand for a role
/// without CREATE. A test applies this script and compares the result, column by column and index by index, with the
/// tables the plugin creates itself.
/// </summary>
public static class JournalSchema
{
    /// <summary>The plugin's tables in the chosen modes: what must exist when the role may not create them.</summary>
    public static readonly string[] Tables = ["journal", "snapshot"];

    public static readonly string[] PostgresStatements =
    [
        """
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
          CONSTRAINT journal_uq UNIQUE (persistence_id, sequence_number))
        """,
        "CREATE INDEX IF NOT EXISTS journal_created_idx ON journal (created)",
        "CREATE INDEX IF NOT EXISTS journal_sequence_number_idx ON journal (sequence_number)",
        """
        CREATE TABLE IF NOT EXISTS snapshot (
          persistence_id text NOT NULL,
          sequence_number bigint NOT NULL,
          created bigint NOT NULL,
          snapshot bytea,
          manifest text,
          serializer_id integer,
          CONSTRAINT "PK_snapshot" PRIMARY KEY (persistence_id, sequence_number))
        """,
        "CREATE INDEX IF NOT EXISTS snapshot_created_idx ON snapshot (created)",
        "CREATE INDEX IF NOT EXISTS snapshot_sequence_number_idx ON snapshot (sequence_number)",
    ];

    /// <summary>
    /// The same tables on SQLite, as the plugin (linq2db's SQLite provider) creates them: a fork (<see cref="StoreFork"/>)
    /// creates them before the node starts, to copy a journal in. Its test compares them with a run's own.
    /// </summary>
    public static readonly string[] SqliteStatements =
    [
        """
        CREATE TABLE IF NOT EXISTS [journal]
        (
        	[ordering]        INTEGER        NOT NULL PRIMARY KEY AUTOINCREMENT,
        	[created]         INTEGER        NOT NULL,
        	[deleted]         Bit            NOT NULL,
        	[persistence_id]  NVarChar(255)  NOT NULL,
        	[sequence_number] INTEGER        NOT NULL,
        	[message]         VarBinary      NOT NULL,
        	[tags]            NVarChar(100)      NULL,
        	[manifest]        NVarChar(500)      NULL,
        	[identifier]      INTEGER            NULL,
        	[writer_uuid]     NVarChar(128)      NULL
        )
        """,
        "CREATE UNIQUE INDEX IF NOT EXISTS journal_uq ON journal (persistence_id, sequence_number)",
        "CREATE INDEX IF NOT EXISTS journal_created_idx ON journal (created)",
        "CREATE INDEX IF NOT EXISTS journal_sequence_number_idx ON journal (sequence_number)",
        """
        CREATE TABLE IF NOT EXISTS [snapshot]
        (
        	[persistence_id]  NVarChar(255) NOT NULL,
        	[sequence_number] INTEGER       NOT NULL,
        	[created]         INTEGER       NOT NULL,
        	[snapshot]        VarBinary         NULL,
        	[manifest]        NVarChar(500)     NULL,
        	[serializer_id]   INTEGER           NULL,

        	CONSTRAINT [PK_snapshot] PRIMARY KEY ([persistence_id], [sequence_number])
        )
        """,
        "CREATE INDEX IF NOT EXISTS snapshot_sequence_number_idx ON snapshot (sequence_number)",
        "CREATE INDEX IF NOT EXISTS snapshot_created_idx ON snapshot (created)",
    ];

    /// <summary>
    /// Every table a PostgreSQL node needs (journal, snapshots, training tables, the projection's offsets) as one script:
    /// what <c>deploy/sql/schema.postgres.sql</c> ships, with the grants a role without CREATE needs.
    /// </summary>
    public static string PostgresScript() =>
        """
        -- AkkaFakeUsers: every table of a PostgreSQL node (journal and snapshots as Akka.Persistence.Sql creates them,
        -- the training tables, the projection's offsets). Made by JournalSchema.PostgresScript; tests keep it equal to
        -- what the code creates. For a role that may not create tables, an administrator runs this once, then:
        --   GRANT USAGE ON SCHEMA public TO afu;
        --   GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO afu;
        --   GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO afu;

        """ +
        string.Join("\n\n", PostgresStatements.Concat(TrainingSchema.Statements(SqlDialect.Postgres)).Select(s => s + ";")) + "\n";
}
