using System.Diagnostics;
using System.Runtime.InteropServices;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>Runs alone (no other test at the same time): it measures how fast a real process stops.</summary>
[CollectionDefinition("alone", DisableParallelization = true)]
public sealed class AloneCollection;

/// <summary>SIGTERM (what `docker stop` and Kubernetes send) to a real `afu run` process.</summary>
[Collection("alone")]
public class SigtermTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private const int Sigterm = 15;

    [Fact]
    public async Task Sigterm_on_a_single_node_with_2000_users_exits_0_within_10_s_with_every_event_in_the_tables()
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { AfuBinary.Path, "run", "--users", "2000", "--seed", "4", "--data-dir", _dir.Path, "--llm", "builtin" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["AFU_INSPECTION_PORT"] = "0";
        psi.Environment["AFU__HEALTH__PORT"] = "0";
        psi.Environment["AFU_DASHBOARD_PORT"] = "0";
        using var p = Process.Start(psi)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < deadline && !log.Any(l => l.Contains("users 2000/2000", StringComparison.Ordinal))) await Task.Delay(250);
            Assert.True(log.Any(l => l.Contains("users 2000/2000", StringComparison.Ordinal)), "the 2,000 users did not all start within 120 s");
            await Task.Delay(TimeSpan.FromSeconds(5)); // users posting and reacting

            var watch = Stopwatch.StartNew();
            Assert.Equal(0, Kill(p.Id, Sigterm));
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await p.WaitForExitAsync(limit.Token);
            var took = watch.Elapsed;
            foreach (var line in log.Where(l => !l.StartsWith("[INFO]", StringComparison.Ordinal))) output.WriteLine(line);
            output.WriteLine($"exited {p.ExitCode} after {took.TotalSeconds:F1} s");

            Assert.Equal(0, p.ExitCode);
            Assert.True(took < TimeSpan.FromSeconds(10), $"exit took {took.TotalSeconds:F1} s after SIGTERM");
            Assert.Contains(log, l => l.Contains("afu: drained in", StringComparison.Ordinal) && l.Contains("(projection lag 0)", StringComparison.Ordinal));
            Assert.DoesNotContain(log, l => l.Contains("handed this node's users over", StringComparison.Ordinal));
            using var db = new Db(Path.Combine(_dir.Path, "afu.db"));
            Assert.Equal(db.Scalar("SELECT MAX(ordering) FROM journal"), db.Scalar("SELECT ordering FROM projection_offsets"));
            Assert.Equal(db.Scalar("SELECT COUNT(*) FROM journal"),
                db.Scalar(Db.RowsPerEventSql));
            Assert.Equal(2000, db.Scalar("SELECT COUNT(*) FROM users"));
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
    }
}
