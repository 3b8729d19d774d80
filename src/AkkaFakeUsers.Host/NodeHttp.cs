using System.Net;
using Akka.Actor;
using Akka.Cluster;
using AkkaFakeUsers.Hosting;
using AkkaFakeUsers.Inspection;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AkkaFakeUsers.Host;

/// <summary>
/// The node's HTTP server (one Kestrel, two listeners). On the health port: <c>/healthz/live</c> (the process answers),
/// <c>/healthz/ready</c> (this node is an Up cluster member and the journal's database answers) and <c>/metrics</c>
/// (Prometheus text format, by prometheus-net: <see cref="MetricsCollector"/>). On the dashboard port: the web
/// dashboard (<see cref="Dashboard.DashboardEndpoints"/>). Each path answers only on its own listener.
/// </summary>
public sealed class NodeHttp : IAsyncDisposable
{
    private const string ListenerKey = "afu.listener";
    private readonly WebApplication _app;

    private NodeHttp(WebApplication app) => _app = app;

    /// <summary>The health/metrics base address, or null when that listener is off.</summary>
    public Uri? HealthUri { get; private set; }

    /// <summary>The dashboard's address, or null when it is off.</summary>
    public Uri? DashboardUri { get; private set; }

    private static IPAddress Address(string host) => host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);

    public static async Task<NodeHttp> StartAsync(AfuSettings settings, IServiceProvider services, TrainingStore store)
    {
        var system = services.GetRequiredService<ActorSystem>();
        var collector = services.GetRequiredService<MetricsCollector>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? health = null, dashboard = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 64 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.Limits.MaxConcurrentConnections = 256;
            if (settings.Health.Port >= 0)
                k.Listen(Address(settings.Health.Host), settings.Health.Port, o => health = Tag(o, "health"));
            if (settings.Dashboard.Port >= 0)
                k.Listen(Address(settings.Dashboard.Host), settings.Dashboard.Port, o => dashboard = Tag(o, "dashboard"));
        });
        var app = builder.Build();
        app.Use(async (ctx, next) =>
        {
            // a path answers only on its own listener: the dashboard's pages are not on the metrics port and vice versa
            var listener = ctx.Features.Get<IConnectionItemsFeature>()?.Items[ListenerKey] as string;
            var path = ctx.Request.Path.Value ?? "/";
            var healthPath = path.StartsWith("/healthz/", StringComparison.Ordinal) || path == "/metrics";
            if (listener == "health" != healthPath)
            {
                ctx.Response.StatusCode = 404;
                return;
            }
            await next(ctx);
        });

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

        if (settings.Dashboard.Port >= 0)
            Dashboard.DashboardEndpoints.Map(app, settings, services.GetRequiredService<SimulationOperations>(), services.GetRequiredService<InspectionContext>(),
                services.GetRequiredService<Observability.NodeMetrics>());

        await app.StartAsync();
        var http = new NodeHttp(app);
        if (health is not null) http.HealthUri = new Uri($"http://{Display(settings.Health.Host)}:{health.IPEndPoint!.Port}/");
        if (dashboard is not null) http.DashboardUri = new Uri($"http://{Display(settings.Dashboard.Host)}:{dashboard.IPEndPoint!.Port}/");
        return http;
    }

    private static string Display(string host) => host is "0.0.0.0" ? "127.0.0.1" : host;

    private static ListenOptions Tag(ListenOptions o, string listener)
    {
        o.Use(next => ctx =>
        {
            ctx.Items[ListenerKey] = listener;
            return next(ctx);
        });
        return o;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
