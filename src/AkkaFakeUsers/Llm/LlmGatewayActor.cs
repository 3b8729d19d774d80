using Akka.Hosting;
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace AkkaFakeUsers.Llm;

/// <summary>
/// Owns every call to this node's primary content generator (Ollama). Bounded: at most <c>max-in-flight</c> calls
/// generating plus <c>server-queue</c> more waiting in the server's own queue (so a slot that frees starts its next text
/// at once instead of idling while the answer comes back and the next call goes out), at most <c>max-queue</c> waiting here (comments before posts: a comment belongs to a reaction that is due now, a post
/// can wait), optional rate limit. Resilient: per-attempt timeout, retries with jittered exponential back-off,
/// a circuit breaker (closed → open after N consecutive failures → half-open probe after the reset time).
/// Whatever happens the requester is answered: by the primary, or at once by the built-in generator with the
/// reason (queue-full, breaker-open, or the last failure kind). Calls run off the actor; it never blocks.
/// </summary>
public sealed class LlmGatewayActor : ReceiveActor, IWithTimers
{
    private sealed class Pending(GenerateText request, IActorRef replyTo)
    {
        public GenerateText Request { get; } = request;
        public IActorRef ReplyTo { get; } = replyTo;
        public long EnqueuedTicks { get; set; } = Stopwatch.GetTimestamp();
        public int Attempt { get; set; } = 1;
    }

    private sealed record Completed(Pending Pending, GeneratedText Text, long StartedTicks);
    private sealed record Failed(Pending Pending, Exception Error);
    private sealed record RetryDue(Pending Pending);
    private sealed record HalfOpen;
    private sealed record TokenRefill;

    private enum Breaker { Closed, Open, HalfOpen }

    private readonly IContentGenerator _primary;
    private readonly BuiltInGenerator _fallback = new();
    private readonly LlmSettings _s;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LinkedList<Pending> _retries = new();
    private readonly Queue<Pending> _comments = new();
    private readonly Queue<Pending> _posts = new();
    private readonly LatencyWindow _latency = new(2048);
    private readonly LatencyWindow _queueWait = new(2048);
    private readonly LatencyWindow _tokensPerSecond = new(256);
    private readonly Dictionary<string, long> _failures = new();
    private readonly Dictionary<string, long> _fallbackReasons = new();
    private readonly Random _jitter = new();
    private Breaker _breaker = Breaker.Closed;
    private int _consecutiveFailures;
    private int _inFlight, _maxInFlightSeen;
    private long _requests, _successes, _fallbacks, _retriesCount;
    private double _tokens;
    private long _lastRefill = Stopwatch.GetTimestamp();

    public ITimerScheduler Timers { get; set; } = null!;

    private readonly Observability.NodeMetrics? _metrics;

    private readonly GatewayLoad? _load;

    /// <param name="load">Where the queue's length is published for the simulation clock (it holds while the queue is long).</param>
    public LlmGatewayActor(IContentGenerator primary, LlmSettings settings, Observability.NodeMetrics? metrics = null, GatewayLoad? load = null)
    {
        _primary = primary;
        _load = load;
        _metrics = metrics;
        _s = settings;
        _tokens = Math.Max(1, settings.RateLimit);

        Receive<GenerateText>(req =>
        {
            _requests++;
            var pending = new Pending(req, Sender);
            if (_breaker == Breaker.Open) Fallback(pending, "breaker-open");
            else if (Waiting == 0 && CanStart()) Start(pending);
            else if (Waiting < _s.MaxQueue) QueueFor(req.Request.Kind).Enqueue(pending);
            else Fallback(pending, "queue-full");
        });
        Receive<Completed>(OnCompleted);
        Receive<Failed>(OnFailed);
        Receive<RetryDue>(r =>
        {
            if (_breaker == Breaker.Open) Fallback(r.Pending, "breaker-open");
            else
            {
                r.Pending.EnqueuedTicks = Stopwatch.GetTimestamp();
                _retries.AddLast(r.Pending);
                StartNext();
            }
        });
        Receive<HalfOpen>(_ =>
        {
            _breaker = Breaker.HalfOpen;
            _log.Info("LLM circuit half-open: probing {0} with one request", _primary.Name);
        });
        Receive<TokenRefill>(_ => StartNext());
        Receive<GetLlmStatus>(_ => Sender.Tell(Status()));
    }

    private int Waiting => _retries.Count + _comments.Count + _posts.Count;

    protected override bool AroundReceive(Receive receive, object message)
    {
        var handled = base.AroundReceive(receive, message);
        _load?.Set(Waiting);
        return handled;
    }

    private Queue<Pending> QueueFor(TextKind kind) => kind == TextKind.Comment ? _comments : _posts;

    private bool CanStart()
    {
        // beyond the slots, a few calls wait in the server's own queue: a slot that frees starts the next text at once
        if (_inFlight >= _s.MaxInFlight + _s.ServerQueue) return false;
        if (_breaker == Breaker.HalfOpen && _inFlight > 0) return false; // one probe at a time
        if (_s.RateLimit <= 0) return true;
        var now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(Math.Max(1, _s.RateLimit), _tokens + Stopwatch.GetElapsedTime(_lastRefill, now).TotalSeconds * _s.RateLimit);
        _lastRefill = now;
        if (_tokens >= 1) return true;
        var wait = TimeSpan.FromSeconds((1 - _tokens) / _s.RateLimit);
        if (!Timers.IsTimerActive("refill")) Timers.StartSingleTimer("refill", new TokenRefill(), wait);
        return false;
    }

    private void StartNext()
    {
        while (Waiting > 0 && _breaker != Breaker.Open && CanStart())
        {
            Pending next;
            if (_retries.Count > 0)
            {
                next = _retries.First!.Value;
                _retries.RemoveFirst();
            }
            else next = _comments.Count > 0 ? _comments.Dequeue() : _posts.Dequeue();
            Start(next);
        }
    }

    private void Start(Pending pending)
    {
        if (_s.RateLimit > 0) _tokens -= 1;
        _inFlight++;
        _maxInFlightSeen = Math.Max(_maxInFlightSeen, _inFlight);
        var waited = Stopwatch.GetElapsedTime(pending.EnqueuedTicks);
        _queueWait.Add(waited.TotalMilliseconds);
        _metrics?.LlmQueueWait.Observe(waited.TotalSeconds);
        var started = Stopwatch.GetTimestamp();
        var cts = new CancellationTokenSource(_s.Timeout);
        Task<GeneratedText> call;
        try
        {
            call = _primary.GenerateAsync(pending.Request.Request, cts.Token);
        }
        catch (Exception ex)
        {
            call = Task.FromException<GeneratedText>(ex);
        }
        call.ContinueWith(t =>
            {
                cts.Dispose();
                return t.IsCompletedSuccessfully
                    ? Unusable(t.Result.Text, pending.Request.Request.Kind) is { } why
                        ? new Failed(pending, new LlmCallException("invalid-output", why, true))
                        : new Completed(pending, t.Result, started)
                    : (object)new Failed(pending, t.Exception?.GetBaseException() ?? new LlmCallException("timeout", "cancelled", true));
            }, TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(Self);
    }

    /// <summary>
    /// Every primary's text is held to the same rules (Ollama's after cleaning, the built-in generator's as written),
    /// so the success rate means the same whichever generator is primary.
    /// </summary>
    private static string? Unusable(string text, TextKind kind) => kind == TextKind.Post
        ? Domain.ContentRules.IsValidPost(text) ? null : $"post of {text.Length} characters, not {Domain.ContentRules.PostMin}-{Domain.ContentRules.PostMax}"
        : Domain.ContentRules.IsValidComment(text) ? null : $"comment of {text.Length} characters, not {Domain.ContentRules.CommentMin}-{Domain.ContentRules.CommentMax}";

    private void OnCompleted(Completed c)
    {
        _inFlight--;
        _successes++;
        _consecutiveFailures = 0;
        if (_breaker == Breaker.HalfOpen)
        {
            _breaker = Breaker.Closed;
            _log.Info("LLM circuit closed: {0} answers again", _primary.Name);
        }
        var took = Stopwatch.GetElapsedTime(c.StartedTicks);
        _latency.Add(took.TotalMilliseconds);
        _metrics?.LlmLatency.Observe(took.TotalSeconds);
        if (c.Text.TokensPerSecond is { } tps) _tokensPerSecond.Add(tps);
        c.Pending.ReplyTo.Tell(new TextGenerated(c.Pending.Request.RequestId, c.Pending.Request.Request.Kind, c.Text, null, c.Pending.Request.Ticket));
        StartNext();
    }

    private void OnFailed(Failed f)
    {
        _inFlight--;
        var (kind, retryable) = f.Error switch
        {
            LlmCallException e => (e.Kind, e.Retryable),
            OperationCanceledException or TimeoutException => ("timeout", true),
            HttpRequestException h when h.StatusCode is { } sc => ($"http-{(int)sc}", (int)sc is 429 or >= 500),
            HttpRequestException => ("connection", true),
            _ => (f.Error.GetType().Name, false),
        };
        _failures[kind] = _failures.GetValueOrDefault(kind) + 1;
        _consecutiveFailures++;
        _log.Warning("LLM {0} attempt {1} failed ({2}): {3}", _primary.Name, f.Pending.Attempt, kind, f.Error.Message);

        if (_breaker == Breaker.HalfOpen || (_breaker == Breaker.Closed && _consecutiveFailures >= _s.BreakerMaxFailures)) OpenCircuit(kind);

        if (_breaker != Breaker.Open && retryable && f.Pending.Attempt < _s.MaxAttempts)
        {
            _retriesCount++;
            f.Pending.Attempt++;
            var baseDelay = _s.RetryBaseDelay.TotalMilliseconds;
            var max = _s.RetryMaxDelay.TotalMilliseconds;
            var delay = Math.Min(max, baseDelay * Math.Pow(2, f.Pending.Attempt - 2)) * (0.5 + _jitter.NextDouble());
            Timers.StartSingleTimer(f.Pending, new RetryDue(f.Pending), TimeSpan.FromMilliseconds(delay));
        }
        else
        {
            Fallback(f.Pending, kind);
        }
        StartNext();
    }

    private void OpenCircuit(string kind)
    {
        _breaker = Breaker.Open;
        var reset = _s.BreakerReset;
        _log.Warning("LLM circuit open after {0} consecutive failures (last: {1}); built-in generator for {2}", _consecutiveFailures, kind, reset);
        Timers.StartSingleTimer("half-open", new HalfOpen(), reset);
        // Nobody waits on an open circuit: everything queued is answered now.
        foreach (var p in _retries) Fallback(p, "breaker-open");
        _retries.Clear();
        while (_comments.Count > 0) Fallback(_comments.Dequeue(), "breaker-open");
        while (_posts.Count > 0) Fallback(_posts.Dequeue(), "breaker-open");
    }

    private void Fallback(Pending pending, string reason)
    {
        _fallbacks++;
        _fallbackReasons[reason] = _fallbackReasons.GetValueOrDefault(reason) + 1;
        var text = _fallback.Generate(pending.Request.Request);
        pending.ReplyTo.Tell(new TextGenerated(pending.Request.RequestId, pending.Request.Request.Kind, text, reason, pending.Request.Ticket));
    }

    private LlmStatus Status() => new(
        _primary.Name, _primary.Model, _requests, _inFlight, Waiting, _successes, _fallbacks, _retriesCount,
        _breaker.ToString().ToLowerInvariant().Replace("halfopen", "half-open"),
        new Dictionary<string, long>(_failures), new Dictionary<string, long>(_fallbackReasons),
        _latency.Percentile(0.50), _latency.Percentile(0.95), _latency.Percentile(0.99), _queueWait.Percentile(0.99),
        _tokensPerSecond.Count == 0 ? null : _tokensPerSecond.Percentile(0.5), _maxInFlightSeen);
}

/// <summary>The last N values, for percentiles.</summary>
public sealed class LatencyWindow(int capacity)
{
    private readonly double[] _values = new double[capacity];
    private int _next;

    public int Count { get; private set; }

    public void Add(double value)
    {
        _values[_next] = value;
        _next = (_next + 1) % _values.Length;
        if (Count < _values.Length) Count++;
    }

    public double Percentile(double p)
    {
        if (Count == 0) return 0;
        var sorted = _values.Take(Count).OrderBy(v => v).ToArray();
        var idx = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(idx, 0, sorted.Length - 1)];
    }
}

/// <summary>Wires the node's LLM gateway onto its actor system.</summary>
public static class LlmGatewayHosting
{
    /// <summary>
    /// The gateway under a back-off supervisor: should it ever crash (its failures are normally messages), it is
    /// restarted after 1 s, 2 s, 4 s… up to 30 s; requests sent to the supervisor are forwarded to it.
    /// </summary>
    public static AkkaConfigurationBuilder WithLlmGateway(this AkkaConfigurationBuilder builder, LlmSettings settings, IContentGenerator primary,
        Observability.NodeMetrics? metrics = null, GatewayLoad? load = null) =>
        builder.WithActors((system, registry) =>
        {
            var gateway = Props.Create(() => new LlmGatewayActor(primary, settings, metrics, load));
            var supervised = Akka.Pattern.BackoffSupervisor.Props(
                Akka.Pattern.Backoff.OnFailure(gateway, "gateway", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, -1));
            registry.Register<LlmGatewayActor>(system.ActorOf(supervised, "llm-gateway"));
        });
}
