using System.Collections.Immutable;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Users;

/// <summary>The user's rules straight on <see cref="FakeUserDecider"/>: no actor system, no journal.</summary>
public class FakeUserDeciderTests
{
    private static readonly DateTime T0 = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly UserRules DefaultRules = TestSettings.Defaults("").UserRules();

    private static UserContext Ctx(DateTime? now = null, UserRules? rules = null, string user = "user-3") =>
        new(user, ProfileRules.TryParseIndex(user, out var i) ? i : 0, rules ?? DefaultRules, now ?? T0, T0);

    /// <summary>A user as it stands after it was created and went live.</summary>
    private static (FakeUserState State, UserRuntime Runtime) Live(UserRules? rules = null, string user = "user-3", bool paused = false)
    {
        var d = FakeUserDecider.Decide(FakeUserState.Empty, UserRuntime.Initial, new EnsureUser(user, 0, paused), Ctx(rules: rules, user: user));
        return (FakeUserState.Empty.ApplyAll(d.Events, rules ?? DefaultRules), d.Runtime);
    }

    private static UserRules Certain(bool comment = false, double follow = 0, double reply = 0) => DefaultRules with
    {
        Reactions = new ReactionSettings(InteractionProbability: 1.0, LikeBase: 1.0, LikeSlope: 0, CommentBase: comment ? 1 : 0, CommentSlope: 0),
        Behaviour = DefaultRules.Behaviour with
        {
            Follow = new FollowSettings(Enabled: follow > 0, Base: follow, Slope: 0),
            Threads = new ThreadSettings(Enabled: reply > 0, ReplyProbability: reply, Decay: 1, MaxDepth: 5),
        },
    };

    private static PostPublished Post(string author, int n, string interest, DateTime at, string subtopic = "x") =>
        new($"{author}/post-{n}", author, n, $"A post about {subtopic} number {n}, long enough to be a real post.", interest, subtopic, at, "builtin", "builtin-v2");

    private static TextGenerated Text(long requestId, TextKind kind, string text) => new(requestId, kind, new GeneratedText(text, "builtin", "builtin-v2"), null);

    [Fact]
    public void Ensuring_a_new_user_creates_it_from_the_seed_joins_the_feed_and_schedules_its_first_post()
    {
        var d = FakeUserDecider.Decide(FakeUserState.Empty, UserRuntime.Initial, new EnsureUser("user-3", 3), Ctx());

        var created = Assert.IsType<UserCreated>(Assert.Single(d.Events));
        var expected = ProfileRules.Create(DefaultRules.Seed, 3, DefaultRules.Interests, DefaultRules.Behaviour.Activity);
        Assert.Equal(expected.Username, created.Profile.Username);
        Assert.Equal("user-3", created.UserId);
        Assert.Equal(T0, created.CreatedAt);
        Assert.True(d.Runtime.Live);
        var join = Assert.IsType<JoinTheFeed>(d.Effects[0]);
        Assert.Equal(expected.InterestNames, join.Interests);
        var timer = Assert.IsType<StartTimer>(d.Effects[1]);
        Assert.Equal(FakeUserDecider.PostTimerKey, timer.Key);
        Assert.IsType<PostTick>(timer.Message);
        Assert.True(timer.Due > T0);
        Assert.True(d.Runtime.PostTimerSet);
    }

    [Fact]
    public void Ensuring_an_existing_live_user_creates_nothing_and_a_paused_one_gets_no_post_timer()
    {
        var (state, rt) = Live();
        var again = FakeUserDecider.Decide(state, rt, new EnsureUser("user-3", 3), Ctx());
        Assert.Empty(again.Events);
        Assert.Empty(again.Effects); // timer already set

        var paused = FakeUserDecider.Decide(FakeUserState.Empty, UserRuntime.Initial, new EnsureUser("user-3", 3, Paused: true), Ctx());
        Assert.Single(paused.Events);
        Assert.DoesNotContain(paused.Effects, e => e is StartTimer);
        Assert.True(paused.Runtime.Paused);
    }

    [Fact]
    public void A_post_tick_asks_for_text_and_the_text_becomes_a_post_published_once_stored()
    {
        var (state, rt) = Live();
        var tick = FakeUserDecider.Decide(state, rt, PostTick.Instance, Ctx());
        Assert.Empty(tick.Events);
        Assert.Contains(tick.Effects, e => e is StartTimer { Key: FakeUserDecider.PostTimerKey });
        var ask = tick.Effects.OfType<AskForText>().Single().Request;
        Assert.Equal(TextKind.Post, ask.Request.Kind);
        Assert.Contains(ask.Request.Interest, state.Profile!.InterestNames);

        // a second tick while the text is being written asks for nothing more
        Assert.Empty(FakeUserDecider.Decide(state, tick.Runtime, PostTick.Instance, Ctx()).Effects.OfType<AskForText>());

        var text = new string('a', 80) + ". The end.";
        var done = FakeUserDecider.Decide(state, tick.Runtime, Text(ask.RequestId, TextKind.Post, text), Ctx(T0.AddSeconds(5)));
        var post = Assert.IsType<PostPublished>(Assert.Single(done.Events));
        Assert.Equal("user-3/post-1", post.PostId);
        Assert.Equal(ask.Request.Interest, post.Interest);
        Assert.Equal(T0.AddSeconds(5), post.CreatedAt);
        var publish = Assert.IsType<PublishOn>(Assert.Single(done.Effects));
        Assert.Equal(FeedTopics.Posts, publish.Topic);
        Assert.Same(post, publish.Message);
        Assert.Null(done.Runtime.PendingPost);

        // the same answer again (or one for another request) changes nothing
        Assert.Empty(FakeUserDecider.Decide(state, done.Runtime, Text(ask.RequestId, TextKind.Post, text), Ctx()).Events);
    }

    [Fact]
    public void A_generated_post_that_breaks_the_content_rules_is_rejected_with_a_warning()
    {
        var (state, rt) = Live();
        var tick = FakeUserDecider.Decide(state, rt, PostTick.Instance, Ctx());
        var ask = tick.Effects.OfType<AskForText>().Single().Request;
        var d = FakeUserDecider.Decide(state, tick.Runtime, Text(ask.RequestId, TextKind.Post, "too short"), Ctx());
        Assert.Empty(d.Events);
        Assert.IsType<Warn>(Assert.Single(d.Effects));
    }

    [Fact]
    public void Post_now_posts_even_when_paused_and_says_when_the_user_does_not_exist()
    {
        var (state, rt) = Live(paused: true);
        var d = FakeUserDecider.Decide(state, rt, new PostNow("user-3"), Ctx());
        Assert.Single(d.Effects.OfType<AskForText>());
        Assert.DoesNotContain(d.Effects, e => e is StartTimer);
        Assert.Equal("ok", Assert.IsType<ReplyWith>(d.Effects[^1]).Message);

        var none = FakeUserDecider.Decide(FakeUserState.Empty, UserRuntime.Initial, new PostNow("user-3"), Ctx());
        Assert.Equal("user user-3 does not exist", Assert.IsType<ReplyWith>(Assert.Single(none.Effects)).Message);
    }

    [Fact]
    public void A_delivered_matching_post_plans_view_and_like_at_the_reaction_delays_and_only_once()
    {
        var rules = Certain();
        var (state, rt) = Live(rules);
        var post = Post("user-9", 1, state.Profile!.PrimaryInterest, T0);
        var d = FakeUserDecider.Decide(state, rt, new DeliverPost("user-3", post, false), Ctx(rules: rules));
        Assert.Empty(d.Events);
        var timers = d.Effects.OfType<StartTimer>().ToList();
        Assert.Equal([InteractionType.View, InteractionType.Like], timers.Select(t => ((ReactionDue)t.Message).Type));
        Assert.All(timers, t => Assert.InRange(t.Due, T0, T0 + rules.Reactions.MaxDelayOrDefault));
        Assert.Equal(["user-3/view/user-9/post-1", "user-3/like/user-9/post-1"], timers.Select(t => t.Key));
        Assert.Equal(timers.Select(t => t.Key).ToHashSet(), d.Runtime.Planned.ToHashSet());

        Assert.Empty(FakeUserDecider.Decide(state, d.Runtime, new DeliverPost("user-3", post, false), Ctx(rules: rules)).Effects);
    }

    [Fact]
    public void Own_stale_and_already_reacted_posts_are_ignored_and_the_horizon_comes_from_the_rules()
    {
        var rules = Certain();
        var (state, rt) = Live(rules);
        var interest = state.Profile!.PrimaryInterest;
        Assert.Empty(FakeUserDecider.Decide(state, rt, new DeliverPost("user-3", Post("user-3", 1, interest, T0), false), Ctx(rules: rules)).Effects);

        var old = Post("user-9", 2, interest, T0 - rules.Horizon - TimeSpan.FromSeconds(1));
        Assert.Empty(FakeUserDecider.Decide(state, rt, new DeliverPost("user-3", old, false), Ctx(rules: rules)).Effects);
        // a longer reaction delay in the rules widens the horizon: the same post is now fresh enough
        var patient = rules with { Reactions = rules.Reactions with { MaxDelay = TimeSpan.FromHours(1) } };
        Assert.NotEmpty(FakeUserDecider.Decide(state, rt, new DeliverPost("user-3", old, false), Ctx(rules: patient)).Effects);

        var seen = Post("user-9", 3, interest, T0);
        var view = new ReactionDue(new DeliverPost("user-3", seen, false), InteractionType.View, 1.0);
        var viewed = FakeUserDecider.Decide(state, rt, view, Ctx(rules: rules));
        var after = state.ApplyAll(viewed.Events, rules);
        Assert.Empty(FakeUserDecider.Decide(after, viewed.Runtime, new DeliverPost("user-3", seen, false), Ctx(rules: rules)).Effects);
        Assert.Empty(FakeUserDecider.Decide(after, viewed.Runtime, view, Ctx(rules: rules)).Events);
    }

    [Fact]
    public void A_due_like_is_recorded_and_may_bring_a_follow_of_the_author_in_the_same_decision()
    {
        var rules = Certain(follow: 1.0);
        var (state, rt) = Live(rules);
        var post = Post("user-9", 1, state.Profile!.PrimaryInterest, T0);
        var d = FakeUserDecider.Decide(state, rt, new ReactionDue(new DeliverPost("user-3", post, true), InteractionType.Like, 0.8), Ctx(T0.AddSeconds(3), rules));

        Assert.Equal(2, d.Events.Count);
        var like = Assert.IsType<InteractionRecorded>(d.Events[0]);
        Assert.Equal((InteractionType.Like, 0.8, true, 0), (like.Type, like.MatchScore, like.Exploration, like.Depth));
        var follow = Assert.IsType<UserFollowed>(d.Events[1]);
        Assert.Equal(("user-3", "user-9", post.PostId), (follow.FollowerId, follow.FolloweeId, follow.ViaPostId));
        Assert.Equal(new FollowAdded("user-3", "user-9"), Assert.IsType<TellFeed>(Assert.Single(d.Effects)).Message);

        // following already: the next like brings no second follow
        var after = state.ApplyAll(d.Events, rules);
        var next = FakeUserDecider.Decide(after, d.Runtime, new ReactionDue(new DeliverPost("user-3", Post("user-9", 2, post.Interest, T0), false), InteractionType.Like, 0.8),
            Ctx(rules: rules));
        Assert.IsType<InteractionRecorded>(Assert.Single(next.Events));
    }

    [Fact]
    public void A_due_comment_asks_for_text_then_records_a_depth_one_comment_and_notifies_the_author()
    {
        var rules = Certain(comment: true);
        var (state, rt) = Live(rules);
        var post = Post("user-9", 1, state.Profile!.PrimaryInterest, T0);
        var due = FakeUserDecider.Decide(state, rt, new ReactionDue(new DeliverPost("user-3", post, false), InteractionType.Comment, 0.9), Ctx(rules: rules));
        Assert.Empty(due.Events);
        var ask = due.Effects.OfType<AskForText>().Single().Request;
        Assert.Equal((TextKind.Comment, post.Content, "user-9"), (ask.Request.Kind, ask.Request.QuotedPost, ask.Request.QuotedAuthor));

        var d = FakeUserDecider.Decide(state, due.Runtime, Text(ask.RequestId, TextKind.Comment, "Nice one!"), Ctx(rules: rules));
        var comment = Assert.IsType<InteractionRecorded>(Assert.Single(d.Events));
        Assert.Equal((InteractionType.Comment, "Nice one!", 1, (string?)null), (comment.Type, comment.Content, comment.Depth, comment.ParentId));
        var notice = Assert.IsType<CommentNotice>(Assert.IsType<PublishOn>(Assert.Single(d.Effects)).Message);
        Assert.Equal("user-9", notice.UserId);
        Assert.Same(comment, notice.Comment);
        Assert.Empty(d.Runtime.PendingComments);
    }

    [Fact]
    public void A_comment_notice_plans_a_reply_20_s_to_10_min_after_the_comment_one_level_deeper()
    {
        var rules = Certain(reply: 1.0);
        var (state, rt) = Live(rules);
        var post = Post("user-3", 1, state.Profile!.PrimaryInterest, T0);
        var comment = new InteractionRecorded("user-9/comment/user-3/post-1", "user-9", post.PostId, "user-3", InteractionType.Comment, "Great!", 0.5, false,
            T0, T0.AddSeconds(30), "builtin", "builtin-v2", post.Interest, null, 1);
        var d = FakeUserDecider.Decide(state, rt, new CommentNotice("user-3", post, comment), Ctx(rules: rules));
        var timer = Assert.IsType<StartTimer>(Assert.Single(d.Effects));
        Assert.InRange(timer.Due, comment.CreatedAt.AddSeconds(20), comment.CreatedAt.AddSeconds(600));
        var reply = (ReactionDue)timer.Message;
        Assert.Equal(InteractionRecorded.ReplyIdFor("user-3", comment.InteractionId), timer.Key);
        Assert.Equal(2, FakeUserDecider.Depth(reply));

        // its own comment, or a notice while not live, plans nothing
        Assert.Empty(FakeUserDecider.Decide(state, rt, new CommentNotice("user-3", post, comment with { UserId = "user-3" }), Ctx(rules: rules)).Effects);
        Assert.Empty(FakeUserDecider.Decide(state, rt with { Live = false }, new CommentNotice("user-3", post, comment), Ctx(rules: rules)).Effects);
        Assert.Equal(TimeSpan.FromSeconds(20), FakeUserDecider.ReplyDelay(0));
        Assert.Equal(TimeSpan.FromSeconds(600), FakeUserDecider.ReplyDelay(1));
    }

    [Fact]
    public void Pausing_cancels_timers_and_drops_plans_and_resuming_schedules_a_post_again()
    {
        var rules = Certain();
        var (state, rt) = Live(rules);
        var planned = FakeUserDecider.Decide(state, rt, new DeliverPost("user-3", Post("user-9", 1, state.Profile!.PrimaryInterest, T0), false), Ctx(rules: rules));
        var paused = FakeUserDecider.Decide(state, planned.Runtime, new PauseUser("user-3"), Ctx(rules: rules));
        Assert.Equal<UserEffect>([CancelTimers.Instance, new ReplyWith(new UserPaused("user-3"))], paused.Effects);
        Assert.Empty(paused.Runtime.Planned);
        Assert.False(paused.Runtime.PostTimerSet);

        Assert.Empty(FakeUserDecider.Decide(state, paused.Runtime, PostTick.Instance, Ctx(rules: rules)).Effects);
        Assert.Empty(FakeUserDecider.Decide(state, paused.Runtime, new DeliverPost("user-3", Post("user-9", 2, "tech", T0), false), Ctx(rules: rules)).Effects);

        var resumed = FakeUserDecider.Decide(state, paused.Runtime, new ResumeUser("user-3"), Ctx(rules: rules));
        Assert.IsType<StartTimer>(Assert.Single(resumed.Effects));
        Assert.False(resumed.Runtime.Paused);
    }

    [Fact]
    public void Retiring_pauses_leaves_the_feed_and_passivates()
    {
        var (state, rt) = Live();
        var d = FakeUserDecider.Decide(state, rt, new RetireUser("user-3"), Ctx());
        Assert.Equal<UserEffect>([CancelTimers.Instance, new TellFeed(new LeaveFeed("user-3")), PassivateSelf.Instance], d.Effects);
    }

    [Fact]
    public void A_like_that_drifts_the_primary_interest_rejoins_the_feed_with_the_new_interests()
    {
        var rules = Certain() with { Behaviour = Certain().Behaviour with { Drift = new DriftSettings(Rate: 0.5, MaxInterests: 4) } };
        var (state, rt) = Live(rules);
        var other = InterestCatalog.Names.First(n => !state.Profile!.InterestNames.Contains(n));
        var post = Post("user-9", 1, other, T0);
        var d = FakeUserDecider.Decide(state, rt, new ReactionDue(new DeliverPost("user-3", post, true), InteractionType.Like, 0.1), Ctx(rules: rules));
        var join = Assert.IsType<JoinTheFeed>(d.Effects[0]);
        Assert.Contains(other, join.Interests);
        Assert.Equal(state.ApplyAll(d.Events, rules).Profile!.InterestNames, join.Interests);
    }

    [Fact]
    public void Decisions_are_reproducible_and_post_gaps_follow_the_seed()
    {
        var (state, rt) = Live();
        var a = FakeUserDecider.Decide(state, rt, PostTick.Instance, Ctx());
        var b = FakeUserDecider.Decide(state, rt, PostTick.Instance, Ctx());
        Assert.Equal(a.Effects, b.Effects);
        var otherSeed = DefaultRules with { Seed = DefaultRules.Seed + 1 };
        var c = FakeUserDecider.Decide(state, rt, PostTick.Instance, Ctx(rules: otherSeed));
        Assert.NotEqual(((StartTimer)a.Effects[0]).Due, ((StartTimer)c.Effects[0]).Due);
        Assert.Equal(rt.TimingDraws + 1, a.Runtime.TimingDraws);
    }

    [Fact]
    public void Snapshots_older_than_the_newest_two_are_selected_for_deletion()
    {
        var criteria = FakeUser.OlderSnapshots(300, 100);
        Assert.Equal(199, criteria.MaxSequenceNr);
        Assert.Equal(2, UserRules.SnapshotsKept);
    }
}
