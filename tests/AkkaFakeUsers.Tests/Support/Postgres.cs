using System.Diagnostics;
using Npgsql;

namespace AkkaFakeUsers.Tests.Support;

/// <summary>
/// A test that needs the PostgreSQL server `./build.sh test` starts (AFU_TEST_POSTGRES). Under that command
/// (AFU_REQUIRE_POSTGRES=1) it runs and fails when no server is there; a bare `dotnet test` without a server skips it,
/// saying why.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Postgres.ConnectionString is null && !Postgres.Required)
            Skip = "no PostgreSQL: set AFU_TEST_POSTGRES (./build.sh test starts one and sets it)";
    }
}

public static class Postgres
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("AFU_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;

    public static bool Required => Environment.GetEnvironmentVariable("AFU_REQUIRE_POSTGRES") == "1";

    private static string Server => ConnectionString ?? throw new InvalidOperationException(
        "AFU_REQUIRE_POSTGRES=1 but AFU_TEST_POSTGRES is not set: ./build.sh test could not start PostgreSQL (see its log)");

    /// <summary>A fresh, empty database for one test; dropped on dispose.</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync()
    {
        var name = "afu_t_" + Guid.NewGuid().ToString("N")[..12];
        await using (var c = new NpgsqlConnection(Server))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            await cmd.ExecuteNonQueryAsync();
        }
        var b = new NpgsqlConnectionStringBuilder(Server) { Database = name, Pooling = true };
        return new TestDatabase(name, b.ToString());
    }

    /// <summary>Stops or starts the test server (pg_ctl on the data dir build.sh made), to test outages.</summary>
    public static async Task PgCtlAsync(string action)
    {
        var bin = Environment.GetEnvironmentVariable("AFU_TEST_POSTGRES_BIN") ?? throw new InvalidOperationException("AFU_TEST_POSTGRES_BIN not set");
        var data = Environment.GetEnvironmentVariable("AFU_TEST_POSTGRES_DATA")!;
        var port = Environment.GetEnvironmentVariable("AFU_TEST_POSTGRES_PORT")!;
        var pgctl = Path.Combine(bin, "pg_ctl");
        var args = action == "stop"
            ? new[] { "-D", data, "-m", "fast", "-w", "stop" }
            : new[] { "-D", data, "-w", "-t", "30", "-l", Path.Combine(data, "server.log"), "-o", $"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start" };
        var root = Environment.UserName == "root";
        var psi = new ProcessStartInfo(root ? "runuser" : pgctl) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (root)
        {
            psi.ArgumentList.Add("-u");
            psi.ArgumentList.Add("postgres");
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(pgctl);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"pg_ctl {action} failed: {err}");
    }
}

public sealed class TestDatabase(string name, string connectionString) : IAsyncDisposable
{
    public string Name { get; } = name;
    public string ConnectionString { get; } = connectionString;

    public async Task<long> ScalarAsync(string sql)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public async Task<List<string>> StringsAsync(string sql)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<string>();
        while (await r.ReadAsync()) list.Add(r.GetString(0));
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ToString();
            await using var c = new NpgsqlConnection(admin);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", c);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (Exception)
        {
            // best effort: the whole server is thrown away after the run
        }
    }
}
