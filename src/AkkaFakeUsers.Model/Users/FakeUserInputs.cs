using System.Collections.Immutable;
using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Users;

// Inputs the decider takes besides the commands of FakeUserMessages.cs, and the effects it asks the actor to carry out.

/// <summary>
/// Everything <see cref="FakeUserDecider.Decide"/> decides on: the commands of FakeUserMessages.cs, the timers below, a
/// served slate, a written text (<see cref="TextArrived"/>). The user actor translates what reaches it into one of these
/// at its edge; the decider refuses (throws <see cref="UnknownUserInputException"/>) an input it has no rule for, and a
/// test holds every implementation of this interface to a rule.
/// </summary>
public interface IUserInput;

/// <summary>The decider was given an input it has no rule for: a programming error, never silence.</summary>
public sealed class UnknownUserInputException(IUserInput input)
    : InvalidOperationException($"FakeUserDecider has no rule for the input {input.GetType().Name}");

/// <summary>The user's posting timer fired.</summary>
public sealed record PostTick : IUserInput, Serialization.IAfuSerializable
{
    public static readonly PostTick Instance = new();
}

/// <summary>The user's session timer fired: it opens the app and asks its feed for a slate.</summary>
public sealed record SessionTick : IUserInput, Serialization.IAfuSerializable
{
    public static readonly SessionTick Instance = new();
}

/// <summary>The user's recovery finished (the actor tells the decider so it can bring an existing user back to life).</summary>
public sealed record Recovered : IUserInput
{
    public static readonly Recovered Instance = new();
}

/// <summary>The user's recovery finished and it had fallen asleep on this node: it carries on with the runtime it slept
/// with (its timers are still in the schedule), so sleeping changes no decision.</summary>
public sealed record Woken(UserRuntime Runtime) : IUserInput;

/// <summary>The gateway wrote the text the user asked for (<see cref="AskForText"/>).</summary>
public sealed record TextArrived(TextGenerated Text) : IUserInput;

/// <summary>The shard's answer to the user's own Passivate when it falls asleep (unlike <see cref="StopUser"/>, its
/// timers stay in the schedule).</summary>
public sealed record GoToSleep
{
    public static readonly GoToSleep Instance = new();
}

/// <summary>
/// A reaction that needs a text (a comment from a slate, or a reply, which is a timer message). <paramref name="ReplyTo"/>:
/// for a reply, the comment it answers. <paramref name="ImpressionId"/> and <paramref name="Source"/>: the slate slot and
/// policy it came from.
/// </summary>
public sealed record ReactionDue(PostPublished Post, Domain.InteractionType Type, double Score, InteractionRecorded? ReplyTo = null,
    string? ImpressionId = null, string? Source = null, bool Exploration = false) : IUserInput, Serialization.IAfuSerializable
{
    /// <summary>Where the user's reaction marks keep this one (see <see cref="FakeUserState.MarkKey"/>): the post, or for a reply the comment.</summary>
    public string MarkKey => ReplyTo?.InteractionId ?? Post.PostId;

    public string Id(string userId) => ReplyTo is null
        ? InteractionRecorded.IdFor(userId, Post.PostId, Type)
        : InteractionRecorded.ReplyIdFor(userId, ReplyTo.InteractionId);
}

/// <summary>A post whose text the gateway is writing.</summary>
/// <param name="Appeal">The post's appeal and its author's quality (afu.behaviour.creators; null when off), drawn when it is asked for.</param>
public sealed record PendingPost(long RequestId, long Seq, string Interest, string Subtopic, bool Trending, double? Appeal = null, double? AuthorQuality = null);

/// <summary>
/// The part of a user's state that lives only while the actor does (never persisted): paused or live, the posting timer,
/// texts being written, reactions planned. A restarted user starts from <see cref="Initial"/> and its recovered
/// <see cref="FakeUserState"/>.
/// </summary>
/// <param name="TimingDraws">How many posting gaps were drawn: the next gap's random number is drawn from (seed, user, this count).</param>
/// <param name="SessionDraws">How many session gaps were drawn (the same, for sessions).</param>
/// <param name="PendingSlate">The slate asked of the feed and not yet answered.</param>
public sealed record UserRuntime(
    bool Paused,
    bool Live,
    bool PostTimerSet,
    long TimingDraws,
    long NextRequestId,
    PendingPost? PendingPost,
    ImmutableDictionary<long, ReactionDue> PendingComments,
    ImmutableHashSet<string> Planned,
    bool SessionTimerSet = false,
    long SessionDraws = 0,
    string? PendingSlate = null,
    ScrollState? Scroll = null)
{
    public static UserRuntime Initial { get; } = new(false, false, false, 0, 0, null,
        ImmutableDictionary<long, ReactionDue>.Empty, ImmutableHashSet.Create<string>(StringComparer.Ordinal));
}

/// <summary>A session scrolling on: the page asked for next, and what the pages before it left (not persisted: a user
/// that stops mid-session ends the session).</summary>
public sealed record ScrollState(string SessionId, long SessionSeq, int NextPage, int SkipsInARow, DateTime At, ImmutableHashSet<string> Shown);

/// <summary>Something the actor does for the decider, after the decision's events are persisted (at once if there are none).</summary>
public abstract record UserEffect;

/// <summary>Start (or restart) a single timer that delivers <paramref name="Message"/> at the simulated instant <paramref name="Due"/>.</summary>
public sealed record StartTimer(string Key, IUserInput Message, DateTime Due) : UserEffect;

/// <summary>Cancel every timer (pause).</summary>
public sealed record CancelTimers : UserEffect
{
    public static readonly CancelTimers Instance = new();
}

/// <summary>Ask the LLM gateway for a text; it answers with <see cref="TextGenerated"/>.</summary>
public sealed record AskForText(GenerateText Request) : UserEffect;

/// <summary>Ask this node's feed for a slate; it answers with <see cref="SlateServed"/>.</summary>
public sealed record AskForSlate(SlateRequest Request) : UserEffect;

/// <summary>Publish on a pub/sub topic (<see cref="FeedTopics"/>).</summary>
public sealed record PublishOn(string Topic, object Message) : UserEffect;

/// <summary>Join this node's feed as a live local user (comment notices reach it there).</summary>
public sealed record JoinTheFeed : UserEffect
{
    public static readonly JoinTheFeed Instance = new();
}

/// <summary>Tell this node's feed (leave, slate feedback).</summary>
public sealed record TellFeed(object Message) : UserEffect;

/// <summary>Answer whoever sent the input.</summary>
public sealed record ReplyWith(object Message) : UserEffect;

/// <summary>Ask the shard to stop this user (scale-down).</summary>
public sealed record PassivateSelf : UserEffect
{
    public static readonly PassivateSelf Instance = new();
}

/// <summary>
/// Tell the node's clock that the counted work <paramref name="Ticket"/> is done as far as this decision goes:
/// <paramref name="Continued"/> answers asked for by it (a text, a slate) carry the ticket on, and the work is done when the
/// last of them is decided. The last effect of a counted decision, run once its events are stored.
/// </summary>
public sealed record ReportWorkDone(long Ticket, int Continued) : UserEffect;

/// <summary>Log a warning.</summary>
public sealed record Warn(string Text) : UserEffect;

/// <summary>One decision: the runtime state after it, the events to persist (in order) and the effects to carry out.</summary>
public sealed record Decision(UserRuntime Runtime, IReadOnlyList<IUserEvent> Events, IReadOnlyList<UserEffect> Effects);
