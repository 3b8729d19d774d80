using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Bench;

/// <summary>
/// One node's feed actor serving slates: a pool of P recent posts (with likes), R readers (users with their interests and
/// follows), C requests in flight at once (closed loop: each requester asks again when answered). Prints slates per
/// second and the latency of a request (sent to answered) at p50/p99/p99.9, for the default policy mix and for each
/// policy alone, and writes them to OUT/feed.json.
/// </summary>
public static class FeedBench
{
    private sealed record Go;

    /// <summary>Keeps <paramref name="inFlight"/> requests going, timing each one, until told to stop.</summary>
    private sealed class Driver : ReceiveActor
    {
        private readonly List<double> _latencies = new(1 << 20);
        private readonly Dictionary<string, long> _sent = new();
        private long _done, _items, _candidates, _n;
        private bool _measuring, _stopping;

        public Driver(IActorRef feed, SlateRequest[] readers, int inFlight, DateTime now)
        {
            var rng = new Random(5);
            void Send()
            {
                var r = readers[rng.Next(readers.Length)];
                var id = $"{r.UserId}/session-{++_n}";
                var request = r with { SessionId = id, SlateId = id + "/slate-1", Now = now };
                _sent[request.SlateId] = Stopwatch.GetTimestamp();
                feed.Tell(request);
            }

            Receive<Go>(_ =>
            {
                for (var i = 0; i < inFlight; i++) Send();
            });
            Receive<SlateServed>(s =>
            {
                var t0 = _sent[s.SlateId];
                _sent.Remove(s.SlateId);
                if (_measuring)
                {
                    _latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    _done++;
                    _items += s.Items.Count;
                    _candidates += s.Candidates;
                }
                if (!_stopping) Send();
            });
            Receive<string>(cmd =>
            {
                if (cmd == "measure") _measuring = true;
                else if (cmd == "stop")
                {
                    _measuring = false;
                    _stopping = true;
                    Sender.Tell((_done, _items, _candidates, _latencies.ToArray()));
                }
            });
        }
    }

    public static async Task<int> RunAsync(BenchOptions o)
    {
        var users = o.Int("users");
        var pool = o.Int("pool");
        var inFlight = o.Int("in-flight");
        var seconds = o.Int("seconds");
        var candidates = o.Int("candidates");
        if (users < 1 || pool < 1 || inFlight < 1 || seconds < 1 || candidates < 1) throw new ArgumentException("--users, --pool, --in-flight, --seconds and --candidates must be >= 1");
        var now = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        var sw = Stopwatch.StartNew();
        var interests = InterestMix.Default;
        var rng = new Random(1);
        var readers = new SlateRequest[users];
        for (var i = 0; i < users; i++)
        {
            var profile = ProfileRules.Create(1, i + 1, interests);
            var follows = new HashSet<string>();
            for (var f = rng.Next(0, 21); f > 0; f--) follows.Add(ProfileRules.UserId(rng.Next(1, users + 1)));
            readers[i] = new SlateRequest(profile.UserId, "", "", 10, profile.Interests, follows, now);
        }
        Console.WriteLine($"feed bench: {users} readers made in {sw.Elapsed.TotalSeconds:F1}s; pool {pool} posts, {candidates} candidates per slate, {inFlight} requests in flight, {seconds}s per policy");

        var results = new List<object>();
        foreach (var mix in new[] { "interest=0.8, popular=0.2", "chronological", "interest", "popular", "random", "learned" })
        {
            var system = ActorSystem.Create("feed-bench", ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING"));
            try
            {
                var learned = new LearnedModel();
                for (var i = 0; i < 2000; i++) learned.Learn(new CandidateFeatures(i % 10 / 10.0, i % 7, i % 5, i % 9 == 0, i % 11 == 0), i % 10 >= 7);
                learned.Refresh();
                if (!PolicyMixText.TryParse(mix, out var choices, out var error)) throw new ArgumentException(error);
                var serving = new FeedServing(1, PolicyMix.From(choices, 0.05, learned), 0.05, candidates, 0.02, pool, TimeSpan.FromHours(6), [], learned);
                var mediator = system.ActorOf(Props.Empty, "no-mediator");
                var feed = system.ActorOf(Props.Create(() => new FeedActor(mediator, serving, TimeSpan.Zero)), "feed");
                var postRng = new Random(2);
                var names = InterestCatalog.Names.ToArray();
                for (var i = 0; i < pool; i++)
                {
                    var author = ProfileRules.UserId(postRng.Next(1, users + 1));
                    var interest = names[postRng.Next(names.Length)];
                    var subs = InterestCatalog.Get(interest).Subtopics;
                    var post = new PostPublished($"{author}/post-{i}", author, i, "A benchmark post that is long enough to count as a post.", interest,
                        subs[postRng.Next(subs.Count)], now.AddSeconds(-3600.0 * (pool - i) / pool), "builtin", "builtin-v1", postRng.NextDouble() < 0.05);
                    feed.Tell(post);
                    for (var l = (int)Math.Floor(-Math.Log(1 - postRng.NextDouble()) * 2); l > 0; l--) feed.Tell(new PostLiked(post.PostId));
                }
                var status = await feed.Ask<FeedStatus>(GetFeedStatus.Instance, TimeSpan.FromMinutes(1));
                var driver = system.ActorOf(Props.Create(() => new Driver(feed, readers, inFlight, now)), "driver");
                driver.Tell(new Go());
                await Task.Delay(TimeSpan.FromSeconds(2)); // warm-up
                var gc0 = GC.CollectionCount(0);
                driver.Tell("measure");
                var t = Stopwatch.StartNew();
                await Task.Delay(TimeSpan.FromSeconds(seconds));
                var (done, items, cands, latencies) = await driver.Ask<(long, long, long, double[])>("stop", TimeSpan.FromSeconds(30));
                var elapsed = t.Elapsed.TotalSeconds;
                Array.Sort(latencies);
                double Q(double q) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];
                var perSecond = done / elapsed;
                Console.WriteLine($"  {mix,-26} {perSecond,9:F0} slates/s   p50 {Q(0.5):F3} ms  p99 {Q(0.99):F3} ms  p99.9 {Q(0.999):F3} ms   " +
                                  $"{(double)items / Math.Max(1, done):F1} posts, {(double)cands / Math.Max(1, done):F0} candidates per slate; pool {status.Pool}; gen0 GCs {GC.CollectionCount(0) - gc0}");
                results.Add(new
                {
                    policy = mix, users, pool = status.Pool, candidates_per_slate = Math.Round((double)cands / Math.Max(1, done), 1), in_flight = inFlight, seconds = Math.Round(elapsed, 2),
                    slates = done, slates_per_s = Math.Round(perSecond), p50_ms = Math.Round(Q(0.5), 4), p99_ms = Math.Round(Q(0.99), 4), p999_ms = Math.Round(Q(0.999), 4),
                    meets_goal = perSecond >= 20_000 && Q(0.99) < 5,
                });
            }
            finally
            {
                await system.Terminate();
            }
        }
        Console.WriteLine("goal: at least 20,000 slates/s at p99 below 5 ms (100k users, 20k posts in the pool, 2 cores)");
        await o.WriteAsync("feed", results);
        return 0;
    }
}
