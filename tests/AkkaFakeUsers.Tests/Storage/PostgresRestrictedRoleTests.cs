using System.Text.RegularExpressions;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Tests.EndToEnd;
using AkkaFakeUsers.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Storage;

/// <summary>
/// PostgreSQL for a role without CREATE: an administrator applies <c>deploy/sql/schema.postgres.sql</c> and its grants,
/// then `afu run` works with exactly those privileges; anything missing is named before anything starts.
/// </summary>
[Collection("end-to-end")]
public sealed partial class PostgresRestrictedRoleTests(ITestOutputHelper output)
{
    private static string Script => File.ReadAllText(Path.Combine(Design.NamespaceDependencyTests.RepoRoot(), "deploy", "sql", "schema.postgres.sql"));

    private static async Task ExecAsync(string cs, string sql)
    {
        await using var c = new NpgsqlConnection(cs);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>A role with only the privileges the script's header lists (its GRANT lines, run as written), on a schema where PUBLIC may not create.</summary>
    private static async Task<string> RestrictedRoleAsync(TestDatabase db)
    {
        var role = "afu_r_" + Guid.NewGuid().ToString("N")[..8];
        await ExecAsync(db.ConnectionString, $"CREATE ROLE {role} LOGIN PASSWORD 'pw'; REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        var grants = string.Join("\n", GrantLine().Matches(Script).Select(m => m.Groups[1].Value.Replace(" TO afu;", $" TO {role};")));
        Assert.Equal(3, GrantLine().Matches(Script).Count);
        await ExecAsync(db.ConnectionString, grants);
        return new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role, Password = "pw" }.ToString();
    }

    [GeneratedRegex(@"^--\s+(GRANT .+;)$", RegexOptions.Multiline)]
    private static partial Regex GrantLine();

    private static Dictionary<string, string> Env(string cs) => TestEnv.Isolated(("AFU_STORAGE", "postgres"), ("AFU_POSTGRES", cs));

    [PostgresFact]
    public async Task A_role_with_only_the_listed_privileges_runs_and_restarts_on_a_schema_applied_beforehand()
    {
        await using var db = await Postgres.CreateDatabaseAsync();
        await ExecAsync(db.ConnectionString, Script);
        var cs = await RestrictedRoleAsync(db);
        Assert.Equal(0, await db.ScalarAsync($"SELECT has_schema_privilege('{new NpgsqlConnectionStringBuilder(cs).Username}', 'public', 'CREATE')::int"));

        for (var run = 1; run <= 2; run++)
        {
            var log = new StringWriter();
            var code = await AfuApp.RunAsync(["run", "--users", "8", "--seed", "4", "--duration", "8s", "--time-scale", "20", "--llm", "builtin"],
                log, log, CancellationToken.None, Env(cs));
            output.WriteLine($"run {run}:\n{log}");
            Assert.True(code == 0, log.ToString());
        }
        Assert.Equal(8, await db.ScalarAsync("SELECT COUNT(*) FROM users"));
        Assert.True(await db.ScalarAsync("SELECT COUNT(*) FROM posts") > 0);
        Assert.True(await db.ScalarAsync("SELECT COUNT(*) FROM impressions") > 0);
        Assert.True(await db.ScalarAsync("SELECT COUNT(*) FROM snapshot") >= 0);
        await PostgresEndToEndTests.AssertExactlyOnce(db);
        // nothing beyond the shipped tables was created
        var tables = await db.StringsAsync("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
        Assert.Equal(StoragePreparer.PostgresTables.Order(), tables);
    }

    [PostgresFact]
    public async Task A_missing_table_or_privilege_is_named_before_anything_starts()
    {
        await using var db = await Postgres.CreateDatabaseAsync();
        await ExecAsync(db.ConnectionString, Script);
        var cs = await RestrictedRoleAsync(db);
        var role = new NpgsqlConnectionStringBuilder(cs).Username!;
        await ExecAsync(db.ConnectionString, $"REVOKE DELETE ON snapshot FROM {role}");
        var stderr = new StringWriter();
        Assert.Equal(1, await AfuApp.RunAsync(["run", "--users", "2", "--duration", "2s", "--llm", "builtin"], new StringWriter(), stderr, CancellationToken.None, Env(cs)));
        output.WriteLine(stderr.ToString());
        Assert.Contains($"role '{role}' may not create tables and lacks DELETE on snapshot", stderr.ToString());

        await ExecAsync(db.ConnectionString, "DROP TABLE impressions, impression_propensities");
        stderr = new StringWriter();
        Assert.Equal(1, await AfuApp.RunAsync(["run", "--users", "2", "--duration", "2s", "--llm", "builtin"], new StringWriter(), stderr, CancellationToken.None, Env(cs)));
        output.WriteLine(stderr.ToString());
        Assert.Contains("these tables do not exist: impressions, impression_propensities", stderr.ToString());
        Assert.Contains("deploy/sql/schema.postgres.sql", stderr.ToString());
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM journal"));
    }

    /// <summary>Columns (type, nullability, identity), constraints and indexes of the public schema, as comparable lines.</summary>
    private static async Task<List<string>> ShapeAsync(TestDatabase db)
    {
        var shape = await db.StringsAsync("""
            SELECT (table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable || ' identity=' || is_identity)::text
            FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL
            SELECT (conrelid::regclass::text || ' ' || contype::text || ' ' || pg_get_constraintdef(oid))::text FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            UNION ALL
            SELECT (tablename || ' ' || regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \S+ ON ', 'INDEX \1ON '))::text FROM pg_indexes WHERE schemaname = 'public'
            """);
        shape.Sort(StringComparer.Ordinal);
        return shape;
    }

    [PostgresFact]
    public async Task The_shipped_script_makes_the_same_tables_the_plugin_and_the_node_create()
    {
        await using var scripted = await Postgres.CreateDatabaseAsync();
        await ExecAsync(scripted.ConnectionString, Script);
        await using var created = await Postgres.CreateDatabaseAsync();
        var log = new StringWriter();
        Assert.Equal(0, await AfuApp.RunAsync(["run", "--users", "2", "--duration", "3s", "--llm", "builtin"], log, log, CancellationToken.None, Env(created.ConnectionString)));
        var a = await ShapeAsync(scripted);
        var b = await ShapeAsync(created);
        output.WriteLine(string.Join("\n", b));
        Assert.Equal(b, a);
    }
}
