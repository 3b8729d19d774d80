using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Hosting;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Host;

/// <summary>
/// HTTP for orchestrators and Prometheus: <c>/healthz/live</c> (the process answers), <c>/healthz/ready</c> (this node
/// is an Up cluster member and the journal's database answers), <c>/metrics</c> (Prometheus text format, by prometheus-net: <see cref="MetricsCollector"/>).
/// </summary>
public sealed class HealthEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HealthEndpoint(WebApplication app) => _app = app;

    public Uri Uri { get; private set; } = null!;

    public static async Task<HealthEndpoint> StartAsync(AfuSettings settings, ActorSystem system, MetricsCollector collector, TrainingStore store)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{settings.Health.Host}:{settings.Health.Port}");
        var app = builder.Build();

        app.MapGet("/healthz/live", () => Results.Text("live\n"));
        app.MapGet("/healthz/ready", async (CancellationToken ct) =>
        {
            var problems = new List<string>();
            var self = Cluster.Get(system).SelfMember;
            if (self.Status != MemberStatus.Up) problems.Add($"cluster member is {self.Status}, not Up");
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                await using var c = await store.OpenAsync(timeout.Token);
                await using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT 1";
                await cmd.ExecuteScalarAsync(timeout.Token);
            }
            catch (Exception ex)
            {
                problems.Add($"journal database unreachable: {ex.Message.Split('\n')[0]}");
            }
            return problems.Count == 0 ? Results.Text("ready\n") : Results.Text("not ready: " + string.Join("; ", problems) + "\n", statusCode: 503);
        });
        // prometheus-net's exposition of this node's registry, filled from the actors before each scrape
        app.MapGet("/metrics", async (CancellationToken ct) => Results.Text(await collector.Metrics.ExportAsync(ct), "text/plain; version=0.0.4; charset=utf-8"));

        await app.StartAsync();
        var endpoint = new HealthEndpoint(app);
        endpoint.Uri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
