using System.Globalization;
using System.Text;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Simulation;

namespace AkkaFakeUsers.Dataset;

public sealed record HistBin(string Label, long Count);

/// <param name="ExpectedLikes">Σ over views of P(like | match score, trend) from the configured reaction settings.</param>
/// <param name="ExpectedComments">Σ over views of P(comment | match score): top-level comments only (replies are counted apart).</param>
public sealed record FunnelStats(long Views, long Likes, long Comments, long Replies, double LikesPerView, double CommentsPerView,
    double ExpectedLikes, double ExpectedComments);

public sealed record MatchBin(double From, double To, long Views, long Likes, double LikeRate);

public sealed record ActivityStats(int Users, int Posters, double PostsGini, double PostsTop10Share, double PostsTop1Share, double InteractionsGini,
    IReadOnlyList<HistBin> PostsPerUser);

public sealed record HourStats(IReadOnlyList<long> Posts, IReadOnlyList<double> ConfiguredCurve, double Correlation, double SimulatedHours);

public sealed record InterestStats(IReadOnlyDictionary<string, int> UsersByPrimary, IReadOnlyDictionary<string, int> UsersWithInterest,
    IReadOnlyDictionary<string, long> PostsByInterest, IReadOnlyDictionary<string, long> LikesByInterest);

/// <param name="SharedInterestEdges">Share of follow edges whose two users share an interest.</param>
/// <param name="SharedInterestRandomPairs">The same share over random pairs of users (the no-homophily baseline).</param>
/// <param name="FollowedAuthorViews">Views of posts whose author the viewer follows (by the end of the data).</param>
public sealed record FollowStats(long Edges, double MeanOutDegree, int MaxInDegree, IReadOnlyList<HistBin> InDegree,
    double SharedInterestEdges, double SharedInterestRandomPairs, double HomophilyRatio, long FollowedAuthorViews);

/// <summary>One position of the slates: how often it was shown, examined, opened (the click-through rate), liked and hidden.</summary>
public sealed record PositionStats(int Position, long Impressions, double ExaminedRate, double Ctr, double LikeRate, double HideRate);

public sealed record PolicyShare(string Policy, long Slates, double Share, long Impressions, double Ctr, double LikeRate);

/// <summary>Hides per examined slot that was not opened, by the post's interest match for the user.</summary>
public sealed record HideBin(double From, double To, long NotOpened, long Hides, double HideRate);

/// <param name="RandomSlates">Slates of the uniformly random share (is_random), and their share of all slates.</param>
public sealed record ImpressionStats(long Slates, long Impressions, double MeanCandidates, IReadOnlyList<PositionStats> ByPosition,
    IReadOnlyList<PolicyShare> Policies, long RandomSlates, double RandomShare, long RandomImpressions, double RandomCtr,
    IReadOnlyList<HideBin> HideRateByMatch);

public sealed record TextStats(long Posts, double Distinct2, double DuplicateRate, IReadOnlyList<HistBin> Lengths, double ClassifierAgreement,
    IReadOnlyDictionary<string, long> ByGenerator, long Comments, double CommentDistinct2);

/// <summary>Realism statistics of a dataset (afu dataset report): printed as a table, written as JSON and PNG charts.</summary>
public sealed record DatasetReport(
    FunnelStats Funnel,
    IReadOnlyList<MatchBin> LikeRateByMatch,
    double LikeRateMatchHigh,
    double LikeRateMatchLow,
    ActivityStats Activity,
    HourStats Hours,
    InterestStats Interests,
    FollowStats Follows,
    IReadOnlyDictionary<int, long> CommentsByDepth,
    TextStats Text,
    ImpressionStats Impressions)
{
    /// <summary>The rows of afu dataset fidelity, computed by the same code.</summary>
    public FidelityReport Fidelity { get; init; } = FidelityReport.Compute(new DatasetTables([], [], [], [], []));

    public static DatasetReport Compute(DatasetTables t, AfuSettings settings)
    {
        var views = t.Interactions.Where(i => i.Type == "view").ToList();
        var likes = t.Interactions.Where(i => i.Type == "like").ToList();
        var comments = t.Interactions.Where(i => i.Type == "comment").ToList();
        var liked = likes.Select(l => (l.UserId, l.PostId)).ToHashSet();
        var postsById = t.Posts.ToDictionary(p => p.Id);

        // --- funnel and the configured expectation
        var r = settings.Reactions;
        var trends = settings.Behaviour.Trends;
        double expLikes = 0, expComments = 0;
        foreach (var v in views)
        {
            var boost = 1.0;
            if (postsById.TryGetValue(v.PostId, out var p) && p.Trending) boost = trends.LikeBoost;
            expLikes += Reactions.LikeProbability(r, v.Score, boost);
            expComments += Reactions.CommentProbability(r, v.Score);
        }
        var topLevel = comments.Count(c => c.ParentId is null);
        var funnel = new FunnelStats(views.Count, likes.Count, topLevel, comments.Count - topLevel,
            Ratio(likes.Count, views.Count), Ratio(topLevel, views.Count), Math.Round(expLikes, 1), Math.Round(expComments, 1));

        // --- like rate by match decile (over views: a like is a view that was liked)
        var bins = Enumerable.Range(0, 10).Select(d =>
        {
            var from = d / 10.0;
            var to = (d + 1) / 10.0;
            var inBin = views.Where(v => v.Score >= from && (v.Score < to || (d == 9 && v.Score <= 1.0))).ToList();
            var l = inBin.Count(v => liked.Contains((v.UserId, v.PostId)));
            return new MatchBin(from, to, inBin.Count, l, Ratio(l, inBin.Count));
        }).ToList();
        double RateWhere(Func<DsInteraction, bool> f)
        {
            var sel = views.Where(f).ToList();
            return Ratio(sel.Count(v => liked.Contains((v.UserId, v.PostId))), sel.Count);
        }

        // --- activity
        var postsPerUser = t.Users.ToDictionary(u => u.Id, _ => 0.0);
        foreach (var p in t.Posts) postsPerUser[p.AuthorId] = postsPerUser.GetValueOrDefault(p.AuthorId) + 1;
        var actsPerUser = t.Users.ToDictionary(u => u.Id, _ => 0.0);
        foreach (var i in t.Interactions) actsPerUser[i.UserId] = actsPerUser.GetValueOrDefault(i.UserId) + 1;
        var activity = new ActivityStats(t.Users.Count, postsPerUser.Count(kv => kv.Value > 0),
            Round(Stats.Gini(postsPerUser.Values)), Round(Stats.TopShare(postsPerUser.Values, 0.10)), Round(Stats.TopShare(postsPerUser.Values, 0.01)),
            Round(Stats.Gini(actsPerUser.Values)), LogHistogram(postsPerUser.Values.Select(v => (long)v)));

        // --- posts by simulated hour vs the configured curve
        var hours = new long[24];
        foreach (var p in t.Posts) hours[p.CreatedAt.Hour]++;
        var curve = settings.Behaviour.Daily.Hourly.Count == 24 ? settings.Behaviour.Daily.Hourly.ToArray() : Enumerable.Repeat(1.0, 24).ToArray();
        var span = t.Posts.Count > 1 ? (t.Posts.Max(p => p.CreatedAt) - t.Posts.Min(p => p.CreatedAt)).TotalHours : 0;
        var hourStats = new HourStats(hours, curve, Round(Stats.Pearson(hours.Select(h => (double)h).ToArray(), curve)), Math.Round(span, 1));

        // --- interests
        var interests = new InterestStats(
            Count(t.Users.Where(u => u.Interests.Count > 0).Select(u => u.Interests[0])),
            Count(t.Users.SelectMany(u => u.Interests)),
            t.Posts.GroupBy(p => p.Interest).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => (long)g.Count()),
            likes.Where(l => postsById.ContainsKey(l.PostId)).GroupBy(l => postsById[l.PostId].Interest).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => (long)g.Count()));

        // --- follow graph
        var userInterests = t.Users.ToDictionary(u => u.Id, u => u.Interests.ToHashSet(StringComparer.OrdinalIgnoreCase));
        bool Shares(string a, string b) => userInterests.TryGetValue(a, out var x) && userInterests.TryGetValue(b, out var y) && x.Overlaps(y);
        var inDeg = t.Users.ToDictionary(u => u.Id, _ => 0L);
        foreach (var f in t.Follows) inDeg[f.FolloweeId] = inDeg.GetValueOrDefault(f.FolloweeId) + 1;
        var followSet = t.Follows.Select(f => (f.FollowerId, f.FolloweeId)).ToHashSet();
        var sharedEdges = Ratio(t.Follows.Count(f => Shares(f.FollowerId, f.FolloweeId)), t.Follows.Count);
        var rng = new Random(12345);
        var ids = t.Users.Select(u => u.Id).ToArray();
        var pairs = 0;
        var sharedPairs = 0;
        for (var k = 0; ids.Length > 1 && k < 20_000; k++)
        {
            var a = ids[rng.Next(ids.Length)];
            var b = ids[rng.Next(ids.Length)];
            if (a == b) continue;
            pairs++;
            if (Shares(a, b)) sharedPairs++;
        }
        var sharedRandom = Ratio(sharedPairs, pairs);
        var follows = new FollowStats(t.Follows.Count, Round(Ratio(t.Follows.Count, t.Users.Count)), inDeg.Count == 0 ? 0 : (int)inDeg.Values.Max(),
            LogHistogram(inDeg.Values), Round(sharedEdges), Round(sharedRandom), Round(sharedRandom > 0 ? sharedEdges / sharedRandom : 0),
            views.Count(v => followSet.Contains((v.UserId, postsById.TryGetValue(v.PostId, out var p) ? p.AuthorId : ""))));

        // --- threads (comments recorded before threads existed carry no depth: they are comments on posts)
        var byDepth = new SortedDictionary<int, long>();
        foreach (var c in comments)
        {
            var d = Math.Max(1, c.ThreadDepth);
            byDepth[d] = byDepth.GetValueOrDefault(d) + 1;
        }

        // --- text
        var contents = t.Posts.Select(p => p.Content).ToList();
        var agree = t.Posts.Count(p => string.Equals(TopicClassifier.Classify(p.Content), p.Interest, StringComparison.OrdinalIgnoreCase));
        var text = new TextStats(t.Posts.Count, Round(ContentRules.DistinctN(contents, 2)),
            Round(t.Posts.Count == 0 ? 0 : 1 - (double)contents.Distinct().Count() / contents.Count),
            contents.GroupBy(c => Math.Min(9, c.Length / 50)).OrderBy(g => g.Key).Select(g => new HistBin($"{g.Key * 50}-{g.Key * 50 + 49}", g.Count())).ToList(),
            Round(Ratio(agree, t.Posts.Count)),
            t.Posts.GroupBy(p => p.GeneratedBy).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => (long)g.Count()),
            comments.Count, Round(ContentRules.DistinctN(comments.Select(c => c.Content ?? "").Where(c => c.Length > 0).ToList(), 2)));

        return new DatasetReport(funnel, bins, Round(RateWhere(v => v.Score >= 0.7)), Round(RateWhere(v => v.Score < 0.2)),
            activity, hourStats, interests, follows, byDepth, text, ImpressionsOf(t.Impressions)) { Fidelity = FidelityReport.Compute(t) };
    }

    public static ImpressionStats ImpressionsOf(IReadOnlyList<DsImpression> all)
    {
        double Rate(IEnumerable<DsImpression> rows, Func<DsImpression, bool> f)
        {
            long n = 0, k = 0;
            foreach (var r in rows)
            {
                n++;
                if (f(r)) k++;
            }
            return Round(Ratio(k, n));
        }
        var slates = all.Select(i => i.SlateId).Distinct().LongCount();
        var byPosition = all.GroupBy(i => i.Position).OrderBy(g => g.Key)
            .Select(g => new PositionStats(g.Key, g.Count(), Rate(g, i => i.Examined), Rate(g, i => i.Viewed), Rate(g, i => i.Liked), Rate(g, i => i.Hid))).ToList();
        var policies = all.GroupBy(i => i.Policy).OrderBy(g => g.Key).Select(g =>
        {
            var n = g.Select(i => i.SlateId).Distinct().LongCount();
            return new PolicyShare(g.Key, n, Round(Ratio(n, slates)), g.Count(), Rate(g, i => i.Viewed), Rate(g, i => i.Liked));
        }).ToList();
        var random = all.Where(i => i.IsRandom).ToList();
        var randomSlates = random.Select(i => i.SlateId).Distinct().LongCount();
        var notOpened = all.Where(i => i.Examined && !i.Viewed).ToList();
        var hides = Enumerable.Range(0, 5).Select(b =>
        {
            var from = b / 5.0;
            var to = (b + 1) / 5.0;
            var inBin = notOpened.Where(i => i.MatchScore >= from && (i.MatchScore < to || (b == 4 && i.MatchScore <= 1.0))).ToList();
            var h = inBin.Count(i => i.Hid);
            return new HideBin(from, to, inBin.Count, h, Round(Ratio(h, inBin.Count)));
        }).ToList();
        return new ImpressionStats(slates, all.Count, Round(all.Count == 0 ? 0 : all.GroupBy(i => i.SlateId).Average(g => (double)g.First().Candidates)),
            byPosition, policies, randomSlates, Round(Ratio(randomSlates, slates)), random.Count, Rate(random, i => i.Viewed), hides);
    }

    private static double Ratio(double a, double b) => b <= 0 ? 0 : a / b;

    private static double Round(double x) => Math.Round(x, 4);

    private static IReadOnlyDictionary<string, int> Count(IEnumerable<string> names) =>
        names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>0, 1, 2-3, 4-7, 8-15, … (powers of two): a heavy tail shows as a long right side.</summary>
    private static IReadOnlyList<HistBin> LogHistogram(IEnumerable<long> values)
    {
        var counts = new SortedDictionary<int, long>();
        foreach (var v in values)
        {
            var b = v <= 0 ? -1 : (int)Math.Floor(Math.Log2(v));
            counts[b] = counts.GetValueOrDefault(b) + 1;
        }
        return counts.Select(kv => new HistBin(kv.Key < 0 ? "0" : kv.Key == 0 ? "1" : $"{1 << kv.Key}-{(1 << (kv.Key + 1)) - 1}", kv.Value)).ToList();
    }

    /// <summary>The report as a text table.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        string F(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);
        string P(double x) => (x * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        void Line(string k, string v) => sb.AppendLine($"  {k,-34} {v}");

        sb.AppendLine("funnel");
        Line("views", Funnel.Views.ToString());
        Line("likes (per view)", $"{Funnel.Likes} ({P(Funnel.LikesPerView)}; configured expectation {F(Funnel.ExpectedLikes)})");
        Line("comments (per view)", $"{Funnel.Comments} ({P(Funnel.CommentsPerView)}; configured expectation {F(Funnel.ExpectedComments)})");
        Line("replies", Funnel.Replies.ToString());
        sb.AppendLine("like rate by interest match");
        foreach (var b in LikeRateByMatch.Where(b => b.Views > 0))
            Line($"match {F(b.From)}-{F(b.To)}", $"{P(b.LikeRate)} of {b.Views} views");
        Line("match >= 0.7 vs < 0.2", $"{P(LikeRateMatchHigh)} vs {P(LikeRateMatchLow)} (x{F(LikeRateMatchLow > 0 ? LikeRateMatchHigh / LikeRateMatchLow : 0)})");
        sb.AppendLine("activity");
        Line("users (who posted)", $"{Activity.Users} ({Activity.Posters})");
        Line("posts per user: Gini", F(Activity.PostsGini));
        Line("posts by top 10% / top 1% of users", $"{P(Activity.PostsTop10Share)} / {P(Activity.PostsTop1Share)}");
        Line("interactions per user: Gini", F(Activity.InteractionsGini));
        Line("posts per user histogram", string.Join("  ", Activity.PostsPerUser.Select(b => $"{b.Label}:{b.Count}")));
        sb.AppendLine("time of day (simulated UTC hours)");
        Line("posts by hour", string.Join(" ", Hours.Posts));
        Line("correlation with configured curve", $"{F(Hours.Correlation)} over {F(Hours.SimulatedHours)} simulated hours");
        sb.AppendLine("interests");
        Line("users by primary interest", string.Join("  ", Interests.UsersByPrimary.Select(kv => $"{kv.Key}:{kv.Value}")));
        Line("posts by interest", string.Join("  ", Interests.PostsByInterest.Select(kv => $"{kv.Key}:{kv.Value}")));
        Line("likes by interest", string.Join("  ", Interests.LikesByInterest.Select(kv => $"{kv.Key}:{kv.Value}")));
        sb.AppendLine("follow graph");
        Line("edges (mean out-degree)", $"{Follows.Edges} ({F(Follows.MeanOutDegree)})");
        Line("in-degree histogram (max)", $"{string.Join("  ", Follows.InDegree.Select(b => $"{b.Label}:{b.Count}"))} ({Follows.MaxInDegree})");
        Line("edges sharing an interest", $"{P(Follows.SharedInterestEdges)} vs {P(Follows.SharedInterestRandomPairs)} of random pairs (x{F(Follows.HomophilyRatio)})");
        Line("views of followed authors' posts", Follows.FollowedAuthorViews.ToString());
        sb.AppendLine("impressions (what the feeds showed)");
        Line("slates / impressions", $"{Impressions.Slates} / {Impressions.Impressions} (mean candidate pool {F(Impressions.MeanCandidates)})");
        foreach (var p in Impressions.ByPosition)
            Line($"position {p.Position}", $"CTR {P(p.Ctr)}, examined {P(p.ExaminedRate)}, liked {P(p.LikeRate)}, hidden {P(p.HideRate)} of {p.Impressions}");
        foreach (var p in Impressions.Policies)
            Line($"policy {p.Policy}", $"{P(p.Share)} of slates ({p.Slates}), CTR {P(p.Ctr)}, like rate {P(p.LikeRate)} per impression");
        Line("random slice (is_random)", $"{Impressions.RandomSlates} slates ({P(Impressions.RandomShare)}), {Impressions.RandomImpressions} impressions, CTR {P(Impressions.RandomCtr)}");
        foreach (var h in Impressions.HideRateByMatch.Where(h => h.NotOpened > 0))
            Line($"hide rate, match {F(h.From)}-{F(h.To)}", $"{P(h.HideRate)} of {h.NotOpened} examined, not opened");
        sb.AppendLine("threads");
        Line("comments by depth", string.Join("  ", CommentsByDepth.Select(kv => $"{kv.Key}:{kv.Value}")));
        sb.AppendLine("text");
        Line("posts by generator", string.Join("  ", Text.ByGenerator.Select(kv => $"{kv.Key}:{kv.Value}")));
        Line("distinct-2 / duplicate rate", $"{F(Text.Distinct2)} / {P(Text.DuplicateRate)}");
        Line("comment distinct-2", $"{F(Text.CommentDistinct2)} over {Text.Comments} comments");
        Line("keyword classifier agrees with topic", P(Text.ClassifierAgreement));
        Line("length histogram (chars)", string.Join("  ", Text.Lengths.Select(b => $"{b.Label}:{b.Count}")));
        sb.AppendLine("fidelity to published statistics of real logs (afu dataset fidelity; docs/fidelity.md)");
        sb.Append(Fidelity.ToText());
        return sb.ToString();
    }
}
