using System.Text.RegularExpressions;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>
/// <c>afu dataset evaluate</c> on too little data refuses and prints the exact commands that give it enough; run as
/// printed (but for where the data goes), they do.
/// </summary>
[Collection("end-to-end")]
public sealed class EvaluateNeedsMoreDataTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The daily curve stays on, as it ships: the suggested run starts at max's fixed instant, midnight UTC.</summary>
    private static Dictionary<string, string> Env() => new() { ["AFU_INSPECTION_PORT"] = "0", ["AFU__HEALTH__PORT"] = "0", ["AFU_DASHBOARD_PORT"] = "0" };

    [Fact]
    public async Task Too_few_views_are_refused_with_the_run_that_gives_enough_and_that_run_gives_enough()
    {
        var small = Path.Combine(_dir.Path, "small");
        Assert.Equal(0, await AfuApp.RunAsync(["run", "--users", "3", "--duration", "3s", "--seed", "2", "--llm", "builtin", "--data-dir", small],
            new StringWriter(), new StringWriter(), CancellationToken.None, Env()));

        var stderr = new StringWriter();
        Assert.Equal(1, await AfuApp.RunAsync(["dataset", "evaluate", "--data-dir", small, "--out", Path.Combine(_dir.Path, "eval-small")],
            new StringWriter(), stderr, CancellationToken.None, Env()));
        output.WriteLine(stderr.ToString());
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(@"^afu dataset: cannot evaluate: only \d+ views in the dataset", lines[0]);
        Assert.DoesNotContain("   at ", stderr.ToString());
        var run = Assert.Single(lines, l => l.StartsWith("afu run ", StringComparison.Ordinal));
        var evaluate = Assert.Single(lines, l => l.StartsWith("afu dataset evaluate ", StringComparison.Ordinal));
        Assert.Matches(@"--users \d+ --time-scale max --sim-duration \d+h ", run);

        // run them as printed; only the data dir moves from the current directory to this test's
        var data = Path.Combine(_dir.Path, "enough");
        string[] Args(string line)
        {
            Assert.Contains($"--data-dir {DatasetCommand.EnoughDataDir}", line);
            return line.Replace(DatasetCommand.EnoughDataDir, data).Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        }
        var runOut = new StringWriter();
        Assert.Equal(0, await AfuApp.RunAsync(Args(run), runOut, new StringWriter(), CancellationToken.None, Env()));
        output.WriteLine(string.Join('\n', runOut.ToString().Split('\n').Where(l => !l.StartsWith('['))));
        var evalOut = new StringWriter();
        var evalErr = new StringWriter();
        var code = await AfuApp.RunAsync([.. Args(evaluate), "--out", Path.Combine(_dir.Path, "eval-enough")], evalOut, evalErr, CancellationToken.None, Env());
        output.WriteLine(evalOut.ToString());
        output.WriteLine(evalErr.ToString());
        Assert.Equal(0, code);
        Assert.Matches(@"AUC", evalOut.ToString());
        Assert.True(File.Exists(Path.Combine(_dir.Path, "eval-enough", "evaluate.json")));
    }

    [Fact]
    public void Sparser_settings_ask_for_a_longer_run()
    {
        var often = CommandSettings.Load(AfuCommandLine.Parse(["dataset", "evaluate"]), Env());
        var rarely = CommandSettings.Load(AfuCommandLine.Parse(["dataset", "evaluate"]), new Dictionary<string, string>(Env()) { ["AFU__SESSIONS__INTERVAL"] = "30m" });
        var start = AkkaFakeUsers.Simulation.AfuSettings.DiscreteEpoch;
        var (u1, h1) = AkkaFakeUsers.Dataset.EvaluationSizing.Suggest(often, start);
        var (u2, h2) = AkkaFakeUsers.Dataset.EvaluationSizing.Suggest(rarely, start);
        output.WriteLine($"sessions every 120s: {u1} users for {h1} h; every 30m: {u2} users for {h2} h");
        Assert.True(u2 * h2 > u1 * h1, $"{u1}x{h1} vs {u2}x{h2}");
        // a span of the night gives fewer slates than the same span by day
        var night = AkkaFakeUsers.Dataset.EvaluationSizing.ExpectedSlates(often, 20, start.AddHours(3), TimeSpan.FromHours(1));
        var evening = AkkaFakeUsers.Dataset.EvaluationSizing.ExpectedSlates(often, 20, start.AddHours(20), TimeSpan.FromHours(1));
        Assert.True(evening > 5 * night, $"night {night:F0}, evening {evening:F0}");
    }
}
