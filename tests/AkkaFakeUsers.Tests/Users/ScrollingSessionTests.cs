using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Users;

/// <summary>Sessions that scroll (afu.sessions.scroll) and posts with an appeal (afu.behaviour.creators), straight on the decider.</summary>
public class ScrollingSessionTests
{
    private static readonly DateTime T0 = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly UserRules Defaults = TestSettings.Defaults("").UserRules();

    /// <summary>Every slot examined and nothing opened; the user never stops on its own (stop-per-slot 0) unless told to.</summary>
    private static UserRules Scrolling(double stopPerSlot = 0, int maxPages = 3, int slateSize = 3) => Defaults with
    {
        Reactions = new ReactionSettings(InteractionProbability: 0, LikeBase: 0, LikeSlope: 0, CommentBase: 0, CommentSlope: 0),
        Sessions = Defaults.Sessions with
        {
            SlateSize = slateSize, ExaminationDecay = 1, HideBase = 0, HideSlope = 0,
            Scroll = new ScrollSettings(Enabled: true, StopPerSlot: stopPerSlot, Boredom: 0, MaxPages: maxPages),
        },
    };

    private static UserContext Ctx(UserRules rules, DateTime? now = null) => new("user-3", 3, rules, now ?? T0, T0, Ticket: 7);

    private static PostPublished Post(string author, int n, string interest) =>
        new($"{author}/post-{n}", author, n, $"A post number {n} about {interest}, long enough to be a real post.", interest, "x", T0.AddMinutes(-n), "builtin", "builtin-v2");

    private static SlateServed Page(SlateRequest ask, params PostPublished[] posts) =>
        new(ask.SlateId, ask.SessionId, "interest", 40, false,
            posts.Select((p, i) => new SlateItem(p, i + 1, 1.0 - i / 10.0, 0.5, new CandidateFeatures(0.8, 0, 0.1, false, false))).ToArray(), ask.Ticket);

    private static (FakeUserState State, UserRuntime Runtime, SlateRequest Ask) InSession(UserRules rules)
    {
        var live = FakeUserDecider.Decide(FakeUserState.Empty, UserRuntime.Initial, new EnsureUser("user-3", 3), Ctx(rules));
        var state = FakeUserState.Empty.ApplyAll(live.Events, rules);
        var d = FakeUserDecider.Decide(state, live.Runtime, SessionTick.Instance, Ctx(rules));
        return (state, d.Runtime, d.Effects.OfType<AskForSlate>().Single().Request);
    }

    [Fact]
    public void A_user_who_reads_to_the_end_of_a_page_asks_for_the_next_page_of_the_same_session_without_the_posts_it_saw()
    {
        var rules = Scrolling();
        var (state, rt, ask) = InSession(rules);
        var interest = state.Profile!.PrimaryInterest;
        var d = FakeUserDecider.Decide(state, rt, Page(ask, Post("user-9", 1, interest), Post("user-8", 1, interest), Post("user-7", 1, interest)), Ctx(rules, T0.AddSeconds(2)));

        var first = Assert.IsType<SlateShown>(Assert.Single(d.Events));
        Assert.Equal((1, 1L, "user-3/session-1/slate-1"), (first.Page, first.SessionSeq, first.SlateId));
        var next = Assert.Single(d.Effects.OfType<AskForSlate>()).Request;
        Assert.Equal(("user-3/session-1", "user-3/session-1/slate-2", 7L), (next.SessionId, next.SlateId, next.Ticket));
        Assert.Equal(["user-7/post-1", "user-8/post-1", "user-9/post-1"], next.Exclude!.Order(StringComparer.Ordinal));
        Assert.Equal(next.SlateId, d.Runtime.PendingSlate);
        // the piece of work goes on with the next page: the report names one strand carried on
        Assert.Equal(new ReportWorkDone(7, 1), d.Effects[^1]);

        // page 2: the same session (seq 1, not a new session), stamped after page 1 was read; page 3 is the last (max-pages 3)
        state = state.ApplyAll(d.Events, rules);
        var d2 = FakeUserDecider.Decide(state, d.Runtime, Page(next, Post("user-6", 1, interest), Post("user-5", 1, interest), Post("user-4", 1, interest)), Ctx(rules, T0.AddSeconds(3)));
        var second = Assert.IsType<SlateShown>(Assert.Single(d2.Events));
        Assert.Equal((2, 1L, "user-3/session-1"), (second.Page, second.SessionSeq, second.SessionId));
        Assert.True(second.CreatedAt > first.CreatedAt, $"page 2 at {second.CreatedAt:O}, page 1 at {first.CreatedAt:O}");
        var third = Assert.Single(d2.Effects.OfType<AskForSlate>()).Request;
        Assert.Equal(6, third.Exclude!.Count);
        state = state.ApplyAll(d2.Events, rules);
        var d3 = FakeUserDecider.Decide(state, d2.Runtime, Page(third, Post("user-2", 1, interest), Post("user-1", 1, interest), Post("user-10", 1, interest)), Ctx(rules, T0.AddSeconds(4)));
        Assert.Equal(3, Assert.IsType<SlateShown>(Assert.Single(d3.Events)).Page);
        Assert.Empty(d3.Effects.OfType<AskForSlate>());
        Assert.Null(d3.Runtime.PendingSlate);
        Assert.Equal(1, state.ApplyAll(d3.Events, rules).LastSessionSeq);
    }

    [Fact]
    public void A_user_who_stops_within_a_page_or_gets_a_short_page_ends_the_session()
    {
        var stops = Scrolling(stopPerSlot: 1);
        var (state, rt, ask) = InSession(stops);
        var interest = state.Profile!.PrimaryInterest;
        var d = FakeUserDecider.Decide(state, rt, Page(ask, Post("user-9", 1, interest), Post("user-8", 1, interest), Post("user-7", 1, interest)), Ctx(stops));
        var shown = Assert.IsType<SlateShown>(Assert.Single(d.Events));
        Assert.Equal([true, false, false], shown.Items.Select(i => i.Examined));
        Assert.Empty(d.Effects.OfType<AskForSlate>());

        // a page with fewer posts than a slate holds: the feed has no more, the session ends
        var goes = Scrolling();
        (state, rt, ask) = InSession(goes);
        d = FakeUserDecider.Decide(state, rt, Page(ask, Post("user-9", 1, interest), Post("user-8", 1, interest)), Ctx(goes));
        Assert.Empty(d.Effects.OfType<AskForSlate>());
    }

    [Fact]
    public void Without_scrolling_a_session_is_one_page()
    {
        var rules = Scrolling() with { Sessions = Scrolling().Sessions with { Scroll = null } };
        var (state, rt, ask) = InSession(rules);
        var interest = state.Profile!.PrimaryInterest;
        var d = FakeUserDecider.Decide(state, rt, Page(ask, Post("user-9", 1, interest), Post("user-8", 1, interest), Post("user-7", 1, interest)), Ctx(rules));
        Assert.Equal(1, Assert.IsType<SlateShown>(Assert.Single(d.Events)).Page);
        Assert.Empty(d.Effects.OfType<AskForSlate>());
        Assert.Equal(new ReportWorkDone(7, 0), d.Effects[^1]);
    }

    [Fact]
    public void With_creators_on_a_post_carries_its_appeal_drawn_around_its_authors_quality()
    {
        var rules = Defaults with { Behaviour = Defaults.Behaviour with { Creators = new CreatorSettings(Enabled: true, QualitySigma: 1, AppealSigma: 0.1) } };
        var live = FakeUserDecider.Decide(FakeUserState.Empty, UserRuntime.Initial, new EnsureUser("user-3", 3), Ctx(rules));
        var state = FakeUserState.Empty.ApplyAll(live.Events, rules);
        var asked = FakeUserDecider.Decide(state, live.Runtime, PostTick.Instance, Ctx(rules));
        var request = asked.Effects.OfType<AskForText>().Single().Request;
        // the writer is told the effort: the percentile of the post's appeal, so its length is a trace of it
        var c = rules.Behaviour.Creators!;
        var appeal = Creators.Appeal(c, rules.Seed, "user-3/post-1", Creators.Quality(c, rules.Seed, "user-3"));
        Assert.Equal(Creators.Effort(c, appeal), request.Request.Effort);
        var d = FakeUserDecider.Decide(state, asked.Runtime,
            new TextArrived(new TextGenerated(request.RequestId, TextKind.Post, new GeneratedText("A post that is long enough to be published on the feed today.", "builtin", "v"), null)), Ctx(rules));
        var post = Assert.IsType<PostPublished>(Assert.Single(d.Events));
        Assert.Equal(Creators.Quality(rules.Behaviour.Creators!, rules.Seed, "user-3"), post.AuthorQuality);
        Assert.InRange(post.Appeal!.Value, post.AuthorQuality!.Value - 0.5, post.AuthorQuality.Value + 0.5);

        // off (the seed profile): no appeal, and the metadata stays as it was
        var offAsked = FakeUserDecider.Decide(state, live.Runtime, PostTick.Instance, Ctx(Defaults));
        var offRequest = offAsked.Effects.OfType<AskForText>().Single().Request;
        Assert.Null(offRequest.Request.Effort);
        var off = FakeUserDecider.Decide(state, offAsked.Runtime,
            new TextArrived(new TextGenerated(offRequest.RequestId, TextKind.Post, new GeneratedText("A post that is long enough to be published on the feed today.", "builtin", "v"), null)), Ctx(Defaults));
        var plain = Assert.IsType<PostPublished>(Assert.Single(off.Events));
        Assert.Null(plain.Appeal);
        Assert.DoesNotContain("appeal", AkkaFakeUsers.Storage.EventRows.PostMetadata(plain));
        Assert.Contains("\"appeal\":", AkkaFakeUsers.Storage.EventRows.PostMetadata(post));
    }
}
