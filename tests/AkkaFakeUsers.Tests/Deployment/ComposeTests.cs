using AkkaFakeUsers.Configuration;
using System.Diagnostics;
using AkkaFakeUsers.Tests.Support;

namespace AkkaFakeUsers.Tests.Deployment;

public class ComposeTests
{
    private static string Repo => Design.NamespaceDependencyTests.RepoRoot();

    private static Task<(int Code, string Out, string Err)> Compose(params string[] args) => ComposeWith("a-secret-of-24-characters", args);

    private static async Task<(int Code, string Out, string Err)> ComposeWith(string? token, params string[] args)
    {
        var exe = Tools.Which("docker-compose") ?? throw new InvalidOperationException("docker-compose is not installed (apt-get install docker-compose)");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo };
        if (token is null) psi.Environment.Remove("AFU_INSPECTION_TOKEN");
        else psi.Environment["AFU_INSPECTION_TOKEN"] = token;
        psi.Environment["GRAFANA_ADMIN_PASSWORD"] = "a-grafana-password";
        psi.ArgumentList.Add("-f");
        psi.ArgumentList.Add(Path.Combine(Repo, "docker-compose.yml"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    [ComposeFact]
    public async Task The_compose_file_validates_and_has_what_a_deployment_needs()
    {
        var (code, _, err) = await Compose("config", "-q");
        Assert.True(code == 0, err);

        var services = (await Compose("config", "--services")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["app", "app2", "app3", "grafana", "ollama", "postgres", "prometheus"], services.Order().ToArray());
        var volumes = (await Compose("config", "--volumes")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["grafana", "ollama", "pgdata", "prometheus"], volumes.Order().ToArray());

        var config = (await Compose("config")).Out;
        string Section(string service)
        {
            var start = config.IndexOf($"\n  {service}:\n", StringComparison.Ordinal);
            Assert.True(start >= 0, $"service {service} missing");
            var next = config.IndexOf("\n  ", start + service.Length + 5, StringComparison.Ordinal);
            while (next >= 0 && config[next + 3] == ' ') next = config.IndexOf("\n  ", next + 1, StringComparison.Ordinal);
            return next < 0 ? config[start..] : config[start..next];
        }

        var ollama = Section("ollama");
        Assert.Contains("image: ollama/ollama:latest", ollama);
        Assert.Contains("11434", ollama);
        Assert.Contains("ollama pull gemma3:270m", ollama);
        Assert.Contains("healthcheck:", ollama);
        Assert.Contains("/root/.ollama", ollama);

        var postgres = Section("postgres");
        Assert.Contains("pg_isready", postgres);
        Assert.Contains("/var/lib/postgresql/data", postgres);

        var app = Section("app");
        Assert.Contains("condition: service_healthy", app);
        Assert.Contains("postgres:", app);
        Assert.Contains("ollama:", app);
        foreach (var env in new[] { "OLLAMA_HOST: http://ollama:11434", "OLLAMA_MODEL: gemma3:270m", "FAKE_USER_COUNT_MIN", "FAKE_USER_COUNT_MAX", "POST_GENERATION_INTERVAL", "INTERACTION_PROBABILITY", "AFU_STORAGE: postgres", "AFU_POSTGRES: Host=postgres", "AFU_INSPECTION_TOKEN", "AFU_SEED_NODES: akka.tcp://afu@app:4053" })
            Assert.Contains(env, app);
        Assert.Contains("127.0.0.1:9110:9110", app);
        Assert.Contains("127.0.0.1:9111:9111", app);
        Assert.Contains("127.0.0.1:9112:9112", app);
        Assert.Contains("healthcheck:", app);
        Assert.Contains("stop_grace_period", app);

        // three nodes: app2 and app3 join through app (the seed) once it is healthy, with names of their own
        foreach (var node in new[] { "app2", "app3" })
        {
            var n = Section(node);
            Assert.Contains($"AFU__CLUSTER__PUBLIC_HOSTNAME: {node}", n);
            Assert.Contains("AFU_SEED_NODES: akka.tcp://afu@app:4053", n);
            Assert.Contains("AFU_INSPECTION_TOKEN: a-secret-of-24-characters", n);
            Assert.Contains("condition: service_healthy", n);
            Assert.Contains("stop_grace_period: 45s", n);
            Assert.DoesNotContain("ports:", n);
        }
        Assert.Contains("app3:9111", await File.ReadAllTextAsync(Path.Combine(Repo, "deploy/prometheus/prometheus.yml")));

        // Prometheus with the shipped scrape config and rules; Grafana with the provisioned data source and dashboard
        var prometheus = Section("prometheus");
        Assert.Contains("/deploy/prometheus:/etc/prometheus:ro", prometheus);
        Assert.Contains("127.0.0.1:9090:9090", prometheus);
        var grafana = Section("grafana");
        Assert.Contains("/deploy/grafana/provisioning:/etc/grafana/provisioning:ro", grafana);
        Assert.Contains("/deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro", grafana);
        Assert.Contains("GF_SECURITY_ADMIN_PASSWORD: a-grafana-password", grafana);
        Assert.Contains("127.0.0.1:3000:3000", grafana);
        // the provisioning names the data source the dashboard uses, the dashboard folder compose mounts, and the scrape target is the app's health port
        Assert.Contains("uid: prometheus", await File.ReadAllTextAsync(Path.Combine(Repo, "deploy/grafana/provisioning/datasources/prometheus.yml")));
        Assert.Contains("url: http://prometheus:9090", await File.ReadAllTextAsync(Path.Combine(Repo, "deploy/grafana/provisioning/datasources/prometheus.yml")));
        Assert.Contains("path: /var/lib/grafana/dashboards", await File.ReadAllTextAsync(Path.Combine(Repo, "deploy/grafana/provisioning/dashboards/afu.yml")));
        Assert.Contains("\"uid\": \"prometheus\"", await File.ReadAllTextAsync(Path.Combine(Repo, "deploy/grafana/dashboards/afu.json")));
        Assert.Contains("targets: [\"app:9111\", \"app2:9111\", \"app3:9111\"]", await File.ReadAllTextAsync(Path.Combine(Repo, "deploy/prometheus/prometheus.yml")));
    }

    [ComposeFact]
    public async Task The_compose_file_has_no_default_token_and_says_how_to_set_one()
    {
        var (code, _, err) = await ComposeWith(null, "config", "-q");
        Assert.NotEqual(0, code);
        Assert.Contains("set AFU_INSPECTION_TOKEN to a secret of 16 or more characters", err);
        Assert.DoesNotContain("change-me", await File.ReadAllTextAsync(Path.Combine(Repo, "docker-compose.yml")));
    }

    [Theory]
    [InlineData("afu-change-me", "public placeholder")]
    [InlineData("short", "has 5 characters, fewer than 16")]
    public void A_weak_token_on_a_public_address_is_a_config_error(string token, string why)
    {
        var ex = Assert.Throws<AkkaFakeUsers.Simulation.SettingsException>(() => AkkaFakeUsers.Simulation.SettingsLoader.Load(null,
            new Dictionary<string, string> { ["AFU_INSPECTION_HOST"] = "0.0.0.0", ["AFU_INSPECTION_TOKEN"] = token }, new Dictionary<string, (string, string)>()));
        Assert.Contains(ex.Errors, e => e.Contains("afu.inspection.token") && e.Contains(why));
        // on loopback any token will do
        AkkaFakeUsers.Simulation.SettingsLoader.Load(null, new Dictionary<string, string> { ["AFU_INSPECTION_TOKEN"] = token }, new Dictionary<string, (string, string)>());
    }

    [Fact]
    public void The_dockerfile_builds_in_stages_and_runs_afu_as_a_non_root_user()
    {
        var text = File.ReadAllText(Path.Combine(Repo, "Dockerfile"));
        Assert.Equal(2, text.Split('\n').Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", text);
        Assert.Contains("dotnet publish src/AkkaFakeUsers.Host", text);
        Assert.Contains("USER afu", text);
        Assert.Contains("/usr/local/bin/afu", text);
        Assert.Contains("EXPOSE 9110 9111 9112 4053", text);
        // local build output, databases and results never enter the image's build context
        var ignore = File.ReadAllLines(Path.Combine(Repo, ".dockerignore")).Select(l => l.Trim()).ToHashSet();
        foreach (var pattern in new[] { "**/bin/", "**/obj/", "data/", "*.db", "bench-results/" }) Assert.Contains(pattern, ignore);
        // the env names the image relies on are real settings
        var s = AkkaFakeUsers.Simulation.SettingsLoader.Load(null, new Dictionary<string, string>
        {
            ["AFU_DATA_DIR"] = "/data", ["AFU_INSPECTION_HOST"] = "0.0.0.0", ["AFU__HEALTH__HOST"] = "0.0.0.0", ["AFU_DASHBOARD_HOST"] = "0.0.0.0", ["AFU_INSPECTION_TOKEN"] = "a-secret-of-24-characters",
            ["AFU__CLUSTER__HOSTNAME"] = "0.0.0.0", ["AFU__CLUSTER__PUBLIC_HOSTNAME"] = "app", ["AFU__CLUSTER__PORT"] = "4053", ["AFU_SEED_NODES"] = "akka.tcp://afu@app:4053",
        }, new Dictionary<string, (string, string)>());
        Assert.Equal("/data", s.DataDir);
        Assert.Equal("0.0.0.0", s.Health.Host);
        Assert.Equal("0.0.0.0", s.Dashboard.Host);
        Assert.Equal(9112, s.Dashboard.Port);
        Assert.Equal("app", s.Cluster.PublicHostname);
        Assert.Equal(4053, s.Cluster.Port);
    }
}
