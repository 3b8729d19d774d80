using AkkaFakeUsers.Serialization;

namespace AkkaFakeUsers.Feed;

public sealed record GetFeedStatus : IAfuSerializable
{
    public static readonly GetFeedStatus Instance = new();
}

/// <summary>Switches every node's feed to a new policy mix (published on the feed-control topic by <c>feed policy …</c>).</summary>
public sealed record SetFeedPolicy(string Mix) : IAfuSerializable;

/// <param name="Members">Live users of this node.</param>
/// <param name="PostsReceived">Posts that reached this node's pool (<paramref name="RemotePosts"/> of them by users of other nodes).</param>
/// <param name="Pool">Posts in the candidate pool now.</param>
/// <param name="Slates">Slates served (<paramref name="RandomSlates"/> of them of the random share; <paramref name="EmptySlates"/> found no candidate).</param>
public sealed record FeedStatus(
    int Members,
    long PostsReceived,
    int Pool,
    long Slates,
    long Impressions,
    long RandomSlates,
    long EmptySlates,
    IReadOnlyDictionary<string, long> SlatesByPolicy,
    string Policy,
    long RemotePosts,
    long Likes,
    long LearnedExamples,
    long LearnedRefreshes) : IAfuSerializable
{
    /// <summary>Calls to ranking services by "NAME/outcome": ok, timeout, http-500, bad-json, wrong-ids, missing-scores, not-finite, breaker-open, queue-full, connect-error.</summary>
    public IReadOnlyDictionary<string, long> External { get; init; } = new Dictionary<string, long>();

    /// <summary>Slates an external policy (by NAME) was to serve but its fallback ranked (logged as fallback:POLICY).</summary>
    public IReadOnlyDictionary<string, long> Fallbacks { get; init; } = new Dictionary<string, long>();
}
