using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Feed;

/// <summary>What one call to a ranking service gave: a finite score per candidate (in the prepared order), or why not.</summary>
/// <param name="Failure">timeout, http-STATUS, connect-error, bad-json, missing-scores, wrong-ids, not-finite (null: scores are good).</param>
public sealed record ExternalAnswer(string Name, double[]? Scores, string? Failure, TimeSpan Took)
{
    public bool Ok => Failure is null;
}

/// <summary>
/// The request an external policy gets for one slate (docs/external-policy.schema.json): the user's observable history
/// (whom it follows, its reactions, what this node's feed showed it lately; never its true interests) and the candidates
/// with their observable features. Built as UTF-8 JSON bytes, off the actor's state: everything comes from the prepared slate.
/// </summary>
public static class ExternalRequest
{
    public const string Schema = "afu.external-policy.request/1";

    private const string Instant = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>At most this many of the user's reactions travel (the posts created most recently first).</summary>
    public const int MaxReactions = 50;

    public static byte[] Build(string name, PreparedSlate slate, CandidatePool pool, IReadOnlyCollection<ShownPost> recent)
    {
        var r = slate.Request;
        using var buffer = new MemoryStream(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("policy", name);
            w.WriteString("slate_id", r.SlateId);
            w.WriteString("session_id", r.SessionId);
            w.WriteString("user_id", r.UserId);
            w.WriteString("now", r.Now.ToUniversalTime().ToString(Instant));
            w.WriteNumber("slate_size", r.Size);

            w.WriteStartObject("user");
            w.WriteStartArray("following");
            foreach (var f in r.Following.OrderBy(x => x, StringComparer.Ordinal)) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteStartArray("reactions");
            if (r.Seen is { Count: > 0 } seen)
                foreach (var (postId, mark) in seen.OrderByDescending(kv => kv.Value.PostCreatedAt).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(MaxReactions))
                {
                    w.WriteStartObject();
                    w.WriteString("post_id", postId);
                    w.WriteString("author_id", PostIds.AuthorOf(postId));
                    if (pool.TryGet(postId, out var p))
                    {
                        w.WriteString("interest", p.Post.Interest);
                        w.WriteString("subtopic", p.Post.Subtopic);
                    }
                    w.WriteBoolean("viewed", mark.Viewed);
                    w.WriteBoolean("liked", mark.Liked);
                    w.WriteBoolean("commented", mark.Commented);
                    w.WriteBoolean("hid", mark.Hid);
                    w.WriteEndObject();
                }
            w.WriteEndArray();
            w.WriteStartArray("recent_impressions");
            foreach (var s in recent)
            {
                w.WriteStartObject();
                w.WriteString("post_id", s.PostId);
                w.WriteNumber("position", s.Position);
                w.WriteString("shown_at", s.At.ToUniversalTime().ToString(Instant));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartArray("candidates");
            for (var i = 0; i < slate.Candidates.Count; i++)
            {
                var post = slate.Candidates[i].Post;
                var f = slate.Features[i];
                w.WriteStartObject();
                w.WriteString("post_id", post.PostId);
                w.WriteString("author_id", post.UserId);
                w.WriteString("interest", post.Interest);
                w.WriteString("subtopic", post.Subtopic);
                w.WriteNumber("age_hours", Math.Round(f.AgeHours, 4));
                w.WriteNumber("likes", f.Likes);
                w.WriteBoolean("followed", f.Followed);
                w.WriteBoolean("trending", f.Trending);
                w.WriteString("text", post.Content);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Reads a service's answer, <c>{"scores": {"POST_ID": number, …}}</c>: exactly one finite number for every candidate
    /// (extra ids, missing ids, non-numbers, non-finite values and non-JSON are each a named failure).
    /// </summary>
    public static (double[]? Scores, string? Failure) Parse(ReadOnlySpan<byte> body, IReadOnlyList<PoolPost> candidates)
    {
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return (null, "bad-json");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("scores", out var scores) || scores.ValueKind != JsonValueKind.Object)
                return (null, "bad-json");
            var index = new Dictionary<string, int>(candidates.Count, StringComparer.Ordinal);
            for (var i = 0; i < candidates.Count; i++) index[candidates[i].Post.PostId] = i;
            var result = new double[candidates.Count];
            var given = new bool[candidates.Count];
            var count = 0;
            foreach (var p in scores.EnumerateObject())
            {
                if (!index.TryGetValue(p.Name, out var i) || given[i]) return (null, "wrong-ids");
                if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out var v) || !double.IsFinite(v)) return (null, "not-finite");
                result[i] = v;
                given[i] = true;
                count++;
            }
            return count == candidates.Count ? (result, null) : (null, "missing-scores");
        }
    }
}

/// <summary>
/// Calls one ranking service: a POST per slate on a keep-alive connection pool, cancelled at the timeout. Never throws:
/// every failure comes back as a named <see cref="ExternalAnswer.Failure"/>. The feed bounds how many are in flight and
/// runs the circuit breaker; this only makes the call.
/// </summary>
public sealed class ExternalPolicyClient(ExternalPolicySettings settings, HttpClient http)
{
    public ExternalPolicySettings Settings { get; } = settings;

    /// <summary>A client whose connections stay open between slates (at most max-in-flight of them).</summary>
    public static ExternalPolicyClient Create(ExternalPolicySettings s) =>
        new(s, new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = s.MaxInFlight,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        }) { Timeout = Timeout.InfiniteTimeSpan });

    public async Task<ExternalAnswer> ScoreAsync(byte[] body, IReadOnlyList<PoolPost> candidates)
    {
        var watch = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(Settings.Timeout);
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(Settings.Url, content, cts.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return new(Settings.Name, null, $"http-{(int)response.StatusCode}", watch.Elapsed);
            var bytes = await response.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
            var (scores, failure) = ExternalRequest.Parse(bytes, candidates);
            return new(Settings.Name, scores, failure, watch.Elapsed);
        }
        catch (OperationCanceledException)
        {
            return new(Settings.Name, null, "timeout", watch.Elapsed);
        }
        catch (HttpRequestException)
        {
            return new(Settings.Name, null, "connect-error", watch.Elapsed);
        }
        catch (Exception)
        {
            return new(Settings.Name, null, "error", watch.Elapsed);
        }
    }
}
