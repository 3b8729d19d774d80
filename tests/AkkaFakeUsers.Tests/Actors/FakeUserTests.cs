using AkkaFakeUsers.Storage;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit.Xunit2;
using AkkaFakeUsers.Clock;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Actors;

/// <summary>The FakeUserActor actor on a real journal (Akka.Persistence.Sql on a temp SQLite file).</summary>
public class FakeUserTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed record Harness(TestNode Node, TestKit Kit, Akka.TestKit.TestProbe Feed, Akka.TestKit.TestProbe Mediator, FakeUserDeps Deps, UserMetrics Metrics) : IAsyncDisposable
    {
        public IActorRef User(string id) => Node.System.ActorOf(Props.Create(() => new FakeUserActor(id, Deps)), id);

        public async ValueTask DisposeAsync() => await Node.DisposeAsync();
    }

    private async Task<Harness> Start(AfuSettings settings)
    {
        var node = await TestNode.StartAsync(settings);
        var kit = new TestKit(node.System, output);
        var feed = kit.CreateTestProbe();
        var mediator = kit.CreateTestProbe();
        var metrics = new UserMetrics();
        var gateway = node.System.ActorOf(Props.Create(() => new LlmGatewayActor(new BuiltInGenerator(), TestSettings.Gateway(1, 100, TimeSpan.FromSeconds(5)))));
        // a fixed simulated start: how often a user posts follows the daily curve, so a clock started at the real time
        // made these tests depend on the hour they ran at (at 22:00 UTC user-5's next post was five simulated hours away)
        var clock = new SimulationClock(settings.TimeScale, SimulatedNoon);
        node.System.ActorOf(Props.Create(() => new ClockDriverActor(clock, settings.ClockSettings, null, Array.Empty<BacklogGauge>(), Array.Empty<string>(), false)));
        var deps = new FakeUserDeps(settings.UserRules(), clock, metrics, gateway, feed, mediator);
        return new Harness(node, kit, feed, mediator, deps, metrics);
    }

    private static readonly DateTime SimulatedNoon = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private AfuSettings Settings(double timeScale = 600, TimeSpan? interval = null) =>
        TestSettings.Defaults(_dir.Path, seed: 7, timeScale: timeScale) with { PostInterval = interval ?? TimeSpan.FromSeconds(60) };

    private static PostPublished ExpectPost(Akka.TestKit.TestProbe mediator, TimeSpan within)
    {
        var publish = mediator.ExpectMsg<Publish>(within);
        Assert.Equal(FeedTopics.Posts, publish.Topic);
        return Assert.IsType<PostPublished>(publish.Message);
    }

    [Fact]
    public async Task A_new_user_is_created_joins_the_feed_and_posts_on_its_timer()
    {
        await using var h = await Start(Settings());
        var user = h.User("user-3");
        user.Tell(new EnsureUser("user-3", 3));

        var join = h.Feed.ExpectMsg<JoinFeed>(TimeSpan.FromSeconds(10));
        var expected = ProfileRules.Create(7, 3, h.Deps.Rules.Interests);
        Assert.Equal("user-3", join.UserId);

        var posts = Enumerable.Range(0, 3).Select(_ => ExpectPost(h.Mediator, TimeSpan.FromSeconds(30))).ToList();
        Assert.Equal(["user-3/post-1", "user-3/post-2", "user-3/post-3"], posts.Select(p => p.PostId));
        Assert.All(posts, p =>
        {
            Assert.Equal("user-3", p.UserId);
            Assert.InRange(p.Content.Length, 50, 500);
            Assert.Contains(p.Interest, expected.InterestNames);
            Assert.Equal("builtin", p.GeneratedBy);
        });

        var state = await user.Ask<UserStateReply>(new GetUserState("user-3"), TimeSpan.FromSeconds(5));
        Assert.Equal(expected.Username, state.Profile!.Username);
        Assert.True(state.Counters.Posts >= 3);
    }

    [Fact]
    public async Task A_user_recovers_its_state_after_the_system_restarts_and_resumes_posting()
    {
        UserStateReply before;
        long lastSeq;
        await using (var h1 = await Start(Settings()))
        {
            var user = h1.User("user-5");
            user.Tell(new EnsureUser("user-5", 5));
            var posts = Enumerable.Range(0, 4).Select(_ => ExpectPost(h1.Mediator, TimeSpan.FromSeconds(30))).ToList();
            user.Tell(new PauseUser("user-5"));
            before = await user.Ask<UserStateReply>(new GetUserState("user-5"), TimeSpan.FromSeconds(5));
            lastSeq = before.Counters.Posts;
            Assert.True(lastSeq >= 4);
            Assert.Equal(posts[^1].Content, before.LastPosts.Contains(posts[^1].Content) ? posts[^1].Content : null);
        }

        await using var h2 = await Start(Settings());
        var again = h2.User("user-5");
        // No EnsureUser: recovery alone brings the user back to life (timer and feed).
        var after = await again.Ask<UserStateReply>(new GetUserState("user-5"), TimeSpan.FromSeconds(10));
        Assert.Equal(before.Profile!.Username, after.Profile!.Username);
        Assert.Equal(before.Profile.Interests.Select(i => i.Interest), after.Profile.Interests.Select(i => i.Interest));
        Assert.Equal(before.Counters, after.Counters);
        Assert.Equal(before.LastPosts, after.LastPosts);
        h2.Feed.ExpectMsg<JoinFeed>(TimeSpan.FromSeconds(5));
        var next = ExpectPost(h2.Mediator, TimeSpan.FromSeconds(30));
        Assert.Equal($"user-5/post-{lastSeq + 1}", next.PostId);
    }

    [Fact]
    public async Task A_user_new_to_the_journal_skips_recovery_and_one_created_meanwhile_is_recovered_fully()
    {
        var settings = Settings();
        var store = new TrainingStore(SqlDialect.Sqlite, StoreConnection.SqliteConnectionString(settings.SqlitePath));
        KnownUsers staleView;
        await using (var h1 = await Start(settings))
        {
            // a view of the journal taken before user-11 exists: what a node that started earlier believes
            staleView = await store.Journal.KnownUsersAsync();
            var deps = h1.Deps with { Known = await store.Journal.KnownUsersAsync() };
            var user = h1.Node.System.ActorOf(Props.Create(() => new FakeUserActor("user-11", deps)), "user-11");
            user.Tell(new EnsureUser("user-11", 11));
            ExpectPost(h1.Mediator, TimeSpan.FromSeconds(30)); // the fresh user was created without a recovery, and posts
            user.Tell(new PauseUser("user-11"));
            await user.Ask<UserStateReply>(new GetUserState("user-11"), TimeSpan.FromSeconds(5));
        }

        await using var h2 = await Start(settings);
        Assert.Equal(1, (await store.Journal.KnownUsersAsync()).Count);
        var stale = h2.Deps with { Known = staleView };
        // believed new, but the journal has its events: it stops instead of acting on an empty state…
        var first = h2.Node.System.ActorOf(Props.Create(() => new FakeUserActor("user-11", stale)), "user-11-a");
        h2.Kit.Watch(first);
        h2.Kit.ExpectTerminated(first, TimeSpan.FromSeconds(10));
        // …and the next start recovers it fully
        var second = h2.Node.System.ActorOf(Props.Create(() => new FakeUserActor("user-11", stale)), "user-11-b");
        var reply = await second.Ask<UserStateReply>(new GetUserState("user-11"), TimeSpan.FromSeconds(10));
        Assert.NotNull(reply.Profile);
        Assert.True(reply.Counters.Posts >= 1);
    }

    [Fact]
    public async Task A_user_snapshots_every_n_events_keeps_the_newest_two_and_recovers_from_them()
    {
        var settings = Settings() with { SnapshotEvery = 3 };
        UserStateReply before;
        await using (var h1 = await Start(settings))
        {
            var user = h1.User("user-8");
            user.Tell(new EnsureUser("user-8", 8));
            for (var i = 0; i < 10; i++) ExpectPost(h1.Mediator, TimeSpan.FromSeconds(30));
            user.Tell(new PauseUser("user-8"));
            before = await user.Ask<UserStateReply>(new GetUserState("user-8"), TimeSpan.FromSeconds(5));
            // 11+ events: a snapshot was taken at every third (3, 6, 9, …); only the newest two stay, the journal keeps every event.
            using var db = new Db(Path.Combine(_dir.Path, "afu.db"));
            var events = db.Scalar("SELECT COUNT(*) FROM journal WHERE persistence_id = 'fake-user:user-8'");
            Assert.True(events >= 11, $"{events} events");
            var newest = events / 3 * 3;
            var kept = SnapshotSequenceNrs("user-8");
            for (var i = 0; i < 50 && !kept.SequenceEqual([newest - 3, newest]); i++) // written and deleted asynchronously
            {
                await Task.Delay(100);
                kept = SnapshotSequenceNrs("user-8");
            }
            Assert.True(kept.SequenceEqual([newest - 3, newest]), $"{events} events, snapshots kept: {string.Join(",", kept)}");
        }
        await using var h2 = await Start(settings);
        var after = await h2.User("user-8").Ask<UserStateReply>(new GetUserState("user-8"), TimeSpan.FromSeconds(10));
        Assert.Equal(before.Counters, after.Counters);
        Assert.Equal(before.Profile!.Username, after.Profile!.Username);
    }

    private List<long> SnapshotSequenceNrs(string userId)
    {
        using var db = new Db(Path.Combine(_dir.Path, "afu.db"));
        return db.Rows($"SELECT sequence_number FROM snapshot WHERE persistence_id = 'fake-user:{userId}' ORDER BY sequence_number", r => r.GetInt64(0));
    }

    private static PostPublished PostBy(string author, int n, string interest, string subtopic, DateTime at) =>
        new($"{author}/post-{n}", author, n, $"A post about {subtopic} number {n}, long enough to be a real post.", interest, subtopic, at, "builtin", "builtin-v1");

    private static async Task<UserCounters> Settle(IActorRef user, string id)
    {
        UserCounters last = UserCounters.Zero;
        for (var i = 0; i < 50; i++)
        {
            await Task.Delay(200);
            var now = (await user.Ask<UserStateReply>(new GetUserState(id), TimeSpan.FromSeconds(5))).Counters;
            if (now == last && i > 2) return now;
            last = now;
        }
        return last;
    }

    /// <summary>Answers the user's next slate request with these posts (the feed is a probe here).</summary>
    private static SlateRequest Serve(Harness h, Func<SlateRequest, PostPublished[]> posts, string policy = "interest")
    {
        var request = h.Feed.FishForMessage<SlateRequest>(m => m is SlateRequest, TimeSpan.FromSeconds(15));
        var items = posts(request).Select((p, i) => new SlateItem(p, i + 1, 1, 0.5, new CandidateFeatures(0.9, 0, 0, false, false))).ToArray();
        h.Feed.LastSender.Tell(new SlateServed(request.SlateId, request.SessionId, policy, 20, false, items));
        return request;
    }

    private AfuSettings Reading(AfuSettings s) => s with
    {
        Reactions = new ReactionSettings(InteractionProbability: 1.0, LikeBase: 1.0, LikeSlope: 0, CommentBase: 0, CommentSlope: 0),
        Sessions = s.Sessions with { Interval = TimeSpan.FromSeconds(30), Examination = ExaminationModel.Flat, FlatExamination = 1.0 },
    };

    [Fact]
    public async Task A_user_opens_sessions_on_its_timer_and_a_served_slate_is_persisted_as_impressions_and_interactions()
    {
        var settings = Reading(Settings(interval: TimeSpan.FromHours(10)));
        await using var h = await Start(settings);
        var user = h.User("user-4");
        user.Tell(new EnsureUser("user-4", 4));
        h.Feed.ExpectMsg<JoinFeed>(TimeSpan.FromSeconds(10));
        var profile = ProfileRules.Create(7, 4, h.Deps.Rules.Interests);

        var first = Serve(h, r => [PostBy("user-77", 1, profile.PrimaryInterest, "x", r.Now), PostBy("user-78", 1, profile.PrimaryInterest, "y", r.Now)]);
        Assert.Equal("user-4/session-1/slate-1", first.SlateId);
        Assert.Equal(settings.Sessions.SlateSize, first.Size);
        var second = Serve(h, r => [PostBy("user-77", 1, profile.PrimaryInterest, "x", r.Now)]);
        Assert.Equal("user-4/session-2/slate-1", second.SlateId);

        var counters = await Settle(user, "user-4");
        Assert.Equal(2, counters.Slates);
        // the post shown twice was opened and liked once
        Assert.Equal((2L, 2L), (counters.Views, counters.Likes));
        Assert.Equal(2, h.Metrics.Slates);
        Assert.Equal(3, h.Metrics.Impressions);

        // the likes went out on the likes topic, for every node's feed to count
        var likes = new List<string>();
        h.Mediator.FishForMessage<Publish>(m =>
        {
            if (m is Publish { Topic: FeedTopics.Likes, Message: PostLiked l }) likes.Add(l.PostId);
            return likes.Count == 2;
        }, TimeSpan.FromSeconds(5));
        Assert.Equal(["user-77/post-1", "user-78/post-1"], likes.Order());
    }

    [Fact]
    public async Task Paused_users_neither_post_nor_open_sessions_until_resumed()
    {
        var settings = Reading(Settings());
        await using var h = await Start(settings);
        var user = h.User("user-6");
        user.Tell(new EnsureUser("user-6", 6, Paused: true));
        h.Feed.ExpectMsg<JoinFeed>(TimeSpan.FromSeconds(10));
        var profile = ProfileRules.Create(7, 6, h.Deps.Rules.Interests);
        h.Mediator.ExpectNoMsg(TimeSpan.FromSeconds(1));
        h.Feed.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(UserCounters.Zero, await Settle(user, "user-6"));

        user.Tell(new ResumeUser("user-6"));
        Serve(h, r => [PostBy("user-70", 2, profile.PrimaryInterest, "x", r.Now)]);
        UserCounters counters = UserCounters.Zero;
        for (var i = 0; i < 100 && counters.Likes < 1; i++)
        {
            await Task.Delay(100);
            counters = (await user.Ask<UserStateReply>(new GetUserState("user-6"), TimeSpan.FromSeconds(5))).Counters;
        }
        Assert.Equal((1L, 1L, 1L), (counters.Slates, counters.Views, counters.Likes));
    }
}
