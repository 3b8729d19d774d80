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
}
