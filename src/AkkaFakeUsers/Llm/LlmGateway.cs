using System.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace AkkaFakeUsers.Llm;

public sealed record LlmGatewaySettings(int MaxInFlight, int MaxQueue, TimeSpan Timeout);

/// <summary>
/// Owns every call to the content generator of this node. At most <c>max-in-flight</c> calls run at once; the rest wait
/// in a bounded queue (comments before posts: a comment belongs to a reaction that is due now, a post can wait).
/// When the queue is full, or a call fails or times out, the request is answered at once by the built-in generator and
/// labelled so. Calls run off the actor (<c>PipeTo</c>); the actor never blocks.
/// </summary>
public sealed class LlmGateway : ReceiveActor
{
    private sealed record Pending(GenerateText Request, IActorRef ReplyTo, long EnqueuedTicks);
    private sealed record Completed(Pending Pending, GeneratedText Text, long StartedTicks);
    private sealed record Failed(Pending Pending, Exception Error, long StartedTicks);

    private readonly IContentGenerator _primary;
    private readonly BuiltInGenerator _fallback = new();
    private readonly LlmGatewaySettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<Pending> _comments = new();
    private readonly Queue<Pending> _posts = new();
    private readonly LatencyWindow _latency = new(2048);
    private readonly Dictionary<string, long> _failures = new();
    private int _inFlight;
    private long _requests, _successes, _fallbacks;

    public LlmGateway(IContentGenerator primary, LlmGatewaySettings settings)
    {
        _primary = primary;
        _settings = settings;

        Receive<GenerateText>(req =>
        {
            _requests++;
            var pending = new Pending(req, Sender, Stopwatch.GetTimestamp());
            if (_inFlight < _settings.MaxInFlight) Start(pending);
            else if (_comments.Count + _posts.Count < _settings.MaxQueue) QueueFor(req.Request.Kind).Enqueue(pending);
            else Fallback(pending, "queue-full");
        });
        Receive<Completed>(c =>
        {
            _inFlight--;
            _successes++;
            _latency.Add(Stopwatch.GetElapsedTime(c.StartedTicks).TotalMilliseconds);
            c.Pending.ReplyTo.Tell(new TextGenerated(c.Pending.Request.RequestId, c.Pending.Request.Request.Kind, c.Text, null));
            StartNext();
        });
        Receive<Failed>(f =>
        {
            _inFlight--;
            var kind = f.Error switch
            {
                OperationCanceledException or TimeoutException => "timeout",
                HttpRequestException => "http",
                _ => f.Error.GetType().Name,
            };
            _failures[kind] = _failures.GetValueOrDefault(kind) + 1;
            _log.Warning("LLM {0} failed ({1}): {2}; answering with the built-in generator", _primary.Name, kind, f.Error.Message);
            Fallback(f.Pending, kind);
            StartNext();
        });
        Receive<GetLlmStatus>(_ => Sender.Tell(Status()));
    }

    private Queue<Pending> QueueFor(TextKind kind) => kind == TextKind.Comment ? _comments : _posts;

    private void StartNext()
    {
        while (_inFlight < _settings.MaxInFlight && (_comments.Count > 0 || _posts.Count > 0))
            Start(_comments.Count > 0 ? _comments.Dequeue() : _posts.Dequeue());
    }

    private void Start(Pending pending)
    {
        _inFlight++;
        var started = Stopwatch.GetTimestamp();
        var cts = new CancellationTokenSource(_settings.Timeout);
        _primary.GenerateAsync(pending.Request.Request, cts.Token)
            .ContinueWith(t =>
            {
                cts.Dispose();
                return t.IsCompletedSuccessfully
                    ? new Completed(pending, t.Result, started)
                    : (object)new Failed(pending, t.Exception?.GetBaseException() ?? new OperationCanceledException("cancelled"), started);
            }, TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(Self);
    }

    private void Fallback(Pending pending, string reason)
    {
        _fallbacks++;
        var text = _fallback.Generate(pending.Request.Request);
        pending.ReplyTo.Tell(new TextGenerated(pending.Request.RequestId, pending.Request.Request.Kind, text, reason));
    }

    private LlmStatus Status() => new(
        _primary.Name,
        _primary is BuiltInGenerator ? BuiltInGenerator.ModelVersion : "",
        _requests, _inFlight, _comments.Count + _posts.Count, _successes, _fallbacks,
        new Dictionary<string, long>(_failures),
        _latency.Percentile(0.50), _latency.Percentile(0.95), _latency.Percentile(0.99));
}

/// <summary>The last N latencies, for p50/p95/p99.</summary>
public sealed class LatencyWindow(int capacity)
{
    private readonly double[] _values = new double[capacity];
    private int _count, _next;

    public void Add(double ms)
    {
        _values[_next] = ms;
        _next = (_next + 1) % _values.Length;
        if (_count < _values.Length) _count++;
    }

    public double Percentile(double p)
    {
        if (_count == 0) return 0;
        var sorted = _values.Take(_count).OrderBy(v => v).ToArray();
        var idx = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(idx, 0, sorted.Length - 1)];
    }
}
