using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit.Xunit2;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Actors;

public class FeedActorTests : TestKit
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private IActorRef Feed(Akka.TestKit.TestProbe mediator, string mix = "interest", double exploration = 0, double randomShare = 0, TimeSpan? refresh = null)
    {
        var learned = new LearnedModel();
        Assert.True(PolicyMixText.TryParse(mix, out var choices, out _));
        var serving = new FeedServing(1, PolicyMix.From(choices, exploration, learned), exploration, 50, randomShare, 1000, TimeSpan.FromHours(6), [], learned);
        return Sys.ActorOf(Props.Create(() => new FeedActor(mediator, serving, refresh ?? TimeSpan.Zero)));
    }

    [Fact]
    public void The_learned_policy_trains_on_slate_feedback_and_ranks_by_it_after_a_scheduled_refresh()
    {
        var mediator = CreateTestProbe();
        var feed = Feed(mediator, "learned", refresh: TimeSpan.FromMilliseconds(200));
        feed.Tell(Post("user-1", 1, "food", Now.AddMinutes(-1)));  // not followed
        feed.Tell(Post("user-2", 1, "food", Now.AddMinutes(-2)));  // by a followed author: retrieved first, so first while the model knows nothing
        // users liked what did not come from followed authors and passed over the rest
        var feedback = Enumerable.Range(0, 400).Select(i => (new CandidateFeatures(0.7, 0, 0.2, i % 2 == 0, false), i % 2 == 1)).ToArray();
        feed.Tell(new SlateFeedback(feedback));
        AwaitAssert(() =>
        {
            feed.Tell(GetFeedStatus.Instance);
            var s = ExpectMsg<FeedStatus>();
            Assert.Equal(400, s.LearnedExamples);
            Assert.True(s.LearnedRefreshes >= 1);
        }, TimeSpan.FromSeconds(5));
        feed.Tell(Ask("user-9", 1, "food", "user-2"));
        var slate = ExpectMsg<SlateServed>();
        Assert.Equal("learned", slate.Policy);
        Assert.Equal("user-1/post-1", slate.Items[0].Post.PostId);
        Assert.True(slate.Items[0].Score > slate.Items[1].Score);
    }

    private static PostPublished Post(string author, int n, string interest, DateTime at) =>
        new($"{author}/post-{n}", author, n, "a post long enough to be one", interest, "ramen", at, "builtin", "v");

    private static SlateRequest Ask(string user, int n, string interest, params string[] following) =>
        new(user, $"{user}/session-{n}", $"{user}/session-{n}/slate-1", 3, [new InterestWeight(interest, 1, [])], following.ToHashSet(), Now);

    [Fact]
    public void The_feed_subscribes_to_its_topics_and_serves_ranked_slates_from_its_pool_never_the_readers_own_posts()
    {
        var mediator = CreateTestProbe();
        var feed = Feed(mediator);
        Assert.Equal([FeedTopics.Posts, FeedTopics.Comments, FeedTopics.Likes, FeedTopics.Control],
            Enumerable.Range(0, 4).Select(_ => mediator.ExpectMsg<Subscribe>().Topic));

        feed.Tell(Post("user-1", 1, "food", Now.AddMinutes(-1)));
        feed.Tell(Post("user-2", 1, "cars", Now.AddMinutes(-2)));
        feed.Tell(Post("user-3", 1, "food", Now.AddMinutes(-3)));
        feed.Tell(Post("user-4", 1, "food", Now.AddHours(-7))); // past the max age

        feed.Tell(Ask("user-1", 1, "food"));
        var slate = ExpectMsg<SlateServed>();
        Assert.Equal(("user-1/session-1/slate-1", "interest", false, 2), (slate.SlateId, slate.Policy, slate.IsRandom, slate.Candidates));
        // interest ranks the food post first; the reader's own post and the stale one are not candidates
        Assert.Equal(["user-3/post-1", "user-2/post-1"], slate.Items.Select(i => i.Post.PostId));
        Assert.Equal([1, 2], slate.Items.Select(i => i.Position));
        Assert.All(slate.Items, i => Assert.Equal(1.0, i.Propensity)); // epsilon 0: the greedy list for certain

        feed.Tell(GetFeedStatus.Instance);
        var status = ExpectMsg<FeedStatus>();
        // posts join the pool in the order of their time when a slate is asked for after them: the stale one came first and was evicted
        Assert.Equal((3, 1L, 2L), (status.Pool, status.Slates, status.Impressions));
    }

    [Fact]
    public void Likes_reorder_the_popular_policy_and_a_published_mix_switches_the_policy()
    {
        var mediator = CreateTestProbe();
        var feed = Feed(mediator, "popular");
        feed.Tell(Post("user-1", 1, "food", Now.AddMinutes(-1)));
        feed.Tell(Post("user-2", 1, "food", Now.AddMinutes(-2)));
        feed.Tell(Ask("user-9", 1, "food"));
        Assert.Equal("user-1/post-1", ExpectMsg<SlateServed>().Items[0].Post.PostId); // no likes yet: the newer first
        for (var i = 0; i < 5; i++) feed.Tell(new PostLiked("user-2/post-1"));
        feed.Tell(Ask("user-9", 2, "food"));
        var slate = ExpectMsg<SlateServed>();
        Assert.Equal("user-2/post-1", slate.Items[0].Post.PostId);
        Assert.Equal(5, slate.Items[0].Features.Likes);

        feed.Tell(new SetFeedPolicy("nonsense"));   // ignored with a warning
        feed.Tell(new SetFeedPolicy("chronological"));
        feed.Tell(Ask("user-9", 3, "food"));
        Assert.Equal("chronological", ExpectMsg<SlateServed>().Policy);
        feed.Tell(GetFeedStatus.Instance);
        var status = ExpectMsg<FeedStatus>();
        Assert.Equal("chronological=1", status.Policy);
        Assert.Equal(new Dictionary<string, long> { ["popular"] = 2, ["chronological"] = 1 }, status.SlatesByPolicy);
        Assert.Equal(5, status.Likes);
    }

    [Fact]
    public void Comment_notices_reach_only_live_local_users()
    {
        var mediator = CreateTestProbe();
        var feed = Feed(mediator);
        var author = CreateTestProbe();
        var fan = CreateTestProbe();
        feed.Tell(new JoinFeed("user-1", author));
        feed.Tell(new JoinFeed("user-2", fan));
        var post = Post("user-1", 1, "food", Now);
        var comment = new InteractionRecorded("user-2/comment/user-1/post-1", "user-2", post.PostId, "user-1", InteractionType.Comment, "nice", 0.9, false,
            post.CreatedAt, post.CreatedAt.AddSeconds(9), "builtin", "v", "food", null, 1);
        feed.Tell(new CommentNotice("user-1", post, comment));
        Assert.Equal(comment, author.ExpectMsg<CommentHandedOn>().Notice.Comment);
        feed.Tell(new CommentNotice("user-99", post, comment));
        author.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        fan.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        // a stopped user is forgotten
        Watch(author.Ref);
        Sys.Stop(author.Ref);
        ExpectTerminated(author.Ref);
        AwaitAssert(() =>
        {
            feed.Tell(GetFeedStatus.Instance);
            Assert.Equal(1, ExpectMsg<FeedStatus>().Members);
        });
    }
}
