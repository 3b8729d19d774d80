using Akka.Actor;
using Akka.Event;

namespace AkkaFakeUsers.Feed;

/// <summary>
/// The feed's calls to the ranking services of its external:NAME policies, run on the feed actor's thread: per service a
/// bounded number in flight (the rest wait in a queue of <see cref="ExternalPolicySettings.QueueLimit"/>) and a circuit
/// breaker (open after breaker-failures failures in a row, for breaker-reset, then one probe decides); per slate one request
/// to each service it needs, the slate finished (<see cref="FeedServer.Finish"/>) and sent to the asking user when all have
/// answered or failed. Calls run off the actor (<see cref="ExternalPolicyClient.ScoreAsync"/>, piped back as <see cref="Scored"/>).
/// </summary>
public sealed class ExternalScoring
{
    private readonly FeedServer _server;
    private readonly IActorRef _self;
    private readonly Func<ITimerScheduler> _timers;
    private readonly ILoggingAdapter _log;

    public ExternalScoring(IReadOnlyDictionary<string, ExternalPolicyClient> clients, FeedServer server, IActorRef self, Func<ITimerScheduler> timers, ILoggingAdapter log)
    {
        foreach (var (name, client) in clients) _callers[name] = new ExternalCaller(client);
        _server = server;
        _self = self;
        _timers = timers;
        _log = log;
    }

    private readonly Dictionary<string, ExternalCaller> _callers = new(StringComparer.Ordinal);
    private readonly Dictionary<long, WaitingSlate> _waiting = new();
    private long _nextWaiting;
    private readonly Dictionary<string, long> _outcomes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _failures = new(StringComparer.Ordinal);

    private sealed class WaitingSlate(PreparedSlate slate, IActorRef replyTo)
    {
        public PreparedSlate Slate { get; } = slate;
        public IActorRef ReplyTo { get; } = replyTo;
        public Dictionary<string, double[]> Scores { get; } = new(StringComparer.Ordinal);
        public int Pending { get; set; } = slate.Externals.Count;
    }

    private sealed class ExternalCaller(ExternalPolicyClient client)
    {
        public ExternalPolicyClient Client { get; } = client;
        public Queue<(long Waiting, byte[] Body)> Queue { get; } = new();
        public int InFlight { get; set; }
        public int ConsecutiveFailures { get; set; }
        public DateTime OpenUntil { get; set; }
        public bool HalfOpenProbe { get; set; }
    }

    /// <summary>A service's answer for a waiting slate, back on the feed actor.</summary>
    public sealed record Scored(long Waiting, ExternalAnswer Answer);

    /// <summary>Calls by "NAME/outcome" (ok, timeout, http-STATUS, …, breaker-open, queue-full).</summary>
    public Dictionary<string, long> Outcomes() => new(_outcomes, StringComparer.Ordinal);

    /// <summary>A slate that needs scores from ranking services: one request per service, the slate finished when all have answered or failed.</summary>
    public void Ask(PreparedSlate prepared, IActorRef replyTo)
    {
        var id = ++_nextWaiting;
        var waiting = new WaitingSlate(prepared, replyTo);
        _waiting[id] = waiting;
        foreach (var name in prepared.Externals)
        {
            if (!_callers.TryGetValue(name, out var caller))
            {
                Failed(id, name, "not-configured");
                continue;
            }
            if (IsOpen(caller))
            {
                Failed(id, name, "breaker-open");
                continue;
            }
            if (caller.Queue.Count >= ExternalPolicySettings.QueueLimit)
            {
                Failed(id, name, "queue-full");
                continue;
            }
            caller.Queue.Enqueue((id, ExternalRequest.Build(name, prepared, _server.Pool, _server.RecentlyShown(prepared.Request.UserId))));
            Dispatch(caller);
        }
    }

    private bool IsOpen(ExternalCaller c) => c.OpenUntil > DateTime.UtcNow || (c.OpenUntil != default && c.HalfOpenProbe && c.InFlight > 0);

    private void Dispatch(ExternalCaller caller)
    {
        while (caller.Queue.Count > 0 && caller.InFlight < caller.Client.Settings.MaxInFlight)
        {
            // half-open (the open period is over): one probe at a time decides
            if (caller.OpenUntil != default)
            {
                if (caller.OpenUntil > DateTime.UtcNow || caller.InFlight > 0) return;
                caller.HalfOpenProbe = true;
            }
            var (id, body) = caller.Queue.Dequeue();
            if (!_waiting.TryGetValue(id, out var w)) continue;
            caller.InFlight++;
            var name = caller.Client.Settings.Name;
            caller.Client.ScoreAsync(body, w.Slate.Candidates).PipeTo(_self,
                success: a => new Scored(id, a),
                failure: e => new Scored(id, new ExternalAnswer(name, null, "error", TimeSpan.Zero)));
        }
    }

    /// <summary>A service answered (or failed) for a waiting slate.</summary>
    public void Receive(Scored s)
    {
        var name = s.Answer.Name;
        if (_callers.TryGetValue(name, out var caller))
        {
            caller.InFlight--;
            if (s.Answer.Ok)
            {
                caller.ConsecutiveFailures = 0;
                if (caller.OpenUntil != default) _log.Info("external policy {0}: the service answers again, circuit closed", name);
                caller.OpenUntil = default;
                caller.HalfOpenProbe = false;
            }
            else if (++caller.ConsecutiveFailures >= caller.Client.Settings.BreakerFailures || caller.HalfOpenProbe)
            {
                caller.OpenUntil = DateTime.UtcNow + caller.Client.Settings.BreakerReset;
                caller.HalfOpenProbe = false;
                _log.Warning("external policy {0}: {1} failures in a row (last: {2}), circuit open for {3}: its slates are ranked by the fallback",
                    name, caller.ConsecutiveFailures, s.Answer.Failure, caller.Client.Settings.BreakerReset);
                // what waits would only wait for the breaker: those slates fall back now
                while (caller.Queue.Count > 0) Failed(caller.Queue.Dequeue().Waiting, name, "breaker-open");
                _timers().StartSingleTimer("breaker-" + name, new RetryDispatch(name), caller.Client.Settings.BreakerReset);
            }
        }
        if (s.Answer.Ok && _waiting.TryGetValue(s.Waiting, out var w))
        {
            Count(name, "ok");
            w.Scores[name] = s.Answer.Scores!;
            Answered(s.Waiting, w);
        }
        else if (!s.Answer.Ok) Failed(s.Waiting, name, s.Answer.Failure ?? "error");
        if (caller is not null) Dispatch(caller);
    }

    public sealed record RetryDispatch(string Name);

    /// <summary>The breaker's open period is over: send what waits (one probe first).</summary>
    public void Retry(RetryDispatch r)
    {
        if (_callers.TryGetValue(r.Name, out var caller)) Dispatch(caller);
    }

    private void Failed(long id, string name, string reason)
    {
        Count(name, reason);
        var n = _failures.GetValueOrDefault(name);
        _failures[name] = n + 1;
        // the first failure and then every 1000th: a failing service does not flood the log
        if (n % 1000 == 0) _log.Warning("external policy {0}: {1} (failure {2:N0}); the slate is ranked by its fallback", name, reason, n + 1);
        if (_waiting.TryGetValue(id, out var w)) Answered(id, w);
    }

    private void Answered(long id, WaitingSlate w)
    {
        if (--w.Pending > 0) return;
        _waiting.Remove(id);
        w.ReplyTo.Tell(_server.Finish(w.Slate, w.Scores));
    }

    private void Count(string name, string outcome) => _outcomes[$"{name}/{outcome}"] = _outcomes.GetValueOrDefault($"{name}/{outcome}") + 1;
}
