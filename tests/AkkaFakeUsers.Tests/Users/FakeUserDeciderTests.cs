// One test class for the decider's rules (every input it decides on, sleeping and waking included): 410 lines because it covers them all.
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

    private static TextArrived Text(long requestId, TextKind kind, string text) => new(new TextGenerated(requestId, kind, new GeneratedText(text, "builtin", "builtin-v2"), null));

    [Fact]
    public void Ensuring_a_new_user_creates_it_from_the_seed_joins_the_feed_and_schedules_its_first_post_and_session()
    {
        var d = FakeUserDecider.Decide(FakeUserState.Empty, UserRuntime.Initial, new EnsureUser("user-3", 3), Ctx());

        var created = Assert.IsType<UserCreated>(Assert.Single(d.Events));
        var expected = ProfileRules.Create(DefaultRules.Seed, 3, DefaultRules.Interests, DefaultRules.Behaviour.Activity);
        Assert.Equal(expected.Username, created.Profile.Username);
        Assert.Equal("user-3", created.UserId);
        Assert.Equal(T0, created.CreatedAt);
        Assert.True(d.Runtime.Live);
        Assert.IsType<JoinTheFeed>(d.Effects[0]);
        var timer = Assert.IsType<StartTimer>(d.Effects[1]);
        Assert.Equal(FakeUserDecider.PostTimerKey, timer.Key);
        Assert.IsType<PostTick>(timer.Message);
        Assert.True(timer.Due > T0);
        Assert.True(d.Runtime.PostTimerSet);
        var session = Assert.IsType<StartTimer>(d.Effects[2]);
        Assert.Equal((FakeUserDecider.SessionTimerKey, (object)SessionTick.Instance), (session.Key, session.Message));
        Assert.True(session.Due > T0 && d.Runtime.SessionTimerSet);
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
    public void A_counted_ensure_is_answered_to_its_sender_once_decided_and_an_uncounted_one_is_not()
    {
        var (state, rt) = Live();
        var counted = FakeUserDecider.Decide(state, rt, new EnsureUser("user-3", 3, CountedBy: "clock-a"), Ctx());
        var reply = Assert.IsType<ReplyWith>(Assert.Single(counted.Effects));
        Assert.Equal(new UserEnsured("user-3", "clock-a"), reply.Message);

        var created = FakeUserDecider.Decide(FakeUserState.Empty, UserRuntime.Initial, new EnsureUser("user-3", 3, CountedBy: "clock-a"), Ctx());
        Assert.Single(created.Events);
        Assert.IsType<ReplyWith>(created.Effects[^1]); // after the feed and the timers: sent once the creation is stored
        Assert.DoesNotContain(FakeUserDecider.Decide(state, rt, new EnsureUser("user-3", 3), Ctx()).Effects, e => e is ReplyWith);
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

    private static SlateServed Slate(string slateId, params PostPublished[] posts) =>
        new(slateId, slateId[..slateId.LastIndexOf('/')], "interest", 40, false,
            posts.Select((p, i) => new SlateItem(p, i + 1, 1.0 - i / 10.0, 0.9, new CandidateFeatures(0.8, 0, 0.1, false, false))).ToArray());

    /// <summary>A user that opened a session: its slate request is pending.</summary>
    private static (FakeUserState State, UserRuntime Runtime, SlateRequest Request) InSession(UserRules rules)
    {
        var (state, rt) = Live(rules);
        var d = FakeUserDecider.Decide(state, rt, SessionTick.Instance, Ctx(rules: rules));
        return (state, d.Runtime, d.Effects.OfType<AskForSlate>().Single().Request);
    }

    /// <summary>Every slot examined (flat examination 1), opened and liked.</summary>
    private static UserRules Reading(double follow = 0, bool comment = false) => Certain(comment, follow) with
    {
        Sessions = DefaultRules.Sessions with { Examination = ExaminationModel.Flat, FlatExamination = 1.0, HideBase = 0, HideSlope = 0 },
    };

    [Fact]
    public void A_session_tick_asks_the_feed_for_a_slate_with_the_users_interests_and_follows_and_schedules_the_next_session()
    {
        var (state, rt) = Live();
        var d = FakeUserDecider.Decide(state, rt, SessionTick.Instance, Ctx());
        Assert.Empty(d.Events);
        var timer = Assert.IsType<StartTimer>(d.Effects[0]);
        Assert.Equal(FakeUserDecider.SessionTimerKey, timer.Key);
        var ask = Assert.IsType<AskForSlate>(d.Effects[1]).Request;
        Assert.Equal(("user-3", "user-3/session-1", "user-3/session-1/slate-1", DefaultRules.Sessions.SlateSize, T0),
            (ask.UserId, ask.SessionId, ask.SlateId, ask.Size, ask.Now));
        Assert.Same(state.Profile!.Interests, ask.Interests);
        Assert.Equal(ask.SlateId, d.Runtime.PendingSlate);
        Assert.Equal(rt.SessionDraws + 1, d.Runtime.SessionDraws);
        // paused: no session
        Assert.Empty(FakeUserDecider.Decide(state, rt with { Paused = true }, SessionTick.Instance, Ctx()).Effects);
    }

    [Fact]
    public void A_served_slate_becomes_one_SlateShown_and_interactions_tied_to_their_impressions_and_feedback_for_the_feed()
    {
        var rules = Reading();
        var (state, rt, ask) = InSession(rules);
        var interest = state.Profile!.PrimaryInterest;
        var served = Slate(ask.SlateId, Post("user-9", 1, interest, T0), Post("user-8", 1, interest, T0));
        var d = FakeUserDecider.Decide(state, rt, served, Ctx(T0.AddSeconds(5), rules));

        var shown = Assert.IsType<SlateShown>(d.Events[0]);
        Assert.Equal((ask.SlateId, ask.SessionId, 1L, "interest", 40, false), (shown.SlateId, shown.SessionId, shown.SessionSeq, shown.Policy, shown.Candidates, shown.IsRandom));
        Assert.Equal([1, 2], shown.Items.Select(i => i.Position));
        Assert.All(shown.Items, i => Assert.True(i.Examined && i.Viewed && i.Liked && !i.Hid && i.DwellMs >= 3000));
        Assert.Equal(0.9, shown.Items[0].Propensity);

        var interactions = d.Events.OfType<InteractionRecorded>().ToList();
        Assert.Equal([InteractionType.View, InteractionType.Like, InteractionType.View, InteractionType.Like], interactions.Select(i => i.Type));
        Assert.Equal([$"{ask.SlateId}#1", $"{ask.SlateId}#1", $"{ask.SlateId}#2", $"{ask.SlateId}#2"], interactions.Select(i => i.ImpressionId));
        Assert.All(interactions, i => Assert.Equal("interest", i.FeedSource));
        // the second slot's moments come after the first's dwell
        Assert.True(interactions[2].CreatedAt > interactions[1].CreatedAt);
        Assert.Equal(2, d.Effects.OfType<PublishOn>().Count(p => p.Topic == FeedTopics.Likes));
        var feedback = Assert.IsType<SlateFeedback>(d.Effects.OfType<TellFeed>().Single().Message);
        Assert.Equal(2, feedback.Examined.Count(e => e.Liked));
        Assert.Null(d.Runtime.PendingSlate);
        Assert.Equal(1, state.ApplyAll(d.Events, rules).LastSessionSeq);

        // the same answer again, or an answer nobody asked for, is ignored
        Assert.Empty(FakeUserDecider.Decide(state, d.Runtime, served, Ctx(rules: rules)).Events);
        Assert.Empty(FakeUserDecider.Decide(state, rt, Slate("user-3/session-7/slate-1", Post("user-9", 2, interest, T0)), Ctx(rules: rules)).Events);
    }

    [Fact]
    public void A_post_already_opened_is_examined_but_not_opened_again_and_an_empty_slate_writes_nothing()
    {
        var rules = Reading();
        var (state, rt, ask) = InSession(rules);
        var post = Post("user-9", 1, state.Profile!.PrimaryInterest, T0);
        var first = FakeUserDecider.Decide(state, rt, Slate(ask.SlateId, post), Ctx(rules: rules));
        var after = state.ApplyAll(first.Events, rules);

        var rt2 = FakeUserDecider.Decide(after, first.Runtime, SessionTick.Instance, Ctx(rules: rules)).Runtime;
        var again = FakeUserDecider.Decide(after, rt2, Slate(rt2.PendingSlate!, post), Ctx(rules: rules));
        var shown = Assert.IsType<SlateShown>(Assert.Single(again.Events));
        Assert.Equal(2, shown.SessionSeq);
        Assert.True(shown.Items[0].Examined);
        Assert.False(shown.Items[0].Viewed || shown.Items[0].Liked);

        Assert.Empty(FakeUserDecider.Decide(state, rt, Slate(ask.SlateId), Ctx(rules: rules)).Events);
    }

    [Fact]
    public void A_like_may_bring_a_follow_of_the_author_in_the_same_decision_and_only_once()
    {
        var rules = Reading(follow: 1.0);
        var (state, rt, ask) = InSession(rules);
        var post = Post("user-9", 1, state.Profile!.PrimaryInterest, T0);
        var d = FakeUserDecider.Decide(state, rt, Slate(ask.SlateId, post), Ctx(T0.AddSeconds(3), rules));

        Assert.Equal([typeof(SlateShown), typeof(InteractionRecorded), typeof(InteractionRecorded), typeof(UserFollowed)], d.Events.Select(e => e.GetType()));
        var like = Assert.IsType<InteractionRecorded>(d.Events[2]);
        Assert.Equal((InteractionType.Like, 0), (like.Type, like.Depth));
        var follow = Assert.IsType<UserFollowed>(d.Events[3]);
        Assert.Equal(("user-3", "user-9", post.PostId), (follow.FollowerId, follow.FolloweeId, follow.ViaPostId));

        // following already: the next like brings no second follow, and the next request carries the follow
        var after = state.ApplyAll(d.Events, rules);
        var tick = FakeUserDecider.Decide(after, d.Runtime, SessionTick.Instance, Ctx(rules: rules));
        Assert.Contains("user-9", tick.Effects.OfType<AskForSlate>().Single().Request.Following);
        var next = FakeUserDecider.Decide(after, tick.Runtime, Slate(tick.Runtime.PendingSlate!, Post("user-9", 2, post.Interest, T0)), Ctx(rules: rules));
        Assert.DoesNotContain(next.Events, e => e is UserFollowed);
        Assert.Contains(next.Events, e => e is InteractionRecorded { Type: InteractionType.Like });
    }

    [Fact]
    public void A_due_comment_asks_for_text_then_records_a_depth_one_comment_and_notifies_the_author()
    {
        var rules = Certain(comment: true);
        var (state, rt) = Live(rules);
        var post = Post("user-9", 1, state.Profile!.PrimaryInterest, T0);
        var due = FakeUserDecider.Decide(state, rt, new ReactionDue(post, InteractionType.Comment, 0.9), Ctx(rules: rules));
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
    public void Pausing_cancels_timers_and_drops_plans_and_the_pending_slate_and_resuming_schedules_a_post_and_a_session_again()
    {
        var rules = Certain();
        var (state, rt) = Live(rules);
        var planned = FakeUserDecider.Decide(state, rt, new ReactionDue(Post("user-9", 1, state.Profile!.PrimaryInterest, T0), InteractionType.Comment, 0.9), Ctx(rules: rules));
        var session = FakeUserDecider.Decide(state, planned.Runtime, SessionTick.Instance, Ctx(rules: rules));
        Assert.NotEmpty(session.Runtime.Planned);
        var paused = FakeUserDecider.Decide(state, session.Runtime, new PauseUser("user-3"), Ctx(rules: rules));
        Assert.Equal<UserEffect>([CancelTimers.Instance, new ReplyWith(new UserPaused("user-3"))], paused.Effects);
        Assert.Empty(paused.Runtime.Planned);
        Assert.False(paused.Runtime.PostTimerSet || paused.Runtime.SessionTimerSet);
        Assert.Null(paused.Runtime.PendingSlate);

        Assert.Empty(FakeUserDecider.Decide(state, paused.Runtime, PostTick.Instance, Ctx(rules: rules)).Effects);
        Assert.Empty(FakeUserDecider.Decide(state, paused.Runtime, Slate(session.Runtime.PendingSlate!, Post("user-9", 2, "tech", T0)), Ctx(rules: rules)).Events);

        var resumed = FakeUserDecider.Decide(state, paused.Runtime, new ResumeUser("user-3"), Ctx(rules: rules));
        Assert.Equal([FakeUserDecider.PostTimerKey, FakeUserDecider.SessionTimerKey], resumed.Effects.Cast<StartTimer>().Select(t => t.Key));
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
    public void A_like_that_drifts_the_interests_changes_what_the_next_slate_request_asks_for()
    {
        var rules = Reading() with { Behaviour = Reading().Behaviour with { Drift = new DriftSettings(Rate: 0.5, MaxInterests: 4) } };
        var (state, rt, ask) = InSession(rules);
        var other = InterestCatalog.Names.First(n => !state.Profile!.InterestNames.Contains(n));
        var d = FakeUserDecider.Decide(state, rt, Slate(ask.SlateId, Post("user-9", 1, other, T0)), Ctx(rules: rules));
        var after = state.ApplyAll(d.Events, rules);
        var next = FakeUserDecider.Decide(after, d.Runtime, SessionTick.Instance, Ctx(rules: rules)).Effects.OfType<AskForSlate>().Single().Request;
        Assert.Contains(other, next.Interests.Select(i => i.Interest));
        Assert.DoesNotContain(other, ask.Interests.Select(i => i.Interest));
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
        var criteria = FakeUserActor.OlderSnapshots(300, 100);
        Assert.Equal(199, criteria.MaxSequenceNr);
        Assert.Equal(2, UserRules.SnapshotsKept);
    }

    [Fact]
    public void A_user_may_sleep_only_with_nothing_under_way_and_nothing_due_within_sleep_after()
    {
        var rules = DefaultRules with { SleepAfter = TimeSpan.FromMinutes(10) };
        var (state, runtime) = Live(rules);
        Assert.True(FakeUserDecider.MaySleep(state, runtime, T0.AddMinutes(11), T0, rules));
        Assert.False(FakeUserDecider.MaySleep(state, runtime, T0.AddMinutes(9), T0, rules)); // due soon
        Assert.True(FakeUserDecider.MaySleep(state, runtime, null, T0, rules)); // nothing due (paused)
        Assert.False(FakeUserDecider.MaySleep(state, runtime with { PendingPost = new PendingPost(1, 1, "food", "ramen", false) }, null, T0, rules));
        Assert.False(FakeUserDecider.MaySleep(state, runtime with { PendingSlate = "s" }, null, T0, rules));
        Assert.False(FakeUserDecider.MaySleep(state, runtime, null, T0, DefaultRules with { SleepAfter = TimeSpan.Zero })); // sleep off
        Assert.False(FakeUserDecider.MaySleep(FakeUserState.Empty, UserRuntime.Initial, null, T0, rules)); // no such user
    }

    [Fact]
    public void A_woken_user_carries_on_with_its_draw_counts_plans_no_new_timers_and_drops_what_was_under_way()
    {
        var (state, runtime) = Live();
        var post = Post("user-8", 1, "food", T0);
        var pending = new ReactionDue(post, InteractionType.Comment, 0.5);
        var slept = runtime with
        {
            Live = false, TimingDraws = 7, SessionDraws = 4, PendingPost = new PendingPost(3, 2, "food", "ramen", false), PendingSlate = "slate",
            PendingComments = runtime.PendingComments.Add(5, pending), Planned = runtime.Planned.Add(pending.Id("user-3")).Add("reply-timer"),
        };
        var d = FakeUserDecider.Decide(state, runtime with { Live = false }, new Woken(slept), Ctx());
        Assert.Empty(d.Events);
        Assert.Equal([JoinTheFeed.Instance], d.Effects);
        Assert.True(d.Runtime.Live);
        Assert.Equal((7L, 4L), (d.Runtime.TimingDraws, d.Runtime.SessionDraws));
        Assert.Null(d.Runtime.PendingPost);
        Assert.Null(d.Runtime.PendingSlate);
        Assert.Empty(d.Runtime.PendingComments);
        Assert.Equal(["reply-timer"], d.Runtime.Planned); // a planned reply's timer is still in the schedule; the text being written is not
    }

    [Fact]
    public void A_reply_is_scored_by_the_users_interests_when_it_is_written_not_when_the_notice_came()
    {
        var rules = Certain(reply: 1.0);
        var (state, runtime) = Live(rules);
        var mine = Post("user-3", 1, state.Profile!.Interests[0].Interest, T0);
        var comment = new InteractionRecorded("user-4/comment/user-3/post-1", "user-4", mine.PostId, "user-3", InteractionType.Comment, "nice", 0.5, false,
            T0, T0.AddMinutes(1), "builtin", "builtin-v2", mine.Interest, Depth: 1);
        // a notice carrying a stale score: the reply due from it is scored afresh when it falls due
        var due = new ReactionDue(mine, InteractionType.Comment, Score: 0.0123, ReplyTo: comment, Source: "thread");
        var d = FakeUserDecider.Decide(state, runtime, due, Ctx(T0.AddMinutes(3), rules));
        var asked = Assert.Single(d.Runtime.PendingComments.Values);
        Assert.Equal(Matching.Score(state.Profile.Interests, mine.Interest, mine.Subtopic), asked.Score);
        Assert.NotEqual(0.0123, asked.Score);
    }
}
