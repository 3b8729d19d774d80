using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Deployment;

/// <summary>The shipped Prometheus config, alert rules and Grafana dashboard, checked by promtool and run for real against a live node.</summary>
[Collection("end-to-end")]
public partial class PrometheusTests(ITestOutputHelper output)
{
    private static string Repo => Design.NamespaceDependencyTests.RepoRoot();
    private static string Deploy(params string[] parts) => Path.Combine([Repo, "deploy", .. parts]);

    private static async Task<(int Code, string Out)> Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(Tools.Which(exe) ?? throw new InvalidOperationException($"{exe} is not installed (apt-get install prometheus)"))
            { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await o + await e);
    }

    [PrometheusFact]
    public async Task Promtool_accepts_the_rules_and_config_and_every_alert_fires_on_its_synthetic_series()
    {
        var rules = await Run("promtool", "check", "rules", Deploy("prometheus", "alerts.yml"));
        Assert.True(rules.Code == 0, rules.Out);
        Assert.Contains("SUCCESS: 6 rules found", rules.Out);
        var tests = await Run("promtool", "test", "rules", Deploy("prometheus", "alerts.test.yml"));
        Assert.True(tests.Code == 0, tests.Out);
        var config = await Run("promtool", "check", "config", Deploy("prometheus", "prometheus.yml"));
        Assert.True(config.Code == 0, config.Out);
        // every alert is exercised by the unit test file
        foreach (var alert in Alerts()) Assert.Contains($"alertname: {alert.Name}", await File.ReadAllTextAsync(Deploy("prometheus", "alerts.test.yml")));
    }

    private static IEnumerable<(string Name, string Expr)> Alerts()
    {
        var text = File.ReadAllText(Deploy("prometheus", "alerts.yml"));
        foreach (Match m in AlertRule().Matches(text)) yield return (m.Groups[1].Value, m.Groups[2].Value.Trim());
    }

    [GeneratedRegex(@"- alert: (\w+)\s+expr: (.+)")]
    private static partial Regex AlertRule();

    /// <summary>`signal op number` → signal: what the alert watches (must have data on a healthy node, where the alert itself stays quiet).</summary>
    private static string Signal(string expr) => Regex.Replace(expr, @"\s*(==|!=|>=|<=|>|<)\s*[-\d.]+\s*$", "");

    private static IEnumerable<(string Panel, string Expr)> DashboardQueries()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Deploy("grafana", "dashboards", "afu.json")));
        foreach (var panel in doc.RootElement.GetProperty("panels").EnumerateArray())
        foreach (var target in panel.GetProperty("targets").EnumerateArray())
            yield return (panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!);
    }

    [PrometheusFact]
    public async Task Every_dashboard_query_and_alert_signal_returns_data_from_a_live_node()
    {
        using var dir = new TempDir();
        using var stop = new CancellationTokenSource();
        var log = new StringWriter();
        var run = AfuApp.RunAsync(["run", "--users", "20", "--seed", "5", "--data-dir", dir.Path, "--time-scale", "30", "--llm", "builtin"], log, log, stop.Token, TestEnv.Isolated());
        Process? prometheus = null;
        try
        {
            var metricsUrl = "";
            for (var i = 0; i < 300 && metricsUrl.Length == 0; i++, await Task.Delay(100))
                metricsUrl = Regex.Match(log.ToString(), @"and (http://\S+/metrics)").Groups[1].Value;
            Assert.True(metricsUrl.Length > 0, log.ToString());
            var target = new Uri(metricsUrl);

            // Debian's prometheus scraping the node every second, with the shipped rules
            File.Copy(Deploy("prometheus", "alerts.yml"), Path.Combine(dir.Path, "alerts.yml"));
            await File.WriteAllTextAsync(Path.Combine(dir.Path, "prometheus.yml"), $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - alerts.yml
                scrape_configs:
                  - job_name: afu
                    static_configs:
                      - targets: ["{target.Authority}"]
                """);
            var port = Ports.Free();
            var psi = new ProcessStartInfo(Tools.Which("prometheus")!) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { $"--config.file={Path.Combine(dir.Path, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(dir.Path, "tsdb")}",
                         $"--web.listen-address=127.0.0.1:{port}" })
                psi.ArgumentList.Add(a);
            prometheus = Process.Start(psi)!;
            var promLog = new System.Text.StringBuilder();
            prometheus.ErrorDataReceived += (_, e) => { lock (promLog) promLog.AppendLine(e.Data); };
            prometheus.BeginErrorReadLine();
            prometheus.BeginOutputReadLine();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };

            async Task<JsonElement> Query(string promql)
            {
                var body = await http.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));
                using var doc = JsonDocument.Parse(body);
                Assert.Equal("success", doc.RootElement.GetProperty("status").GetString());
                return doc.RootElement.GetProperty("data").GetProperty("result").Clone();
            }

            async Task<JsonElement> Eventually(string promql, TimeSpan within)
            {
                var deadline = DateTime.UtcNow + within;
                while (true)
                {
                    try
                    {
                        var r = await Query(promql);
                        if (r.GetArrayLength() > 0 || DateTime.UtcNow > deadline) return r;
                    }
                    catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                    {
                    }
                    await Task.Delay(500);
                }
            }

            var up = await Eventually("up{job=\"afu\"} == 1", TimeSpan.FromSeconds(60));
            lock (promLog) Assert.True(up.GetArrayLength() == 1, "prometheus never scraped the node:\n" + promLog);
            // samples for rate windows, and a slate for every policy's label
            await Task.Delay(TimeSpan.FromSeconds(12));

            var empty = new List<string>();
            foreach (var (panel, expr) in DashboardQueries())
            {
                var q = expr.Replace("$__rate_interval", "30s");
                var r = await Eventually(q, TimeSpan.FromSeconds(20));
                output.WriteLine($"panel '{panel}': {q} → {string.Join(", ", r.EnumerateArray().Select(Describe))}");
                if (r.GetArrayLength() == 0) empty.Add($"{panel}: {q}");
            }
            foreach (var (alert, expr) in Alerts())
            {
                var signal = Signal(expr);
                Assert.NotEqual(expr, signal);
                var r = await Eventually(signal, TimeSpan.FromSeconds(20));
                output.WriteLine($"alert {alert}: {signal} → {string.Join(", ", r.EnumerateArray().Select(Describe))}");
                if (r.GetArrayLength() == 0) empty.Add($"alert {alert}: {signal}");
            }
            Assert.True(empty.Count == 0, "no data for:\n" + string.Join("\n", empty));

            // Prometheus evaluates every shipped rule without error, and none fires on this healthy node
            using var rules = JsonDocument.Parse(await http.GetStringAsync("api/v1/rules"));
            var loaded = rules.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
                .SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
            Assert.Equal(Alerts().Select(a => a.Name).Order(), loaded.Select(r => r.GetProperty("name").GetString()!).Order());
            Assert.All(loaded, r => Assert.Equal("ok", r.GetProperty("health").GetString()));
            Assert.All(loaded, r => Assert.Equal("inactive", r.GetProperty("state").GetString()));
        }
        finally
        {
            if (prometheus is { HasExited: false })
            {
                prometheus.Kill(true);
                await prometheus.WaitForExitAsync();
            }
            prometheus?.Dispose();
            await stop.CancelAsync();
            var code = await run;
            output.WriteLine(log.ToString());
            Assert.Equal(0, code);
        }
    }

    private static string Describe(JsonElement sample)
    {
        var labels = sample.GetProperty("metric").EnumerateObject().Where(p => p.Name is not ("instance" or "job")).Select(p => $"{p.Name}={p.Value.GetString()}");
        return $"{{{string.Join(",", labels)}}} {sample.GetProperty("value")[1].GetString()}";
    }
}
