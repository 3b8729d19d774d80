using System.Collections.Immutable;
using System.Text.Json;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Serialization;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Domain;

/// <summary>Events, snapshots and messages survive the journal's JSON, and events written before this session still read.</summary>
public class SerializationTests
{
    private static T RoundTrip<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, AfuJsonSerializer.Options), AfuJsonSerializer.Options)!;

    private static readonly DateTime T0 = new(2026, 4, 2, 9, 30, 0, DateTimeKind.Utc);

    [Fact]
    public void New_events_and_a_snapshot_with_follows_and_drifted_interests_round_trip()
    {
        var post = new PostPublished("user-1/post-2", "user-1", 2, "A post long enough to be a post, about ramen and broth.", "food", "ramen", T0, "builtin", "builtin-v2", Trending: true);
        Assert.Equal(post, RoundTrip(post));
        var reply = new InteractionRecorded("user-1/reply/user-2/comment/user-1/post-2", "user-1", post.PostId, "user-1", InteractionType.Comment, "thanks!", 0.9, false,
            T0, T0.AddMinutes(3), "builtin", "builtin-v2", "food", "user-2/comment/user-1/post-2", 2, ViaFollow: true);
        Assert.Equal(reply, RoundTrip(reply));
        var follow = new UserFollowed("user-2", "user-1", 0.85, post.PostId, T0);
        Assert.Equal(follow, RoundTrip(follow));
        var notice = RoundTrip(new CommentNotice("user-1", post, reply));
        Assert.Equal(reply, notice.Comment);

        var p = ProfileRules.Create(3, 2, InterestMix.Default);
        var rules = Support.TestSettings.Defaults("").UserRules();
        var state = FakeUserState.Empty.Apply(new UserCreated(p, p.Bio, T0), rules).Apply(follow with { FollowerId = "user-2" }, rules);
        var back = RoundTrip(state);
        Assert.Equal(state.Follows.ToArray(), back.Follows.ToArray());
        Assert.Equal(state.Profile!.Interests.Select(i => (i.Interest, i.Weight)), back.Profile!.Interests.Select(i => (i.Interest, i.Weight)));
    }

    /// <summary>Through the serializer Akka uses between nodes (manifest = type name), as a sleeping user's released timer and a
    /// comment notice to it cross the network when its shard moved.</summary>
    private static object OverTheWire(object message)
    {
        using var system = Akka.Actor.ActorSystem.Create("wire");
        var serializer = new AfuJsonSerializer((Akka.Actor.ExtendedActorSystem)system);
        return serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
    }

    [Fact]
    public void A_released_timer_with_its_message_inside_and_a_notice_to_a_sleeping_user_cross_the_network_whole()
    {
        var post = new PostPublished("user-1/post-2", "user-1", 2, "A post long enough to be a post, about ramen and broth.", "food", "ramen", T0, "builtin", "builtin-v2");
        var comment = new InteractionRecorded("user-2/comment/user-1/post-2", "user-2", post.PostId, "user-1", InteractionType.Comment, "so good", 0.8, false,
            T0, T0.AddMinutes(1), "builtin", "builtin-v2", "food");
        var reply = new ReactionDue(post, InteractionType.Comment, 0.7, comment, Source: "thread");
        var s = (AkkaFakeUsers.Clock.Scheduled)OverTheWire(new AkkaFakeUsers.Clock.Scheduled("reply", T0.AddMinutes(4), reply, 42) { Owner = "user-1", ClockId = "c1" });
        Assert.Equal(("reply", T0.AddMinutes(4), 42L, "user-1", "c1"), (s.Key, s.Due, s.Ticket, s.Owner, s.ClockId));
        Assert.Equal(reply, Assert.IsType<ReactionDue>(s.Message));
        Assert.IsType<PostTick>(((AkkaFakeUsers.Clock.Scheduled)OverTheWire(new AkkaFakeUsers.Clock.Scheduled("post", T0, PostTick.Instance))).Message);
        Assert.Equal(new AkkaFakeUsers.Clock.WakeUp("user-9"), OverTheWire(new AkkaFakeUsers.Clock.WakeUp("user-9")));
        Assert.Equal(new AkkaFakeUsers.Clock.WorkMovedAway("user-9", 7), OverTheWire(new AkkaFakeUsers.Clock.WorkMovedAway("user-9", 7)));
        var handed = (CommentHandedOn)OverTheWire(new CommentHandedOn(new CommentNotice("user-1", post, comment), "c1"));
        Assert.Equal(("user-1", "c1", comment), (handed.UserId, handed.ClockId, handed.Notice.Comment));
    }

    [Fact]
    public void A_message_inside_a_message_names_only_types_that_may_cross_the_network()
    {
        // writing: a type that is not IAfuSerializable is refused with its name
        var ex = Assert.ThrowsAny<JsonException>(() => JsonSerializer.SerializeToUtf8Bytes(new AkkaFakeUsers.Clock.Scheduled("k", T0, new Uri("http://x")), AfuJsonSerializer.Options));
        Assert.Contains("Uri", ex.Message);
        // reading: an unknown or missing type name is an error, never some type named from the wire
        var unknown = """{"key":"k","due":"2026-04-02T09:30:00Z","message":{"type":"Process","value":{}},"ticket":0}""";
        Assert.Contains("Process", Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<AkkaFakeUsers.Clock.Scheduled>(unknown, AfuJsonSerializer.Options)).Message);
        var untyped = """{"key":"k","due":"2026-04-02T09:30:00Z","message":{"value":{}},"ticket":0}""";
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<AkkaFakeUsers.Clock.Scheduled>(untyped, AfuJsonSerializer.Options));
    }

    [Fact]
    public void Events_and_snapshots_from_before_threads_and_follows_still_read()
    {
        var old = """{"interactionId":"user-5/like/user-1/post-1","userId":"user-5","postId":"user-1/post-1","postAuthorId":"user-1","type":"like","matchScore":0.7,"exploration":false,"postCreatedAt":"2026-04-02T09:30:00Z","createdAt":"2026-04-02T09:30:05Z"}""";
        var e = JsonSerializer.Deserialize<InteractionRecorded>(old, AfuJsonSerializer.Options)!;
        Assert.Null(e.ParentId);
        Assert.Null(e.PostInterest); // no drift from events that do not name the interest
        Assert.Equal("interest", e.FeedSource);
        var oldPost = """{"postId":"user-1/post-1","userId":"user-1","seq":1,"content":"x","interest":"food","subtopic":"ramen","createdAt":"2026-04-02T09:30:00Z","generatedBy":"builtin","modelVersion":"builtin-v1"}""";
        Assert.False(JsonSerializer.Deserialize<PostPublished>(oldPost, AfuJsonSerializer.Options)!.Trending);
        var oldState = """{"counters":{"posts":0,"views":0,"likes":0,"comments":0},"lastPostSeq":0,"reacted":{},"lastPosts":[],"horizon":"00:03:00"}""";
        var s = JsonSerializer.Deserialize<FakeUserState>(oldState, AfuJsonSerializer.Options)!;
        Assert.Empty(s.Follows);
        Assert.Equal(ImmutableHashSet<string>.Empty, s.Follows);
    }
}
