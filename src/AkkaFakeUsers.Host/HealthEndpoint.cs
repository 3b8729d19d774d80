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
/// is an Up cluster member and the journal's database answers), <c>/metrics</c> (Prometheus text format).
/// </summary>
public sealed class HealthEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HealthEndpoint(WebApplication app) => _app = app;

    public Uri Uri { get; private set; } = null!;

    public static async Task<HealthEndpoint> StartAsync(AfuSettings settings, ActorSystem system, ActorRegistry registry, UserMetrics metrics, TrainingStore store)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{settings.Health.Host}:{settings.Health.Port}");
        var app = builder.Build();
        var started = DateTime.UtcNow;

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
        app.MapGet("/metrics", async () => Results.Text(await Metrics(settings, registry, metrics, started), "text/plain; version=0.0.4"));

        await app.StartAsync();
        var endpoint = new HealthEndpoint(app);
        endpoint.Uri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return endpoint;
    }

    private static async Task<string> Metrics(AfuSettings settings, ActorRegistry registry, UserMetrics m, DateTime started)
    {
        var sb = new StringBuilder();
        void Metric(string name, string type, string help, IEnumerable<(string Labels, double Value)> values)
        {
            sb.Append("# HELP ").Append(name).Append(' ').AppendLine(help);
            sb.Append("# TYPE ").Append(name).Append(' ').AppendLine(type);
            foreach (var (labels, value) in values)
                sb.Append(name).Append(labels.Length == 0 ? "" : "{" + labels + "}").Append(' ').AppendLine(value.ToString("R", CultureInfo.InvariantCulture));
        }
        void One(string name, string type, string help, double value) => Metric(name, type, help, [("", value)]);
        var minutes = Math.Max(1e-9, (DateTime.UtcNow - started).TotalMinutes);

        One("afu_users_created_total", "counter", "Users created by this node.", m.UsersCreated);
        One("afu_users_active", "gauge", "Users running on this node.", m.UsersActive);
        One("afu_posts_total", "counter", "Posts persisted by this node's users.", m.Posts);
        One("afu_posts_per_minute", "gauge", "Posts per minute since this node started.", m.Posts / minutes);
        Metric("afu_interactions_total", "counter", "Interactions persisted by this node's users, by type.",
            [("type=\"view\"", m.Views), ("type=\"like\"", m.Likes), ("type=\"comment\"", m.Comments), ("type=\"hide\"", m.Hides)]);
        One("afu_slates_total", "counter", "Slates shown to this node's users (persisted).", m.Slates);
        Metric("afu_interactions_per_minute", "gauge", "Interactions per minute since this node started, by type.",
            [("type=\"view\"", m.Views / minutes), ("type=\"like\"", m.Likes / minutes), ("type=\"comment\"", m.Comments / minutes)]);
        One("afu_persist_failures_total", "counter", "Journal writes that failed.", m.PersistFailures);
        One("afu_target_users", "gauge", "Configured population at start.", settings.TargetUserCount);

        if (await registry.TryAskAsync<LlmGateway, LlmStatus>(GetLlmStatus.Instance, AskTimeout) is { } llm)
        {
            One("afu_llm_requests_total", "counter", "Text requests to the LLM gateway.", llm.Requests);
            One("afu_llm_successes_total", "counter", "Texts written by the primary generator.", llm.Successes);
            One("afu_llm_fallbacks_total", "counter", "Texts written by the built-in fallback.", llm.Fallbacks);
            One("afu_llm_success_rate", "gauge", "Share of requests the primary generator answered.", llm.SuccessRate);
            One("afu_llm_queue_depth", "gauge", "Requests waiting for a slot.", llm.QueueDepth);
            Metric("afu_llm_latency_ms", "summary", "Latency of successful primary calls (last 2048).",
                [("quantile=\"0.5\"", llm.LatencyP50Ms), ("quantile=\"0.95\"", llm.LatencyP95Ms), ("quantile=\"0.99\"", llm.LatencyP99Ms)]);
            One("afu_llm_breaker_open", "gauge", "1 when the circuit to the primary generator is open.", llm.Breaker == "open" ? 1 : 0);
        }
        if (await registry.TryAskAsync<FeedActor, FeedStatus>(GetFeedStatus.Instance, AskTimeout) is { } feed)
        {
            Metric("afu_feed_slates_total", "counter", "Slates served by this node's feed, by policy.",
                feed.SlatesByPolicy.OrderBy(kv => kv.Key).Select(kv => ($"policy=\"{kv.Key}\"", (double)kv.Value)));
            One("afu_feed_impressions_total", "counter", "Posts shown in slates by this node's feed.", feed.Impressions);
            One("afu_feed_pool_posts", "gauge", "Posts in this node's candidate pool.", feed.Pool);
        }
        if (await registry.TryAskAsync<ProjectionActor, ProjectionStatus>(GetProjectionStatus.Instance, AskTimeout) is { } proj)
            One("afu_projection_lag_events", "gauge", "Journal events not yet in the training tables.", proj.Lag);
        return sb.ToString();
    }

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
