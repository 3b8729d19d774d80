using System.CommandLine;
using System.Text.Json;

namespace AkkaFakeUsers.Bench;

/// <summary>A benchmark's parsed options (declared with their defaults in Program.cs, parsed by System.CommandLine).</summary>
public sealed class BenchOptions(ParseResult result)
{
    public int Int(string key) => result.GetValue<int>("--" + key);

    public string? String(string key) => result.GetValue<string>("--" + key);

    /// <summary>The stores to measure (<c>--stores sqlite,postgres</c>, both by default); an unknown name is an error.</summary>
    public IReadOnlyList<string> Stores()
    {
        var stores = String("stores")!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var unknown = stores.Where(s => s is not ("sqlite" or "postgres")).ToList();
        if (unknown.Count > 0 || stores.Length == 0)
            throw new ArgumentException($"--stores: unknown store '{string.Join(",", unknown)}'; allowed: sqlite, postgres (comma-separated)");
        return stores;
    }

    public string Out => String("out") ?? "bench-results";

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
