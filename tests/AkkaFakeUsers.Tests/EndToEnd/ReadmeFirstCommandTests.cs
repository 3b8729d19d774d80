using System.Text.RegularExpressions;
using AkkaFakeUsers.Tests.Design;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>
/// The first command of the README, as a newcomer types it, run by the real <c>afu</c> program: whatever the hour, its
/// 60 s fill every training table. Run here at the worst hour there is for it (the simulated night, 00:30 UTC, when the
/// daily curve has users mostly idle), with the daily curve on as it ships.
/// </summary>
[Collection("end-to-end")]
public class ReadmeFirstCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The README's first command: the arguments after <c>dotnet run --project src/AkkaFakeUsers.Host --</c>.</summary>
    public static string[] FirstCommand()
    {
        var readme = File.ReadAllText(Path.Combine(NamespaceDependencyTests.RepoRoot(), "README.md"));
        var m = Regex.Match(readme, @"^dotnet run --project src/AkkaFakeUsers\.Host -- (run [^\n]*)$", RegexOptions.Multiline);
        Assert.True(m.Success, "README.md has no `dotnet run --project src/AkkaFakeUsers.Host -- run …` line");
        Assert.DoesNotMatch("[\"'`$#|&;<>]", m.Groups[1].Value); // plain words: split on spaces as a shell would
        return m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task The_readmes_first_command_started_at_00_30_utc_fills_posts_slates_views_likes_and_comments()
    {
        var args = FirstCommand();
        output.WriteLine("afu " + string.Join(' ', args));
        Assert.Equal("60s", args[Array.IndexOf(args, "--duration") + 1]);
        var start = DateTime.UtcNow.Date.AddMinutes(30);
        var env = new Dictionary<string, string>
        {
            // only what keeps the run off what other tests and the machine share; the command itself is the README's
            ["AFU_DATA_DIR"] = _dir.Path,
            ["AFU_INSPECTION_PORT"] = "0",
            ["AFU__HEALTH__PORT"] = "0",
            ["AFU_DASHBOARD_PORT"] = "0",
            ["OLLAMA_HOST"] = $"http://127.0.0.1:{Ports.Free()}", // no Ollama answers: auto takes the built-in generator
            ["AFU__SIMULATION__START"] = start.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        };
        using var afu = AfuProcess.Start(args, env);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await afu.Process.WaitForExitAsync(limit.Token);
        foreach (var line in afu.Log.Where(l => !l.StartsWith("[INFO]", StringComparison.Ordinal) && !l.StartsWith('['))) output.WriteLine(line);
        Assert.Equal(0, afu.Process.ExitCode);
        // the start line says in words what the time-scale does and when simulated time starts
        var users = args[Array.IndexOf(args, "--users") + 1];
        Assert.Contains(afu.Log, l => l.StartsWith($"afu: {users} users", StringComparison.Ordinal)
                                      && Regex.IsMatch(l, @"time-scale \d+ \(a real second is \d+ simulated seconds\)")
                                      && l.Contains($"simulated time from {start:yyyy-MM-dd} 00:30 UTC", StringComparison.Ordinal));

        using var db = new Db(Path.Combine(_dir.Path, "afu.db"));
        var counts = new Dictionary<string, long>
        {
            ["posts"] = db.Scalar("SELECT COUNT(*) FROM posts"),
            ["slates"] = db.Scalar("SELECT COUNT(DISTINCT slate_id) FROM impressions"),
            ["impressions"] = db.Scalar("SELECT COUNT(*) FROM impressions"),
            ["views"] = db.Scalar("SELECT COUNT(*) FROM user_interactions WHERE type = 'view'"),
            ["likes"] = db.Scalar("SELECT COUNT(*) FROM user_interactions WHERE type = 'like'"),
            ["comments"] = db.Scalar("SELECT COUNT(*) FROM user_interactions WHERE type = 'comment'"),
            ["follows"] = db.Scalar("SELECT COUNT(*) FROM follows"),
        };
        output.WriteLine(string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")));
        // every row is stamped in the simulated night the run started in, not at the real time
        Assert.Equal(0, db.Scalar($"SELECT COUNT(*) FROM posts WHERE created_at < '{start:yyyy-MM-ddTHH:mm}' OR created_at > '{start.AddHours(3):yyyy-MM-ddTHH:mm}'"));
        foreach (var table in new[] { "posts", "slates", "views", "likes", "comments" })
            Assert.True(counts[table] > 0, $"{table}: 0 ({string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))})");
    }
}
