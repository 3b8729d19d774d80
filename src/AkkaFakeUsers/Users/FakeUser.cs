using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Simulation;

namespace AkkaFakeUsers.Users;

/// <summary>What a user needs from its node. <see cref="Mediator"/> is the DistributedPubSub mediator (a probe in tests).</summary>
public sealed record FakeUserDeps(AfuSettings Settings, ISimClock Clock, SimulationMetrics Metrics, IActorRef Gateway, IActorRef Feed, IActorRef Mediator);

/// <summary>
/// One fake user: a persistent, sharded entity. It posts on its own jittered timer (text from the LLM gateway),
/// reacts to posts the feed delivers (decisions from <see cref="Reactions"/>, seeded per user and post), and persists
/// every action as an event. State changes only through <see cref="FakeUserState.Apply"/>.
/// </summary>
public sealed class FakeUser : ReceivePersistentActor, IWithTimers
{
    private sealed record PostTick : INotInfluenceReceiveTimeout
    {
        public static readonly PostTick Instance = new();
    }

    private sealed record ReactionDue(DeliverPost Delivery, InteractionType Type, double Score);

    private sealed record PendingPost(long RequestId, long Seq, string Interest, string Subtopic);

    private const string PostTimerKey = "post";

    private readonly string _userId;
    private readonly int _index;
    private readonly FakeUserDeps _deps;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Random _timing;
    private FakeUserState _state;
    private bool _paused;
    private bool _live;
    private long _nextRequestId;
    private PendingPost? _pendingPost;
    private readonly Dictionary<long, ReactionDue> _pendingComments = new();
    private readonly HashSet<string> _planned = new(StringComparer.Ordinal);

    public FakeUser(string userId, FakeUserDeps deps)
    {
        _userId = userId;
        _index = ProfileRules.TryParseIndex(userId, out var i) ? i : 0;
        _deps = deps;
        _timing = DeterministicRandom.For(deps.Settings.Seed, "timing", userId);
        var horizon = deps.Settings.Reactions.MaxDelayOrDefault * 2 + TimeSpan.FromSeconds(60);
        _state = FakeUserState.Empty(horizon);

        Recover<UserCreated>(e => _state = _state.Apply(e));
        Recover<PostPublished>(e => _state = _state.Apply(e));
        Recover<InteractionRecorded>(e => _state = _state.Apply(e));
        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is FakeUserState s) _state = s with { Horizon = horizon };
        });
        Recover<RecoveryCompleted>(_ =>
        {
            if (_state.Exists) GoLive();
        });

        Command<EnsureUser>(OnEnsure);
        Command<PostTick>(_ => RequestPost(manual: false));
        Command<PostNow>(_ =>
        {
            if (_state.Exists) RequestPost(manual: true);
            Sender.Tell(_state.Exists ? "ok" : $"user {_userId} does not exist");
        });
        Command<TextGenerated>(OnText);
        Command<DeliverPost>(OnDelivery);
        Command<ReactionDue>(OnReactionDue);
        Command<PauseUser>(_ => Pause());
        Command<ResumeUser>(_ => Resume());
        Command<RetireUser>(_ => Retire());
        Command<GetUserState>(_ => Sender.Tell(new UserStateReply(_userId, _state.Profile, _state.Counters, _paused, _state.LastPosts)));
        Command<StopUser>(_ => Context.Stop(Self));
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => _log.Warning("snapshot of {0} failed: {1}", _userId, f.Cause.Message));
    }

    public override string PersistenceId => PersistenceIdFor(_userId);

    public static string PersistenceIdFor(string userId) => $"fake-user:{userId}";

    public ITimerScheduler Timers { get; set; } = null!;

    private AfuSettings Settings => _deps.Settings;

    // ------------------------------------------------------------------ lifecycle

    private void OnEnsure(EnsureUser cmd)
    {
        _paused = cmd.Paused;
        if (_state.Exists)
        {
            if (!_live) GoLive();
            else if (_paused) Pause();
            else if (!Timers.IsTimerActive(PostTimerKey)) ScheduleNextPost(first: true);
            return;
        }
        var profile = ProfileRules.Create(Settings.Seed, cmd.Index > 0 ? cmd.Index : _index, Settings.Interests);
        var created = new UserCreated(profile with { UserId = _userId }, profile.Bio, _deps.Clock.Now);
        Persist(created, e =>
        {
            Applied(e);
            _deps.Metrics.UserCreated();
            GoLive();
        });
    }

    private void GoLive()
    {
        if (!_live)
        {
            _live = true;
            _deps.Metrics.UserStarted();
        }
        _deps.Feed.Tell(new JoinFeed(_userId, _state.Profile!.InterestNames.ToArray(), Self));
        if (!_paused) ScheduleNextPost(first: true);
    }

    private void Pause()
    {
        _paused = true;
        Timers.CancelAll();
        _planned.Clear();
        _pendingComments.Clear();
        _pendingPost = null;
    }

    private void Resume()
    {
        if (!_paused) return;
        _paused = false;
        if (_state.Exists) ScheduleNextPost(first: true);
    }

    private void Retire()
    {
        Pause();
        _deps.Feed.Tell(new LeaveFeed(_userId));
        Context.Parent.Tell(new Passivate(StopUser.Instance));
    }

    protected override void PostStop()
    {
        if (_live) _deps.Metrics.UserStopped();
        base.PostStop();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _deps.Metrics.PersistFailure();
        // The actor stops (nothing unacknowledged is kept); the SimulationManager's next sweep wakes it again once the journal answers.
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    // ------------------------------------------------------------------ posting

    private void ScheduleNextPost(bool first)
    {
        if (_paused || !_state.Exists) return;
        var mean = Settings.PostInterval.TotalSeconds * _state.Profile!.ActivityFactor;
        var sim = first
            ? mean * _timing.NextDouble()
            : mean * (1 + Settings.PostJitter * (2 * _timing.NextDouble() - 1));
        Timers.StartSingleTimer(PostTimerKey, PostTick.Instance, _deps.Clock.Real(TimeSpan.FromSeconds(Math.Max(0.001, sim))));
    }

    /// <param name="manual">sim post: posts even while paused, and leaves the timer as it is.</param>
    private void RequestPost(bool manual)
    {
        if (!_state.Exists || (_paused && !manual)) return;
        if (!manual) ScheduleNextPost(first: false);
        if (_pendingPost is not null) return; // previous text still being written
        var seq = _state.LastPostSeq + 1;
        var rng = DeterministicRandom.For(Settings.Seed, "post", _userId, seq);
        var (interest, subtopic) = PostTopics.Choose(_state.Profile!, rng);
        var requestId = ++_nextRequestId;
        _pendingPost = new PendingPost(requestId, seq, interest, subtopic);
        var req = new ContentRequest(TextKind.Post, _userId, interest, subtopic, _state.Profile!.Persona, rng.Next());
        _deps.Gateway.Tell(new GenerateText(requestId, req), Self);
    }

    private void OnText(TextGenerated msg)
    {
        if (msg.Kind == TextKind.Post)
        {
            if (_pendingPost is not { } p || p.RequestId != msg.RequestId) return; // paused or superseded
            _pendingPost = null;
            var content = ContentRules.CutAtSentence(msg.Text.Text, ContentRules.PostMax);
            if (!ContentRules.IsValidPost(content))
            {
                _log.Warning("user {0}: generated post rejected ({1} chars)", _userId, content.Length);
                return;
            }
            var post = new PostPublished(PostIds.For(_userId, p.Seq), _userId, p.Seq, content, p.Interest, p.Subtopic,
                _deps.Clock.Now, msg.Text.GeneratedBy, msg.Text.ModelVersion);
            Persist(post, e =>
            {
                Applied(e);
                _deps.Metrics.Post();
                _deps.Mediator.Tell(new Publish(FeedTopics.Posts, e));
            });
            return;
        }

        if (!_pendingComments.Remove(msg.RequestId, out var due)) return;
        var text = ContentRules.CutAtSentence(msg.Text.Text, ContentRules.CommentMax);
        if (!ContentRules.IsValidComment(text))
        {
            _planned.Remove(InteractionRecorded.IdFor(_userId, due.Delivery.Post.PostId, InteractionType.Comment));
            return;
        }
        Record(due, text, msg.Text.GeneratedBy, msg.Text.ModelVersion);
    }

    // ------------------------------------------------------------------ reacting

    private void OnDelivery(DeliverPost d)
    {
        var post = d.Post;
        if (!_state.Exists || _paused || post.UserId == _userId) return;
        var now = _deps.Clock.Now;
        if (_state.IsStale(post.CreatedAt, now) || _state.Reacted.ContainsKey(post.PostId)) return;
        if (_planned.Contains(InteractionRecorded.IdFor(_userId, post.PostId, InteractionType.View))) return;

        var score = Matching.Score(_state.Profile!.Interests, post.Interest, post.Subtopic);
        var plan = Reactions.Decide(Settings.Reactions, score, DeterministicRandom.For(Settings.Seed, "react", _userId + "|" + post.PostId));
        if (!plan.View) return;
        Plan(d, InteractionType.View, score, plan.ViewDelay);
        if (plan.Like) Plan(d, InteractionType.Like, score, plan.LikeDelay);
        if (plan.Comment) Plan(d, InteractionType.Comment, score, plan.CommentDelay);
    }

    private void Plan(DeliverPost d, InteractionType type, double score, TimeSpan afterPost)
    {
        var id = InteractionRecorded.IdFor(_userId, d.Post.PostId, type);
        _planned.Add(id);
        Timers.StartSingleTimer(id, new ReactionDue(d, type, score), _deps.Clock.RealDelayUntil(d.Post.CreatedAt + afterPost));
    }

    private void OnReactionDue(ReactionDue due)
    {
        if (_paused || _state.HasReacted(due.Delivery.Post.PostId, due.Type)) return;
        if (due.Type != InteractionType.Comment)
        {
            Record(due, null, null, null);
            return;
        }
        var post = due.Delivery.Post;
        var requestId = ++_nextRequestId;
        _pendingComments[requestId] = due;
        var rng = DeterministicRandom.For(Settings.Seed, "comment", _userId + "|" + post.PostId);
        var req = new ContentRequest(TextKind.Comment, _userId, post.Interest, post.Subtopic, _state.Profile!.Persona, rng.Next(), post.Content, post.UserId);
        _deps.Gateway.Tell(new GenerateText(requestId, req), Self);
    }

    private void Record(ReactionDue due, string? content, string? generatedBy, string? model)
    {
        var post = due.Delivery.Post;
        var id = InteractionRecorded.IdFor(_userId, post.PostId, due.Type);
        _planned.Remove(id);
        if (_state.HasReacted(post.PostId, due.Type)) return;
        var evt = new InteractionRecorded(id, _userId, post.PostId, post.UserId, due.Type, content, due.Score,
            due.Delivery.Exploration, post.CreatedAt, _deps.Clock.Now, generatedBy, model);
        Persist(evt, e =>
        {
            Applied(e);
            switch (e.Type)
            {
                case InteractionType.View: _deps.Metrics.View(); break;
                case InteractionType.Like: _deps.Metrics.Like(); break;
                default: _deps.Metrics.Comment(); break;
            }
        });
    }

    private void Applied(IUserEvent e)
    {
        _state = _state.Apply(e);
        if (LastSequenceNr % Settings.SnapshotEvery == 0) SaveSnapshot(_state);
    }
}

/// <summary>Which interest and subtopic a user writes about next: weighted by the user's interests, favourite subtopics 60% of the time.</summary>
public static class PostTopics
{
    public static (string Interest, string Subtopic) Choose(UserProfile profile, Random rng)
    {
        var x = rng.NextDouble() * profile.Interests.Sum(i => i.Weight);
        var chosen = profile.Interests[^1];
        foreach (var i in profile.Interests)
        {
            x -= i.Weight;
            if (x < 0) { chosen = i; break; }
        }
        var catalog = InterestCatalog.Get(chosen.Interest);
        var sub = chosen.FavoriteSubtopics.Count > 0 && rng.NextDouble() < 0.6
            ? chosen.FavoriteSubtopics[rng.Next(chosen.FavoriteSubtopics.Count)]
            : catalog.Subtopics[rng.Next(catalog.Subtopics.Count)];
        return (chosen.Interest, sub);
    }
}
