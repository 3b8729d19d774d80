using System.Globalization;
using System.Text.Json;

namespace AkkaFakeUsers.Bench;

public sealed class BenchOptions
{
    private readonly Dictionary<string, string> _values = new();

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected --key value, got '{args[i]}'");
            o._values[args[i][2..]] = args[++i];
        }
        return o;
    }

    public int Int(string key, int fallback) => _values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public string? String(string key) => _values.TryGetValue(key, out var v) ? v : null;

    /// <summary>The stores to measure (<c>--stores sqlite,postgres</c>, both by default); an unknown name is an error.</summary>
    public IReadOnlyList<string> Stores()
    {
        var stores = (String("stores") ?? "sqlite,postgres").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var unknown = stores.Where(s => s is not ("sqlite" or "postgres")).ToList();
        if (unknown.Count > 0 || stores.Length == 0)
            throw new ArgumentException($"--stores: unknown store '{string.Join(",", unknown)}'; allowed: sqlite, postgres (comma-separated)");
        return stores;
    }

    public string Out => _values.TryGetValue("out", out var v) ? v : "bench-results";

    /// <summary>Prints the figures and writes them as JSON to OUT/NAME.json.</summary>
    public async Task WriteAsync(string name, object results)
    {
        Directory.CreateDirectory(Out);
        var path = Path.Combine(Out, name + ".json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results written to {Path.GetFullPath(path)}");
    }
}

public static class BenchPostgres
{
    /// <summary>One statement on the server (CREATE / DROP DATABASE for a benchmark's own database).</summary>
    public static async Task Exec(string connectionString, string sql)
    {
        await using var c = new Npgsql.NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
