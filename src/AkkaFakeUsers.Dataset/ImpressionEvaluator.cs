using System.Globalization;
using System.Text;

namespace AkkaFakeUsers.Dataset;

/// <param name="NdcgAt10">Mean over test slates with an engaged and a not-engaged slot: nDCG@10 of the slate re-ranked by the predictor.</param>
public sealed record RankingScores(string Name, double Auc, double NdcgAt10, int Slates);

/// <summary>A recommender trained on the impression log: every shown post is an example, engaged (liked or commented) or not.</summary>
/// <param name="ModelAucExamined">The model's AUC over the test impressions the user examined (the simulator knows which): free of
/// the position bias that shown-but-not-examined negatives carry (a policy that ranks matches on top gets them examined more).</param>
public sealed record ImpressionEvaluation(int TrainRows, int TestRows, double TrainEngagedRate, double TestEngagedRate, DateTime SplitAt,
    RankingScores Model, RankingScores Random, RankingScores MostPopular, RankingScores LoggedOrder, double ModelAucExamined, int ExaminedTestRows)
{
    /// <summary>What counts as a positive: "engaged" (liked or commented) or "opened" (viewed: MIND's click).</summary>
    public string Label { get; init; } = "engaged";

    /// <summary>The same model trained without the post and author features (the author's rate so far, the post's length):
    /// user x interest alone, so the gap to <see cref="Model"/> is what creators and posts add.</summary>
    public RankingScores? UserInterestOnly { get; init; }

    /// <summary><see cref="UserInterestOnly"/>'s AUC over the examined test impressions.</summary>
    public double? UserInterestOnlyAucExamined { get; init; }

    public string ToText()
    {
        var sb = new StringBuilder();
        string F(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);
        sb.AppendLine($"  split        train {TrainRows} impressions (first 80% by time, {Label} {F(TrainEngagedRate)}), test {TestRows} (last 20%, {Label} {F(TestEngagedRate)}), at {SplitAt:yyyy-MM-dd HH:mm:ss}Z");
        sb.AppendLine($"  {"predictor",-14} {"AUC",6}  {"nDCG@10",7}  slates");
        foreach (var m in new[] { Model, UserInterestOnly, Random, MostPopular, LoggedOrder })
            if (m is not null) sb.AppendLine($"  {m.Name,-14} {F(m.Auc),6}  {F(m.NdcgAt10),7}  {m.Slates}");
        sb.AppendLine("  (user-interest: fasttree without the post and author features; logged-order: the position the feed showed it at, the policy's own ranking)");
        sb.AppendLine($"  fasttree AUC over the {ExaminedTestRows} examined test impressions only: {F(ModelAucExamined)} (no position bias in the negatives)" +
                      (UserInterestOnlyAucExamined is { } u ? $"; user-interest {F(u)}" : ""));
        return sb.ToString();
    }
}

/// <summary>The positives of an impression model: engaged (liked or commented) or opened (viewed, MIND's click).</summary>
public enum ImpressionLabel { Engaged, Opened }

/// <summary>
/// afu dataset evaluate, on the impression log: negatives are posts shown and not engaged with (as in MIND). Impressions
/// are split by time (train on the first 80%, test on the last 20%); the same FastTree and features as the view model
/// (<see cref="LikeEvaluator"/>), known before each impression, are scored by AUC and nDCG@10 per slate against random,
/// most-popular (the post's engagements known at the split) and the order the feed showed.
/// </summary>
public static class ImpressionEvaluator
{
    /// <summary>Fewer impressions than this and the impression model is not trained.</summary>
    public const int MinImpressions = 500;

    /// <summary>Features a user x interest model does without: the author's rate so far and the post's length (indices in <see cref="LikeEvaluator.FeatureNames"/>).</summary>
    public static readonly string[] PostAndAuthorFeatures = ["author_like_rate_so_far", "post_length"];

    public static ImpressionEvaluation Evaluate(DatasetTables t, int seed = 1, ImpressionLabel label = ImpressionLabel.Engaged)
    {
        var posts = t.Posts.ToDictionary(p => p.Id);
        var profile = t.Users.ToDictionary(u => u.Id, u => u.Interests);
        var rows = t.Impressions.Where(i => posts.ContainsKey(i.PostId) && profile.ContainsKey(i.UserId)).ToList(); // already in time order
        if (rows.Count < MinImpressions) throw new NotEnoughDataException($"only {rows.Count} impressions: run the simulation longer (the impression model needs at least {MinImpressions})");
        // split at a slate boundary so a slate is never half in train, half in test
        var split = (int)(rows.Count * 0.8);
        while (split < rows.Count && rows[split].SlateId == rows[split - 1].SlateId) split++;
        if (split >= rows.Count) throw new InvalidDataException("too few slates to hold out the last 20% by time");
        bool Engaged(DsImpression i) => label == ImpressionLabel.Opened ? i.Viewed : i.Liked || i.Commented;
        var prior = (double)rows.Take(split).Count(Engaged) / split;

        var counts = new LikeEvaluator.Counts(t.Posts);
        var postEngaged = new Dictionary<string, int>(StringComparer.Ordinal);
        var train = new List<LikeEvaluator.Row>(split);
        var test = new List<(DsImpression Imp, LikeEvaluator.Row Row, double Popularity)>();
        for (var k = 0; k < rows.Count; k++)
        {
            var i = rows[k];
            var p = posts[i.PostId];
            counts.SeePostsUntil(i.ShownAt);
            var row = new LikeEvaluator.Row { Label = Engaged(i), Features = LikeEvaluator.Features(i.UserId, p, profile[i.UserId], counts, prior) };
            if (k < split)
            {
                train.Add(row);
                counts.Add(i.UserId, p.Interest, p.Subtopic, p.AuthorId, row.Label);
                if (row.Label) postEngaged[p.Id] = postEngaged.GetValueOrDefault(p.Id) + 1;
            }
            else test.Add((i, row, postEngaged.GetValueOrDefault(p.Id) + 0.001 * counts.Author.GetValueOrDefault(p.AuthorId).L));
        }
        if (train.All(r => r.Label) || !train.Any(r => r.Label)) throw new InvalidDataException($"the training impressions are all {Name(label)} or all not: nothing to learn from");

        var engine = LikeEvaluator.Train(train, seed);
        var labels = test.Select(x => x.Row.Label).ToArray();
        var rng = new Random(seed);
        var modelScores = test.Select(x => (double)engine.Predict(x.Row).Probability).ToArray();
        var examined = Enumerable.Range(0, test.Count).Where(k => test[k].Imp.Examined).ToArray();
        var examinedAuc = Stats.Auc(examined.Select(k => modelScores[k]).ToArray(), examined.Select(k => labels[k]).ToArray());
        RankingScores Score(string name, double[] s) => new(name, Math.Round(Stats.Auc(s, labels), 4), Math.Round(NdcgAt10(test.Select(x => x.Imp.SlateId).ToArray(), labels, s, out var n), 4), n);
        var result = new ImpressionEvaluation(train.Count, test.Count, Math.Round(prior, 4), Math.Round(labels.Count(l => l) / (double)labels.Length, 4), rows[split].ShownAt,
            Score("fasttree", modelScores),
            Score("random", test.Select(_ => rng.NextDouble()).ToArray()),
            Score("most-popular", test.Select(x => x.Popularity).ToArray()),
            Score("logged-order", test.Select(x => -(double)x.Imp.Position).ToArray()), Math.Round(examinedAuc, 4), examined.Length) { Label = Name(label) };

        // the ablation: the same model without what it knows of the post and its author
        var masked = PostAndAuthorFeatures.Select(f => Array.IndexOf(LikeEvaluator.FeatureNames, f)).ToArray();
        LikeEvaluator.Row Mask(LikeEvaluator.Row r)
        {
            var f = (float[])r.Features.Clone();
            foreach (var k in masked) f[k] = 0;
            return new LikeEvaluator.Row { Label = r.Label, Features = f };
        }
        var plain = LikeEvaluator.Train(train.Select(Mask).ToList(), seed);
        var plainScores = test.Select(x => (double)plain.Predict(Mask(x.Row)).Probability).ToArray();
        return result with
        {
            UserInterestOnly = Score("user-interest", plainScores),
            UserInterestOnlyAucExamined = Math.Round(Stats.Auc(examined.Select(k => plainScores[k]).ToArray(), examined.Select(k => labels[k]).ToArray()), 4),
        };
    }

    private static string Name(ImpressionLabel label) => label == ImpressionLabel.Opened ? "opened" : "engaged";

    /// <summary>MIND's per-impression nDCG@10: each slate re-ranked by the scores, gain 1 for an engaged slot, averaged over slates with both kinds.</summary>
    public static double NdcgAt10(string[] slates, bool[] labels, double[] scores, out int counted)
    {
        double sum = 0;
        counted = 0;
        foreach (var g in Enumerable.Range(0, slates.Length).GroupBy(k => slates[k]))
        {
            var idx = g.ToArray();
            var positives = idx.Count(k => labels[k]);
            if (positives == 0 || positives == idx.Length) continue;
            var ranked = idx.OrderByDescending(k => scores[k]).ThenBy(k => k).Take(10).ToArray();
            double dcg = 0, ideal = 0;
            for (var r = 0; r < ranked.Length; r++) dcg += labels[ranked[r]] ? 1 / Math.Log2(r + 2) : 0;
            for (var r = 0; r < Math.Min(10, positives); r++) ideal += 1 / Math.Log2(r + 2);
            sum += dcg / ideal;
            counted++;
        }
        return counted == 0 ? 0 : sum / counted;
    }
}
