using System.Collections.Immutable;
using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Users;

// Inputs the decider takes besides the commands of FakeUserMessages.cs, and the effects it asks the actor to carry out.

/// <summary>The user's posting timer fired.</summary>
public sealed record PostTick : Akka.Actor.INotInfluenceReceiveTimeout
{
    public static readonly PostTick Instance = new();
}

/// <summary>The user's recovery finished (the actor tells the decider so it can bring an existing user back to life).</summary>
public sealed record Recovered
{
    public static readonly Recovered Instance = new();
}

/// <summary>A planned reaction is due (a timer message). <paramref name="ReplyTo"/>: for a reply, the comment it answers.</summary>
public sealed record ReactionDue(DeliverPost Delivery, Domain.InteractionType Type, double Score, InteractionRecorded? ReplyTo = null)
{
    /// <summary>Where the user's reaction marks keep this one (see <see cref="FakeUserState.MarkKey"/>): the post, or for a reply the comment.</summary>
    public string MarkKey => ReplyTo?.InteractionId ?? Delivery.Post.PostId;

    public string Id(string userId) => ReplyTo is null
        ? InteractionRecorded.IdFor(userId, Delivery.Post.PostId, Type)
        : InteractionRecorded.ReplyIdFor(userId, ReplyTo.InteractionId);
}

/// <summary>A post whose text the gateway is writing.</summary>
public sealed record PendingPost(long RequestId, long Seq, string Interest, string Subtopic, bool Trending);

/// <summary>
/// The part of a user's state that lives only while the actor does (never persisted): paused or live, the posting timer,
/// texts being written, reactions planned. A restarted user starts from <see cref="Initial"/> and its recovered
/// <see cref="FakeUserState"/>.
/// </summary>
/// <param name="TimingDraws">How many posting gaps were drawn: the next gap's random number is drawn from (seed, user, this count).</param>
public sealed record UserRuntime(
    bool Paused,
    bool Live,
    bool PostTimerSet,
    long TimingDraws,
    long NextRequestId,
    PendingPost? PendingPost,
    ImmutableDictionary<long, ReactionDue> PendingComments,
    ImmutableHashSet<string> Planned)
{
    public static UserRuntime Initial { get; } = new(false, false, false, 0, 0, null,
        ImmutableDictionary<long, ReactionDue>.Empty, ImmutableHashSet.Create<string>(StringComparer.Ordinal));
}

/// <summary>Something the actor does for the decider, after the decision's events are persisted (at once if there are none).</summary>
public abstract record UserEffect;

/// <summary>Start (or restart) a single timer that delivers <paramref name="Message"/> at the simulated instant <paramref name="Due"/>.</summary>
public sealed record StartTimer(string Key, object Message, DateTime Due) : UserEffect;

/// <summary>Cancel every timer (pause).</summary>
public sealed record CancelTimers : UserEffect
{
    public static readonly CancelTimers Instance = new();
}

/// <summary>Ask the LLM gateway for a text; it answers with <see cref="TextGenerated"/>.</summary>
public sealed record AskForText(GenerateText Request) : UserEffect;

/// <summary>Publish on a pub/sub topic (<see cref="FeedTopics"/>).</summary>
public sealed record PublishOn(string Topic, object Message) : UserEffect;

/// <summary>Join (or rejoin, after the interests changed) this node's feed as a reader of these interests and authors.</summary>
public sealed record JoinTheFeed(IReadOnlyList<string> Interests, IReadOnlyList<string> Following) : UserEffect;

/// <summary>Tell this node's feed (follow, leave).</summary>
public sealed record TellFeed(object Message) : UserEffect;

/// <summary>Answer whoever sent the input.</summary>
public sealed record ReplyWith(object Message) : UserEffect;

/// <summary>Ask the shard to stop this user (scale-down).</summary>
public sealed record PassivateSelf : UserEffect
{
    public static readonly PassivateSelf Instance = new();
}

/// <summary>Log a warning.</summary>
public sealed record Warn(string Text) : UserEffect;

/// <summary>One decision: the runtime state after it, the events to persist (in order) and the effects to carry out.</summary>
public sealed record Decision(UserRuntime Runtime, IReadOnlyList<IUserEvent> Events, IReadOnlyList<UserEffect> Effects);
