using Akka.Actor;
using AkkaFakeUsers.Clock;
using Akka.Cluster;
using Akka.Event;
using Akka.Hosting;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Inspection;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Observability;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Users;
using Prometheus;

namespace AkkaFakeUsers.Hosting;

/// <summary>
/// Fills this node's <see cref="NodeMetrics"/> registry before each scrape from the same sources the inspection port
/// reads: the users' counters, and the LLM gateway, feed and projection actors (asked; a failed ask is counted in
/// <c>afu_status_ask_failures_total</c> and logged, and its families keep their last values), and the users table
/// for the interest balance (through <see cref="SimulationOperations"/>, which the dashboard reads too).
/// </summary>
public sealed class MetricsCollector
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    private readonly NodeMetrics _m;
    private readonly ActorRegistry _registry;
    private readonly UserMetrics _users;
    private readonly SimulationOperations _ops;
    private readonly ActorSystem _system;
    private readonly ILoggingAdapter _log;

    private readonly Counter _usersCreated, _posts, _interactions, _slates, _follows, _persistFailures, _llmRequests, _llmSuccesses, _llmFailures, _llmFallbacks,
        _llmRetries, _feedSlates, _feedImpressions, _feedExternal, _feedFallbacks;
    private readonly Gauge _usersActive, _target, _llmQueue, _llmInFlight, _llmBreaker, _llmSuccessRate, _feedPool, _lag, _byInterest, _members, _upMembers,
        _clockScale, _clockSimulated, _clockBacklog, _clockHeld, _usersAsleep;
    private readonly Counter _clockStalls;

    public MetricsCollector(NodeMetrics metrics, ActorSystem system, ActorRegistry registry, UserMetrics users, SimulationOperations ops, AfuSettings settings)
    {
        _m = metrics;
        _system = system;
        _registry = registry;
        _users = users;
        _ops = ops;
        _log = Logging.GetLogger(system, "metrics");
        _usersCreated = metrics.Counter("afu_users_created_total", "Users created by this node.");
        _usersActive = metrics.Gauge("afu_users_active", "Users running on this node.");
        _usersAsleep = metrics.Gauge("afu_users_asleep", "Users asleep on this node (afu.users.sleep-after): no actor, woken by the node's schedule.");
        _target = metrics.Gauge("afu_target_users", "The population the simulation aims for (configured at start).");
        _target.Set(settings.TargetUserCount);
        _posts = metrics.Counter("afu_posts_total", "Posts persisted by this node's users.");
        _interactions = metrics.Counter("afu_interactions_total", "Interactions persisted by this node's users, by type.", "type");
        _slates = metrics.Counter("afu_slates_total", "Slates shown to this node's users (persisted).");
        _follows = metrics.Counter("afu_follows_total", "Follows persisted by this node's users.");
        _persistFailures = metrics.Counter("afu_persist_failures_total", "Journal writes of this node's users that failed.");
        _llmRequests = metrics.Counter("afu_llm_requests_total", "Text requests to this node's LLM gateway.");
        _llmSuccesses = metrics.Counter("afu_llm_successes_total", "Attempts of the primary generator that gave a usable text.");
        _llmFailures = metrics.Counter("afu_llm_failures_total", "Attempts of the primary generator that failed, by kind.", "kind");
        _llmFallbacks = metrics.Counter("afu_llm_fallbacks_total", "Texts written by the built-in fallback instead, by reason.", "reason");
        _llmRetries = metrics.Counter("afu_llm_retries_total", "Attempts retried after a retryable failure.");
        _llmQueue = metrics.Gauge("afu_llm_queue_depth", "Text requests waiting for a slot.");
        _llmInFlight = metrics.Gauge("afu_llm_in_flight", "Calls to the primary generator running now.");
        _llmBreaker = metrics.Gauge("afu_llm_breaker_open", "1 while the circuit to the primary generator is open (or half-open), else 0.");
        _llmSuccessRate = metrics.Gauge("afu_llm_success_rate", "Share of the primary generator's finished attempts that gave a usable text; NaN until one finished.");
        _feedSlates = metrics.Counter("afu_feed_slates_total", "Slates served by this node's feed, by policy.", "policy");
        _feedExternal = metrics.Counter("afu_feed_external_requests_total",
            "Calls to the ranking services of external:NAME policies, by NAME and outcome (ok, timeout, http-STATUS, bad-json, wrong-ids, missing-scores, not-finite, breaker-open, queue-full, connect-error).",
            "policy", "outcome");
        _feedFallbacks = metrics.Counter("afu_feed_external_fallback_slates_total", "Slates an external policy was to serve but its fallback ranked (no valid scores in time), by NAME.", "policy");
        _feedImpressions = metrics.Counter("afu_feed_impressions_total", "Posts shown in slates by this node's feed.");
        _feedPool = metrics.Gauge("afu_feed_pool_posts", "Posts in this node's candidate pool.");
        _lag = metrics.Gauge("afu_projection_lag_events", "Journal events not yet in the training tables (the cluster's projection).");
        _clockScale = metrics.Gauge("afu_clock_time_scale", "Simulated seconds per real second: configured (+Inf for max) and effective (over the last 5 s).", "kind");
        _clockSimulated = metrics.Gauge("afu_clock_simulated_seconds", "Simulated time this node's clock has covered since the run started.");
        _clockBacklog = metrics.Gauge("afu_clock_backlog", "Pieces of simulated work released by the clock (or asked of the gateway and feed) and not yet done.");
        _clockHeld = metrics.Gauge("afu_clock_held", "1 while the clock runs below its configured time-scale because the node is behind (or the slowest node is), else 0.");
        _clockStalls = metrics.Counter("afu_clock_stalls_total", "Times the clock gave up waiting for work that made no progress within afu.clock.stall-timeout.");
        _clockScale.WithLabels("configured").Set(double.IsPositiveInfinity(settings.TimeScale) ? double.PositiveInfinity : settings.TimeScale);
        _clockScale.WithLabels("effective").Set(double.NaN);
        _byInterest = metrics.Gauge("afu_users_by_interest", "Users in the training tables by main (first-listed) interest; the same on every node.", "interest");
        _members = metrics.Gauge("afu_cluster_members", "Cluster members this node sees, by status.", "status");
        _upMembers = metrics.Gauge("afu_cluster_up_members", "Up cluster members this node sees.");
        _llmSuccessRate.Set(double.NaN);
        // Labelled families start with their known labels at 0 (Prometheus' advice): a rate or sum over them then has
        // data before the first failure, and an alert on them sees the step from 0.
        foreach (var type in new[] { "view", "like", "comment", "hide" }) _interactions.WithLabels(type);
        foreach (var reason in new[] { "queue-full", "breaker-open" }) _llmFallbacks.WithLabels(reason);
        foreach (var kind in new[] { "timeout", "connection", "invalid-output" }) _llmFailures.WithLabels(kind);
        foreach (var policy in settings.Feed.Policies) _feedSlates.WithLabels(policy.Name);
        foreach (var actor in new[] { nameof(LlmGatewayActor), nameof(FeedActor), nameof(ProjectionActor), "users-table" }) metrics.AskFailures.WithLabels(actor);
        metrics.Registry.AddBeforeCollectCallback(CollectAsync);
    }

    public NodeMetrics Metrics => _m;

    private void Warn(string message) => _log.Warning(message);

    private async Task CollectAsync(CancellationToken ct)
    {
        _usersCreated.IncTo(_users.UsersCreated);
        _usersActive.Set(_users.UsersActive);
        _posts.IncTo(_users.Posts);
        _interactions.WithLabels("view").IncTo(_users.Views);
        _interactions.WithLabels("like").IncTo(_users.Likes);
        _interactions.WithLabels("comment").IncTo(_users.Comments);
        _interactions.WithLabels("hide").IncTo(_users.Hides);
        _slates.IncTo(_users.Slates);
        _follows.IncTo(_users.Follows);
        _persistFailures.IncTo(_users.PersistFailures);

        var cluster = Cluster.Get(_system).State;
        foreach (MemberStatus status in Enum.GetValues<MemberStatus>())
            _members.WithLabels(status.ToString().ToLowerInvariant()).Set(cluster.Members.Count(m => m.Status == status));
        _upMembers.Set(cluster.Members.Count(m => m.Status == MemberStatus.Up));

        var llm = _registry.TryAskAsync<LlmGatewayActor, LlmStatus>(GetLlmStatus.Instance, AskTimeout, _m, Warn);
        var feed = _registry.TryAskAsync<FeedActor, FeedStatus>(GetFeedStatus.Instance, AskTimeout, _m, Warn);
        var proj = _registry.TryAskAsync<ProjectionActor, ProjectionStatus>(GetProjectionStatus.Instance, AskTimeout, _m, Warn);
        if (await llm is { } l)
        {
            _llmRequests.IncTo(l.Requests);
            _llmSuccesses.IncTo(l.Successes);
            foreach (var (kind, n) in l.FailuresByKind) _llmFailures.WithLabels(kind).IncTo(n);
            foreach (var (reason, n) in l.FallbacksByReason) _llmFallbacks.WithLabels(reason).IncTo(n);
            _llmRetries.IncTo(l.Retries);
            _llmQueue.Set(l.QueueDepth);
            _llmInFlight.Set(l.InFlight);
            _llmBreaker.Set(l.Breaker == "closed" ? 0 : 1);
            _llmSuccessRate.Set(l.SuccessRate ?? double.NaN);
        }
        if (await feed is { } f)
        {
            foreach (var (policy, n) in f.SlatesByPolicy) _feedSlates.WithLabels(policy).IncTo(n);
            foreach (var (key, n) in f.External)
            {
                var cut = key.IndexOf('/');
                _feedExternal.WithLabels(key[..cut], key[(cut + 1)..]).IncTo(n);
            }
            foreach (var (policy, n) in f.Fallbacks) _feedFallbacks.WithLabels(policy).IncTo(n);
            _feedImpressions.IncTo(f.Impressions);
            _feedPool.Set(f.Pool);
        }
        if (await proj is { } p) _lag.Set(p.Lag);
        if (await _registry.TryAskAsync<ClockDriverActor, ClockStatus>(GetClockStatus.Instance, AskTimeout, _m, Warn) is { } c)
        {
            _clockScale.WithLabels("effective").Set(c.Effective ?? double.NaN);
            _clockSimulated.Set(c.Simulated.TotalSeconds);
            _clockBacklog.Set(c.Backlog);
            _usersAsleep.Set(c.Asleep);
            _clockHeld.Set(c.HeldBy is null ? 0 : 1);
            _clockStalls.IncTo(c.Stalls);
        }
        await InterestsAsync(ct);
    }

    private async Task InterestsAsync(CancellationToken ct)
    {
        try
        {
            foreach (var (interest, n) in await _ops.UsersByMainInterestAsync(ct)) _byInterest.WithLabels(interest).Set(n);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _m.AskFailures.WithLabels("users-table").Inc();
            Warn($"users by interest unavailable: {ex.Message}");
        }
    }
}
