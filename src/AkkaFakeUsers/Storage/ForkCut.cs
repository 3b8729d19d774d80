using System.Globalization;
using System.Text.Json;

namespace AkkaFakeUsers.Storage;

/// <summary>What the cut needs of one journal event: its simulated instant and the slate it shows or belongs to.</summary>
/// <param name="At">The event's own simulated instant (<c>CreatedAt</c>), not the journal's wall-clock column.</param>
/// <param name="Shows">A <c>SlateShown</c>: its slate id.</param>
/// <param name="Of">An outcome of a slate: an interaction with an impression id (view, like, hide, a comment whose text came
/// later), or a follow decided with that slate (after a like of one of its posts, before the user's next slate).</param>
/// <param name="Post">A <c>PostPublished</c>: its post id. <paramref name="Liked"/>: a like's post id (the feed's pool is warmed with both).</param>
public readonly record struct CutEvent(DateTime At, string? Shows = null, string? Of = null, string? Post = null, string? Liked = null);

/// <summary>
/// Where a fork cuts one user's journal at a simulated instant: a pure rule, tested on its own.
/// <para>
/// A persistent actor's state is a prefix of its events, so the cut keeps, per persistence id, a prefix of its
/// sequence (no gaps): the events up to (not including) its first event stamped after the instant. A user's events are
/// not always in time order (a slate's interactions are stamped when they happen within the session, seconds after the
/// slate; the user's next post may be persisted meanwhile with an earlier stamp), so an event at or before the
/// instant that follows a later one is left out with it. And a slate goes whole or not at all: a slate whose outcome
/// (an interaction or follow it led to) falls outside the cut is left out too, with everything after it, so the
/// impression log never says "liked" about a like the fork does not hold.
/// </para>
/// </summary>
public static class ForkCut
{
    /// <returns>How many of <paramref name="events"/> (one user's, in sequence order) the fork keeps.</returns>
    public static int Keep(IReadOnlyList<CutEvent> events, DateTime at)
    {
        var k = 0;
        while (k < events.Count && events[k].At <= at) k++;
        while (true)
        {
            var outside = new HashSet<string>(StringComparer.Ordinal);
            for (var j = k; j < events.Count; j++)
                if (events[j].Of is { } slate) outside.Add(slate);
            var first = -1;
            for (var i = 0; i < k && outside.Count > 0; i++)
                if (events[i].Shows is { } shown && outside.Contains(shown))
                {
                    first = i;
                    break;
                }
            if (first < 0) return k;
            k = first;
        }
    }

    /// <summary>
    /// Reads the cut's view of one user's events (their JSON as <c>AfuJsonSerializer</c> wrote them, in sequence order):
    /// the instant of each, the slate a <c>SlateShown</c> shows, the slate an interaction (by its impression id,
    /// <c>slate#position</c>) or a follow (by the post it came from, in the user's latest slate) belongs to.
    /// </summary>
    public static List<CutEvent> Describe(IEnumerable<(string Manifest, byte[] Json)> events)
    {
        var list = new List<CutEvent>();
        string? lastSlate = null;
        HashSet<string> lastSlatePosts = new(StringComparer.Ordinal);
        foreach (var (manifest, json) in events)
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (!root.TryGetProperty("createdAt", out var created) || created.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"a journal event ({manifest}) without createdAt: not an event of this simulation");
            var at = DateTime.Parse(created.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            switch (manifest)
            {
                case "SlateShown":
                    lastSlate = root.GetProperty("slateId").GetString();
                    lastSlatePosts = root.TryGetProperty("items", out var items)
                        ? items.EnumerateArray().Select(i => i.GetProperty("postId").GetString()!).ToHashSet(StringComparer.Ordinal)
                        : new HashSet<string>(StringComparer.Ordinal);
                    list.Add(new CutEvent(at, Shows: lastSlate));
                    break;
                case "InteractionRecorded":
                    var impression = root.TryGetProperty("impressionId", out var imp) && imp.ValueKind == JsonValueKind.String ? imp.GetString() : null;
                    var hash = impression?.LastIndexOf('#') ?? -1;
                    var liked = root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "like"
                        && root.TryGetProperty("postId", out var likedPost) ? likedPost.GetString() : null;
                    list.Add(new CutEvent(at, Of: hash > 0 ? impression![..hash] : null, Liked: liked));
                    break;
                case "UserFollowed":
                    var via = root.TryGetProperty("viaPostId", out var v) ? v.GetString() : null;
                    list.Add(new CutEvent(at, Of: lastSlate is not null && via is not null && lastSlatePosts.Contains(via) ? lastSlate : null));
                    break;
                case "PostPublished":
                    list.Add(new CutEvent(at, Post: root.TryGetProperty("postId", out var post) ? post.GetString() : null));
                    break;
                default:
                    list.Add(new CutEvent(at));
                    break;
            }
        }
        return list;
    }
}
