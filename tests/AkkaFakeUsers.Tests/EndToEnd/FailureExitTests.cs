using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.EndToEnd;

/// <summary>Runtime failures injected into every command: each exits 1 with one readable line, never a stack trace.</summary>
[Collection("end-to-end")]
public sealed class FailureExitTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void AssertOneReadableLine(string stderr, string expected)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line, got:\n{stderr}");
        Assert.StartsWith("afu ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", stderr);
        Assert.DoesNotContain("Exception:", lines[0].Split(':')[0]);
    }

    /// <summary>A file where the command needs a directory: every write below it fails with an IO error.</summary>
    private string FileInTheWay()
    {
        var path = Path.Combine(_dir.Path, "a-file");
        File.WriteAllText(path, "not a directory");
        return Path.Combine(path, "out");
    }

    private async Task<string> SmallDatabase()
    {
        var data = Path.Combine(_dir.Path, "data");
        Assert.Equal(0, await AfuApp.RunAsync(["run", "--users", "3", "--duration", "3s", "--seed", "2", "--llm", "builtin", "--data-dir", data],
            new StringWriter(), new StringWriter(), CancellationToken.None, TestEnv.Isolated()));
        return data;
    }

    [Theory]
    [InlineData("export", "csv")]
    [InlineData("export", "parquet")]
    [InlineData("export", "mind")]
    [InlineData("dataset", "report")]
    [InlineData("dataset", "evaluate")]
    [InlineData("dataset", "fidelity")]
    public async Task An_output_directory_that_cannot_be_written_exits_1_with_one_line(string command, string what)
    {
        var data = await SmallDatabase();
        var stderr = new StringWriter();
        string[] args = command == "export" ? ["export", "--format", what, "--out", FileInTheWay(), "--data-dir", data] : ["dataset", what, "--out", FileInTheWay(), "--data-dir", data];
        Assert.Equal(1, await AfuApp.RunAsync(args, new StringWriter(), stderr, CancellationToken.None, TestEnv.Isolated()));
        output.WriteLine(stderr.ToString());
        AssertOneReadableLine(stderr.ToString(), "a-file");
    }

    [Fact]
    public async Task A_database_file_that_is_not_a_database_exits_1_with_one_line_for_every_command()
    {
        var data = Path.Combine(_dir.Path, "garbage");
        Directory.CreateDirectory(data);
        var bytes = new byte[8192];
        new Random(1).NextBytes(bytes);
        await File.WriteAllBytesAsync(Path.Combine(data, "afu.db"), bytes);
        foreach (var args in new[]
                 {
                     new[] { "run", "--users", "2", "--duration", "2s", "--llm", "builtin", "--data-dir", data },
                     new[] { "export", "--format", "csv", "--out", Path.Combine(_dir.Path, "x"), "--data-dir", data },
                     new[] { "dataset", "report", "--out", Path.Combine(_dir.Path, "y"), "--data-dir", data },
                 })
        {
            var stderr = new StringWriter();
            Assert.Equal(1, await AfuApp.RunAsync(args, new StringWriter(), stderr, CancellationToken.None, TestEnv.Isolated()));
            output.WriteLine($"{args[0]}: {stderr}");
            AssertOneReadableLine(stderr.ToString(), "not a database");
        }
        // the file was not touched
        Assert.Equal(8192, new FileInfo(Path.Combine(data, "afu.db")).Length);
    }

    [Fact]
    public async Task A_taken_cluster_port_exits_1_with_one_line_and_no_stack_trace_from_a_real_process()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var psi = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { AfuBinary.Path, "run", "--users", "2", "--duration", "3s", "--llm", "builtin", "--data-dir", Path.Combine(_dir.Path, "d") },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (k, v) in TestEnv.Isolated()) psi.Environment[k] = v;
            psi.Environment["AFU__CLUSTER__PORT"] = port.ToString();
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            output.WriteLine(await stdout + await stderr);
            Assert.Equal(1, p.ExitCode);
            AssertOneReadableLine(await stderr, $"cannot open the cluster port 127.0.0.1:{port}");
            Assert.DoesNotContain("   at ", await stdout);
        }
        finally
        {
            taken.Stop();
        }
    }

    [Fact]
    public void An_unexpected_exception_deep_in_wrappers_becomes_one_line_naming_the_real_failure()
    {
        var wrapped = new AggregateException(new AggregateException(new InvalidOperationException("the real\nfailure")));
        var (code, lines) = ExitCodes.For(wrapped, "run");
        Assert.Equal(1, code);
        Assert.Equal(["afu run: failed: InvalidOperationException: the real failure"], lines);
    }
}
