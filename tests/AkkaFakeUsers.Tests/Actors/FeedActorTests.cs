using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit.Xunit2;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Actors;

public class FeedActorTests : TestKit
{
    [Fact]
    public void The_feed_subscribes_to_posts_and_delivers_to_interested_local_users_only()
    {
        var mediator = CreateTestProbe();
        var feed = Sys.ActorOf(Props.Create(() => new FeedActor(mediator, 1, 10, 0.0)));
        Assert.Equal(FeedTopics.Posts, mediator.ExpectMsg<Subscribe>().Topic);
        Assert.Equal(FeedTopics.Comments, mediator.ExpectMsg<Subscribe>().Topic);

        var author = CreateTestProbe();
        var fan = CreateTestProbe();
        var other = CreateTestProbe();
        feed.Tell(new JoinFeed("user-1", ["food"], author));
        feed.Tell(new JoinFeed("user-2", ["food", "tech"], fan));
        feed.Tell(new JoinFeed("user-3", ["cars"], other));

        var post = new PostPublished("user-1/post-1", "user-1", 1, "ramen time", "food", "ramen", DateTime.UtcNow, "builtin", "v");
        feed.Tell(post);
        var delivered = fan.ExpectMsg<DeliverPost>();
        Assert.Equal("user-2", delivered.UserId);
        Assert.Same(post, delivered.Post);
        author.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        other.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // A stopped user leaves the audience.
        Watch(fan.Ref);
        Sys.Stop(fan.Ref);
        ExpectTerminated(fan.Ref);
        AwaitAssert(() =>
        {
            feed.Tell(GetFeedStatus.Instance);
            Assert.Equal(2, ExpectMsg<FeedStatus>().Members);
        });
    }

    [Fact]
    public void Followers_get_the_authors_posts_once_and_comment_notices_reach_only_live_local_users()
    {
        var mediator = CreateTestProbe();
        var feed = Sys.ActorOf(Props.Create(() => new FeedActor(mediator, 1, 10, 0.0)));
        var author = CreateTestProbe();
        var fan = CreateTestProbe();      // shares the interest and follows: gets the post once, not twice
        var follower = CreateTestProbe(); // other interest, follows the author
        var stranger = CreateTestProbe();
        feed.Tell(new JoinFeed("user-1", ["food"], author));
        feed.Tell(new JoinFeed("user-2", ["food"], fan, ["user-1"]));
        feed.Tell(new JoinFeed("user-3", ["cars"], follower));
        feed.Tell(new JoinFeed("user-4", ["cars"], stranger));
        feed.Tell(new FollowAdded("user-3", "user-1"));

        var post = new PostPublished("user-1/post-1", "user-1", 1, "ramen time", "food", "ramen", DateTime.UtcNow, "builtin", "v");
        feed.Tell(post);
        var viaInterest = fan.ExpectMsg<DeliverPost>();
        Assert.False(viaInterest.ViaFollow);
        fan.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        var viaFollow = follower.ExpectMsg<DeliverPost>();
        Assert.True(viaFollow.ViaFollow);
        Assert.Equal("follow", viaFollow.Source);
        stranger.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        feed.Tell(GetFeedStatus.Instance);
        var status = ExpectMsg<FeedStatus>();
        Assert.Equal(2, status.FollowEdges);
        Assert.Equal(1, status.FollowDeliveries);

        // A follower that leaves stops getting the author's posts.
        feed.Tell(new LeaveFeed("user-3"));
        feed.Tell(post with { PostId = "user-1/post-2", Seq = 2 });
        fan.ExpectMsg<DeliverPost>();
        follower.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Comment notices go to the addressed user if it lives on this node, else nowhere.
        var comment = new InteractionRecorded("user-2/comment/user-1/post-1", "user-2", post.PostId, "user-1", AkkaFakeUsers.Domain.InteractionType.Comment, "nice", 0.9, false,
            post.CreatedAt, post.CreatedAt.AddSeconds(9), "builtin", "v", "food", null, 1);
        feed.Tell(new CommentNotice("user-1", post, comment));
        Assert.Equal(comment, author.ExpectMsg<CommentNotice>().Comment);
        feed.Tell(new CommentNotice("user-99", post, comment));
        author.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        fan.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
