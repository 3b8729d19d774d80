// One fake server that speaks Ollama's HTTP API (generate, chat, tags, pull) with fault injection; its handlers share state, so one file.
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AkkaFakeUsers.FakeOllama;

/// <summary>What the fake server does with the next chat/generate requests.</summary>
public enum FakeMode
{
    /// <summary>Streams (or returns) a text built by <see cref="FakeOllamaServer.Responder"/>.</summary>
    Normal,
    /// <summary>500 with an Ollama error body.</summary>
    Error500,
    /// <summary>503 as Ollama answers when its queue is full.</summary>
    Busy503,
    /// <summary>A stream line that is not JSON.</summary>
    Garbage,
    /// <summary>Streams part of the text and closes without the final "done" message.</summary>
    Truncated,
    /// <summary>Never answers (until the client gives up).</summary>
    Hang,
}

/// <summary>One chat/generate request as the fake server saw it.</summary>
public sealed record SeenRequest(string Path, string Model, bool Stream, string? System, string? User, JsonNode Body);

/// <summary>
/// An Ollama-compatible HTTP server for tests and benchmarks: Kestrel on 127.0.0.1 and a free port, speaking the real
/// API (/api/version, /api/tags, /api/pull, /api/chat, /api/generate; streamed NDJSON and single JSON). Like Ollama it
/// serves <see cref="Parallel"/> requests at once, queues up to <see cref="MaxQueue"/> more and answers 503 beyond that.
/// Latency, errors, garbage, truncated streams and hangs can be injected.
/// </summary>
public sealed class FakeOllamaServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentQueue<SeenRequest> _seen = new();
    private readonly ConcurrentDictionary<string, byte> _models = new(StringComparer.OrdinalIgnoreCase);
    private int _active, _waiting, _maxActive, _requests, _rejected503;
    private readonly ConcurrentQueue<(long From, long To)> _served = new(); // each request's slot time, Stopwatch timestamps

    private FakeOllamaServer(WebApplication app, int parallel, int maxQueue)
    {
        _app = app;
        Parallel = parallel;
        MaxQueue = maxQueue;
        _slots = new SemaphoreSlim(parallel, parallel);
    }

    public int Parallel { get; }
    public int MaxQueue { get; }
    public Uri Uri { get; private set; } = null!;

    public FakeMode Mode { get; set; } = FakeMode.Normal;
    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(5);
    public int StreamChunks { get; set; } = 6;
    /// <summary>Text for a request (default: a post-like text that names the prompt's subject).</summary>
    public Func<SeenRequest, string> Responder { get; set; } = DefaultResponder;
    /// <summary>When set, /api/pull streams progress then fails with this error.</summary>
    public string? PullError { get; set; }

    /// <summary>Highest number of chat/generate requests being processed at once (never counts queued ones).</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxActive);
    public int Requests => Volatile.Read(ref _requests);
    public int Rejected503 => Volatile.Read(ref _rejected503);
    public IReadOnlyCollection<SeenRequest> Seen => _seen.ToArray();

    /// <summary>The share of the slots' time between two Stopwatch timestamps spent serving chat/generate requests (from
    /// taking a slot to giving it back) since the last <see cref="ResetCounters"/>; ask once the requests of the span are done.</summary>
    public double BusyShare(long from, long to)
    {
        if (to <= from) return 0;
        long busy = 0;
        foreach (var (a, b) in _served) busy += Math.Max(0, Math.Min(b, to) - Math.Max(a, from));
        return busy / (double)(Parallel * (to - from));
    }
    public IReadOnlyCollection<string> Models => _models.Keys.ToArray();
    public int Pulls { get; private set; }

    public void AddModel(string name) => _models[name] = 0;

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _maxActive, 0);
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _rejected503, 0);
        _served.Clear();
        _seen.Clear();
    }

    public static async Task<FakeOllamaServer> StartAsync(int parallel = 1, int maxQueue = 512, params string[] models)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxConcurrentConnections = 10_000);
        var app = builder.Build();
        var server = new FakeOllamaServer(app, parallel, maxQueue);
        foreach (var m in models) server.AddModel(m);
        server.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Uri = new Uri(address);
        return server;
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/", () => Results.Text("Ollama is running"));
        app.MapGet("/api/version", () => Results.Json(new { version = "0.9.0-fake" }));
        app.MapGet("/api/tags", () => Results.Json(new
        {
            models = _models.Keys.Select(m => new
            {
                name = m, model = m, modified_at = "2026-01-01T00:00:00Z", size = 291_554_930L,
                digest = "sha256:" + new string('a', 64),
                details = new { format = "gguf", family = "gemma3", parameter_size = "268M", quantization_level = "Q8_0" },
            }),
        }));
        app.MapPost("/api/pull", Pull);
        app.MapPost("/api/chat", ctx => Generate(ctx, chat: true));
        app.MapPost("/api/generate", ctx => Generate(ctx, chat: false));
    }

    private async Task Pull(HttpContext ctx)
    {
        var body = await JsonNode.ParseAsync(ctx.Request.Body) ?? new JsonObject();
        var model = (string?)body["model"] ?? (string?)body["name"] ?? "";
        Pulls++;
        ctx.Response.ContentType = "application/x-ndjson";
        async Task Line(object o)
        {
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(o) + "\n");
            await ctx.Response.Body.FlushAsync();
        }
        await Line(new { status = "pulling manifest" });
        const long total = 291_554_930L;
        for (var i = 1; i <= 10; i++)
        {
            if (PullError is not null && i == 4)
            {
                await Line(new { error = PullError });
                return;
            }
            await Line(new { status = "pulling " + new string('b', 12), digest = "sha256:" + new string('b', 64), total, completed = total * i / 10 });
        }
        await Line(new { status = "verifying sha256 digest" });
        await Line(new { status = "writing manifest" });
        _models[model] = 0;
        await Line(new { status = "success" });
    }

    private async Task Generate(HttpContext ctx, bool chat)
    {
        Interlocked.Increment(ref _requests);
        var body = await JsonNode.ParseAsync(ctx.Request.Body) ?? new JsonObject();
        var model = (string?)body["model"] ?? "";
        var stream = body["stream"] is null || (bool)body["stream"]!;
        string? system = null, user = null;
        if (chat && body["messages"] is JsonArray messages)
        {
            system = messages.Where(m => (string?)m?["role"] == "system").Select(m => (string?)m?["content"]).FirstOrDefault();
            user = messages.Where(m => (string?)m?["role"] == "user").Select(m => (string?)m?["content"]).LastOrDefault();
        }
        else
        {
            system = (string?)body["system"];
            user = (string?)body["prompt"];
        }
        var seen = new SeenRequest(ctx.Request.Path, model, stream, system, user, body);
        _seen.Enqueue(seen);

        if (!_models.ContainsKey(model))
        {
            ctx.Response.StatusCode = 404;
            await ctx.Response.WriteAsJsonAsync(new { error = $"model '{model}' not found, try pulling it first" });
            return;
        }

        // Ollama's scheduler: `Parallel` at once, up to `MaxQueue` waiting, 503 beyond.
        if (Interlocked.Increment(ref _waiting) > Parallel + MaxQueue || Mode == FakeMode.Busy503)
        {
            Interlocked.Decrement(ref _waiting);
            Interlocked.Increment(ref _rejected503);
            ctx.Response.StatusCode = 503;
            await ctx.Response.WriteAsJsonAsync(new { error = "server busy, please try again.  maximum pending requests exceeded" });
            return;
        }
        try
        {
            await _slots.WaitAsync(ctx.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Decrement(ref _waiting);
            return;
        }
        var active = Interlocked.Increment(ref _active);
        var took = System.Diagnostics.Stopwatch.GetTimestamp();
        UpdateMax(active);
        try
        {
            await Serve(ctx, chat, stream, seen);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _served.Enqueue((took, System.Diagnostics.Stopwatch.GetTimestamp()));
            Interlocked.Decrement(ref _active);
            Interlocked.Decrement(ref _waiting);
            _slots.Release();
        }
    }

    private void UpdateMax(int active)
    {
        int seen;
        while (active > (seen = Volatile.Read(ref _maxActive)) && Interlocked.CompareExchange(ref _maxActive, active, seen) != seen)
        {
        }
    }

    private async Task Serve(HttpContext ctx, bool chat, bool stream, SeenRequest req)
    {
        var ct = ctx.RequestAborted;
        switch (Mode)
        {
            case FakeMode.Hang:
                await Task.Delay(Timeout.Infinite, ct);
                return;
            case FakeMode.Error500:
                await Task.Delay(Latency, ct);
                ctx.Response.StatusCode = 500;
                await ctx.Response.WriteAsJsonAsync(new { error = "llama runner process has terminated: exit status 2" }, ct);
                return;
        }

        var text = Responder(req);
        var evalCount = Math.Max(1, text.Length / 4);
        await Task.Delay(Latency, ct);
        var created = DateTime.UtcNow.ToString("O");
        object Chunk(string piece, bool done) => chat
            ? done
                ? new { model = req.Model, created_at = created, message = new { role = "assistant", content = piece }, done = true, done_reason = "stop", total_duration = (long)Latency.TotalMilliseconds * 1_000_000, load_duration = 1000L, prompt_eval_count = 20, prompt_eval_duration = 1000L, eval_count = evalCount, eval_duration = Math.Max(1L, (long)Latency.TotalMilliseconds * 1_000_000) }
                : new { model = req.Model, created_at = created, message = new { role = "assistant", content = piece }, done = false }
            : done
                ? new { model = req.Model, created_at = created, response = piece, done = true, done_reason = "stop", total_duration = (long)Latency.TotalMilliseconds * 1_000_000, eval_count = evalCount, eval_duration = Math.Max(1L, (long)Latency.TotalMilliseconds * 1_000_000) }
                : (object)new { model = req.Model, created_at = created, response = piece, done = false };

        if (!stream)
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(Chunk(text, true)), ct);
            return;
        }

        ctx.Response.ContentType = "application/x-ndjson";
        var pieces = Split(text, StreamChunks);
        for (var i = 0; i < pieces.Count; i++)
        {
            if (Mode == FakeMode.Truncated && i == pieces.Count / 2)
            {
                await ctx.Response.Body.FlushAsync(ct);
                return; // no "done": the stream just ends
            }
            if (Mode == FakeMode.Garbage && i == 1)
            {
                await ctx.Response.WriteAsync("{\"model\": \"x\", \"message\": {garbage\n", ct);
                await ctx.Response.Body.FlushAsync(ct);
                return;
            }
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(Chunk(pieces[i], false)) + "\n", ct);
            await ctx.Response.Body.FlushAsync(ct);
        }
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(Chunk("", true)) + "\n", ct);
    }

    private static List<string> Split(string text, int n)
    {
        var size = Math.Max(1, (int)Math.Ceiling(text.Length / (double)Math.Max(1, n)));
        var list = new List<string>();
        for (var i = 0; i < text.Length; i += size) list.Add(text.Substring(i, Math.Min(size, text.Length - i)));
        if (list.Count == 0) list.Add("");
        return list;
    }

    /// <summary>Answers like a small chatty model: a preamble, markdown, then a text about what the prompt asks.</summary>
    public static string DefaultResponder(SeenRequest req)
    {
        var subject = ExtractSubject(req.User ?? "");
        var isComment = req.User?.Contains("Reply to this post", StringComparison.Ordinal) == true;
        var sb = new StringBuilder();
        sb.Append("Sure! Here's a ").Append(isComment ? "comment" : "post").Append(":\n\n");
        if (isComment) sb.Append($"\"Great point about **{subject}**, I feel the same way!\"");
        else sb.Append($"\"Just spent the evening reading about **{subject}** and honestly it keeps getting better. Who else is following {subject} this week? #{new string(subject.Where(char.IsLetterOrDigit).ToArray())}\"");
        return sb.ToString();
    }

    private static string ExtractSubject(string user)
    {
        const string marker = " about ";
        var i = user.IndexOf(marker, StringComparison.Ordinal);
        if (i < 0) return "this";
        var rest = user[(i + marker.Length)..];
        var end = rest.IndexOf(" (", StringComparison.Ordinal);
        return end > 0 ? rest[..end] : rest.Split('.')[0];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
