using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.FakeOllama;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Tests.Support;

namespace AkkaFakeUsers.Tests.Llm;

/// <summary>The gateway actor in front of the real Ollama client and the fake server.</summary>
public class LlmGatewayTests : TestKit, IAsyncLifetime
{
    private const string Model = "gemma3:270m";
    private FakeOllamaServer _server = null!;
    private OllamaGenerator _gen = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOllamaServer.StartAsync(parallel: 2, maxQueue: 64, Model);
        _gen = new OllamaGenerator(_server.Uri, Model);
    }

    public async Task DisposeAsync()
    {
        _gen.Dispose();
        await _server.DisposeAsync();
    }

    private IActorRef Gateway(LlmSettings s) => Sys.ActorOf(Props.Create(() => new LlmGatewayActor(_gen, s)));

    private static GenerateText Req(long id, TextKind kind = TextKind.Post) =>
        new(id, new ContentRequest(kind, "user-1", "tech", "AI", new Persona("casual", 0, 0), (int)id, kind == TextKind.Comment ? "a post about AI models" : null));

    private List<TextGenerated> Collect(int n, TimeSpan within) => Enumerable.Range(0, n).Select(_ => ExpectMsg<TextGenerated>(within)).ToList();

    private LlmStatus Status(IActorRef gw)
    {
        gw.Tell(GetLlmStatus.Instance);
        return ExpectMsg<LlmStatus>();
    }

    [Fact]
    public void The_server_never_sees_more_concurrent_requests_than_configured()
    {
        _server.Latency = TimeSpan.FromMilliseconds(60);
        var gw = Gateway(TestSettings.Gateway(MaxInFlight: 2, MaxQueue: 100, Timeout: TimeSpan.FromSeconds(10)));
        for (var i = 0; i < 30; i++) gw.Tell(Req(i, i % 3 == 0 ? TextKind.Comment : TextKind.Post));
        var replies = Collect(30, TimeSpan.FromSeconds(20));
        Assert.All(replies, r =>
        {
            Assert.Equal("ollama", r.Text.GeneratedBy);
            Assert.Equal(Model, r.Text.ModelVersion);
            Assert.Null(r.FallbackReason);
        });
        Assert.Equal(30, replies.Select(r => r.RequestId).Distinct().Count());
        Assert.Equal(2, _server.MaxConcurrent);
        Assert.Equal(0, _server.Rejected503);
        var status = Status(gw);
        Assert.Equal(30, status.Successes);
        Assert.Equal(2, status.MaxInFlightSeen);
        Assert.True(status.LatencyP99Ms >= 60);
        Assert.NotNull(status.TokensPerSecond);
    }

    [Fact]
    public void Calls_kept_waiting_in_the_servers_queue_never_make_it_generate_more_than_max_in_flight_or_answer_503()
    {
        _server.Latency = TimeSpan.FromMilliseconds(60);
        var gw = Gateway(TestSettings.Gateway(MaxInFlight: 2, MaxQueue: 100, Timeout: TimeSpan.FromSeconds(10), ServerQueue: 1));
        for (var i = 0; i < 30; i++) gw.Tell(Req(i));
        var replies = Collect(30, TimeSpan.FromSeconds(20));
        Assert.All(replies, r => Assert.Null(r.FallbackReason));
        Assert.Equal(30, replies.Select(r => r.RequestId).Distinct().Count());
        // three calls at the server (two generating, one in its queue, started the moment a slot frees), never a 503
        Assert.Equal(3, Status(gw).MaxInFlightSeen);
        Assert.Equal(2, _server.MaxConcurrent);
        Assert.Equal(0, _server.Rejected503);
    }

    [Fact]
    public void A_full_queue_answers_at_once_with_labelled_builtin_text()
    {
        _server.Latency = TimeSpan.FromMilliseconds(1500);
        var gw = Gateway(TestSettings.Gateway(MaxInFlight: 1, MaxQueue: 2, Timeout: TimeSpan.FromSeconds(10)));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 10; i++) gw.Tell(Req(i));
        // 1 running + 2 queued; the other 7 come back at once, long before the first Ollama answer.
        var immediate = Collect(7, TimeSpan.FromSeconds(1));
        Assert.True(sw.Elapsed < TimeSpan.FromMilliseconds(1500), $"fallbacks took {sw.Elapsed}");
        Assert.All(immediate, r =>
        {
            Assert.Equal("builtin", r.Text.GeneratedBy);
            Assert.Equal("queue-full", r.FallbackReason);
        });
        var rest = Collect(3, TimeSpan.FromSeconds(10));
        Assert.All(rest, r => Assert.Equal("ollama", r.Text.GeneratedBy));
        Assert.Equal(1, _server.MaxConcurrent);
    }

    [Fact]
    public void Comments_jump_the_queue_ahead_of_posts()
    {
        _server.Latency = TimeSpan.FromMilliseconds(150);
        var gw = Gateway(TestSettings.Gateway(MaxInFlight: 1, MaxQueue: 10, Timeout: TimeSpan.FromSeconds(10)));
        gw.Tell(Req(1));
        gw.Tell(Req(2));
        gw.Tell(Req(3));
        gw.Tell(Req(4, TextKind.Comment));
        var order = Collect(4, TimeSpan.FromSeconds(5)).Select(r => r.RequestId).ToList();
        Assert.Equal([1L, 4L, 2L, 3L], order);
    }

    [Theory]
    [InlineData(FakeMode.Error500, "http-500")]
    [InlineData(FakeMode.Busy503, "http-503")]
    [InlineData(FakeMode.Garbage, "garbage")]
    [InlineData(FakeMode.Truncated, "truncated")]
    [InlineData(FakeMode.Hang, "timeout")]
    public void Failures_retry_then_open_the_breaker_fall_back_and_recover(FakeMode mode, string kind)
    {
        _server.Mode = mode;
        var gw = Gateway(TestSettings.Gateway(MaxInFlight: 1, MaxQueue: 50, Timeout: TimeSpan.FromMilliseconds(300),
            MaxAttempts: 2, RetryBaseDelay: TimeSpan.FromMilliseconds(20), BreakerMaxFailures: 3, BreakerReset: TimeSpan.FromSeconds(1)));
        for (var i = 0; i < 6; i++) gw.Tell(Req(i));
        var replies = Collect(6, TimeSpan.FromSeconds(10));
        Assert.All(replies, r => Assert.Equal("builtin", r.Text.GeneratedBy));
        Assert.Contains(replies, r => r.FallbackReason == kind);
        Assert.Contains(replies, r => r.FallbackReason == "breaker-open");
        var open = Status(gw);
        Assert.Equal("open", open.Breaker);
        Assert.True(open.FailuresByKind[kind] >= 3);
        Assert.True(open.Retries >= 1);

        // While open, nothing reaches the server.
        var before = _server.Requests;
        gw.Tell(Req(100));
        Assert.Equal("breaker-open", ExpectMsg<TextGenerated>().FallbackReason);
        Assert.Equal(before, _server.Requests);

        // The server recovers; after the reset time one probe goes through and closes the circuit.
        _server.Mode = FakeMode.Normal;
        AwaitAssert(() => Assert.Equal("half-open", Status(gw).Breaker), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
        gw.Tell(Req(200));
        var probe = ExpectMsg<TextGenerated>(TimeSpan.FromSeconds(5));
        Assert.Equal("ollama", probe.Text.GeneratedBy);
        Assert.Equal("closed", Status(gw).Breaker);
    }

    [Fact]
    public void A_503_burst_is_ridden_out_by_retries_with_back_off()
    {
        _server.Mode = FakeMode.Busy503;
        var gw = Gateway(TestSettings.Gateway(MaxInFlight: 1, MaxQueue: 10, Timeout: TimeSpan.FromSeconds(5),
            MaxAttempts: 6, RetryBaseDelay: TimeSpan.FromMilliseconds(100), BreakerMaxFailures: 10));
        gw.Tell(Req(1));
        Thread.Sleep(250);
        _server.Mode = FakeMode.Normal;
        var reply = ExpectMsg<TextGenerated>(TimeSpan.FromSeconds(10));
        Assert.Equal("ollama", reply.Text.GeneratedBy);
        Assert.True(Status(gw).Retries >= 1);
    }

    [Fact]
    public void A_rate_limit_spaces_calls_out()
    {
        _server.Latency = TimeSpan.FromMilliseconds(1);
        var gw = Gateway(TestSettings.Gateway(MaxInFlight: 4, MaxQueue: 50, Timeout: TimeSpan.FromSeconds(5), RateLimit: 10));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 12; i++) gw.Tell(Req(i));
        var replies = Collect(12, TimeSpan.FromSeconds(10));
        Assert.All(replies, r => Assert.Equal("ollama", r.Text.GeneratedBy));
        // 10/s with a bucket of 10: the last two wait for refills (>= ~0.2 s).
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(150), $"{sw.Elapsed}");
    }

    /// <summary>A primary that writes texts of a fixed length (a broken generator, whichever it is).</summary>
    private sealed class FixedLength(int length) : IContentGenerator
    {
        public string Name => "builtin";
        public string Model => "test";
        public Task<GeneratedText> GenerateAsync(ContentRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new GeneratedText(new string('a', length), Name, Model));
    }

    [Fact]
    public void The_success_rate_is_undefined_before_any_attempt_and_counts_texts_that_break_the_rules_as_failures()
    {
        var s = TestSettings.Gateway(MaxInFlight: 1, MaxQueue: 10, Timeout: TimeSpan.FromSeconds(5), MaxAttempts: 1, BreakerMaxFailures: 100);
        var good = Sys.ActorOf(Props.Create(() => new LlmGatewayActor(new BuiltInGenerator(), s, null)));
        Assert.Null(Status(good).SuccessRate);
        for (var i = 0; i < 5; i++) good.Tell(Req(i));
        Collect(5, TimeSpan.FromSeconds(5));
        Assert.Equal(1.0, Status(good).SuccessRate);

        // a primary whose posts are 10 characters: every attempt fails the text rules and the fallback answers
        var broken = Sys.ActorOf(Props.Create(() => new LlmGatewayActor(new FixedLength(10), s, null)));
        for (var i = 0; i < 4; i++) broken.Tell(Req(i));
        var replies = Collect(4, TimeSpan.FromSeconds(5));
        Assert.All(replies, r => Assert.Equal("invalid-output", r.FallbackReason));
        Assert.All(replies, r => Assert.True(ContentRules.IsValidPost(r.Text.Text)));
        var status = Status(broken);
        Assert.Equal(0.0, status.SuccessRate);
        Assert.Equal(4, status.FailuresByKind["invalid-output"]);
    }

    [Fact]
    public async Task A_status_ask_that_times_out_is_counted_and_logged_not_hidden()
    {
        var registry = new Akka.Hosting.ActorRegistry();
        registry.Register<LlmGatewayActor>(CreateTestProbe().Ref); // never answers
        var metrics = new AkkaFakeUsers.Observability.NodeMetrics();
        var warnings = new List<string>();
        var reply = await AkkaFakeUsers.Hosting.ActorRegistryExtensions.TryAskAsync<LlmGatewayActor, LlmStatus>(registry, GetLlmStatus.Instance,
            TimeSpan.FromMilliseconds(200), metrics, warnings.Add);
        Assert.Null(reply);
        Assert.Equal(1, metrics.AskFailures.WithLabels(nameof(LlmGatewayActor)).Value);
        Assert.Contains(warnings, w => w.Contains("status of LlmGatewayActor unavailable"));
        Assert.Matches(@"afu_status_ask_failures_total\{actor=""LlmGatewayActor""\} 1", await metrics.ExportAsync(CancellationToken.None));
    }
}
