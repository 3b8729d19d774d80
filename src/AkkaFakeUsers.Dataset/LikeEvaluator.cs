using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AkkaFakeUsers.Dataset;

/// <param name="RecallAt10">Mean over test users with a like: liked posts among their 10 best-scored test views / min(10, their likes).</param>
public sealed record ModelScores(string Name, double Auc, double RecallAt10, int Users);

public sealed record EvaluationResult(
    int TrainRows,
    int TestRows,
    double TrainLikeRate,
    double TestLikeRate,
    DateTime SplitAt,
    ModelScores Model,
    ModelScores Random,
    ModelScores MostPopular,
    ModelScores MatchScoreCeiling,
    IReadOnlyList<string> Features)
{
    /// <summary>The recommender trained on the impression log (null when the data has no impressions yet).</summary>
    public ImpressionEvaluation? Impressions { get; init; }

    /// <summary>The same on the impression log with opened (viewed, MIND's click) as the positive: the label a feed with rare likes is trained on.</summary>
    public ImpressionEvaluation? ImpressionsOpened { get; init; }

    /// <summary>Off-policy estimates of the shadow policies' like rates, beside the rates of the runs under them given with --compare-data-dir.</summary>
    public OffPolicyEvaluation? OffPolicy { get; init; }

    public string ToText()
    {
        var sb = new StringBuilder();
        string F(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);
        sb.AppendLine($"  split        train {TrainRows} views (first 80% by time, like rate {F(TrainLikeRate)}), test {TestRows} views (last 20%, like rate {F(TestLikeRate)}), at {SplitAt:yyyy-MM-dd HH:mm:ss}Z");
        sb.AppendLine($"  {"predictor",-14} {"AUC",6}  {"recall@10",9}  users");
        foreach (var m in new[] { Model, Random, MostPopular, MatchScoreCeiling })
            sb.AppendLine($"  {m.Name,-14} {F(m.Auc),6}  {F(m.RecallAt10),9}  {m.Users}");
        sb.AppendLine("  (match-score: the simulator's own interest-match score as the predictor; not a feature, a ceiling for comparison)");
        sb.AppendLine($"  features     {string.Join(", ", Features)}");
        if (Impressions is { } im)
        {
            sb.AppendLine("impression model (negatives: shown, not engaged)");
            sb.Append(im.ToText());
        }
        if (ImpressionsOpened is { } io)
        {
            sb.AppendLine("impression model, label opened (MIND's click; negatives: shown, not opened)");
            sb.Append(io.ToText());
        }
        if (OffPolicy is { } ope)
        {
            sb.AppendLine("off-policy evaluation (like rate per impression)");
            sb.Append(ope.ToText());
        }
        return sb.ToString();
    }
}

/// <summary>
/// afu dataset evaluate: can a recommender learn who likes what from this data? Every view is a (user, post) example,
/// labelled liked or not. Views are split by time (train on the first 80%, test on the last 20%); a FastTree model learns
/// from user-interest x post-topic features and counts known before each view, and is scored on the test views by AUC
/// and recall@10 against a random and a most-popular (author's likes so far) baseline.
/// </summary>
public static class LikeEvaluator
{
    internal sealed class Row
    {
        public bool Label { get; set; }
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
    }

    internal sealed class Prediction
    {
        public float Probability { get; set; }
    }

    private static readonly string[] Interests = Domain.InterestCatalog.Names.ToArray();

    public static readonly string[] FeatureNames =
    [
        .. Interests.Select(i => $"post_is_{i}"),
        .. Interests.Select(i => $"user_has_{i}"),
        "post_interest_rank_in_user_profile", "user_has_post_interest",
        "user_like_rate_so_far", "user_like_rate_on_topic_so_far", "user_like_rate_on_subtopic_so_far", "author_like_rate_so_far", "user_views_so_far",
        "user_own_posts_on_topic_share", "user_own_posts_on_subtopic_share", "post_length",
    ];

    internal const int FeatureCount = 20; // = FeatureNames.Length (an attribute argument must be a constant)

    /// <summary>
    /// Counts known before a moment: views and likes per user, per (user, interest), per author, and what users write about
    /// (posts are public from their creation on: <see cref="SeePostsUntil"/> takes them in as time moves on).
    /// </summary>
    internal sealed class Counts(IEnumerable<DsPost> posts)
    {
        private readonly List<DsPost> _timeline = posts.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal).ToList();
        private int _next;

        public readonly Dictionary<string, (int V, int L)> User = new();
        public readonly Dictionary<(string, string), (int V, int L)> UserTopic = new();
        public readonly Dictionary<string, (int V, int L)> Author = new();
        public readonly Dictionary<(string, string), (int V, int L)> UserSubtopic = new();
        // what the user writes about: posts per user, per (user, interest), per (user, subtopic)
        public readonly Dictionary<string, int> Posts = new();
        public readonly Dictionary<(string, string), int> PostsOn = new();

        /// <summary>Takes in every post created at or before <paramref name="t"/> (times must not go back).</summary>
        public void SeePostsUntil(DateTime t)
        {
            while (_next < _timeline.Count && _timeline[_next].CreatedAt <= t) AddPost(_timeline[_next++]);
        }

        private void AddPost(DsPost p)
        {
            Posts[p.AuthorId] = Posts.GetValueOrDefault(p.AuthorId) + 1;
            PostsOn[(p.AuthorId, p.Interest)] = PostsOn.GetValueOrDefault((p.AuthorId, p.Interest)) + 1;
            PostsOn[(p.AuthorId, "/" + p.Subtopic)] = PostsOn.GetValueOrDefault((p.AuthorId, "/" + p.Subtopic)) + 1;
        }

        public double PostShare(string user, string key) => (PostsOn.GetValueOrDefault((user, key)) + 0.2) / (Posts.GetValueOrDefault(user) + 1.0);

        public static double Rate((int V, int L) c, double prior) => (c.L + prior * 5) / (c.V + 5);

        public void Add(string user, string interest, string subtopic, string author, bool like)
        {
            static (int, int) Inc((int V, int L) c, bool l) => (c.V + 1, c.L + (l ? 1 : 0));
            User[user] = Inc(User.GetValueOrDefault(user), like);
            UserSubtopic[(user, subtopic)] = Inc(UserSubtopic.GetValueOrDefault((user, subtopic)), like);
            UserTopic[(user, interest)] = Inc(UserTopic.GetValueOrDefault((user, interest)), like);
            Author[author] = Inc(Author.GetValueOrDefault(author), like);
        }
    }

    /// <summary>Fewer views than this and the view model is not trained.</summary>
    public const int MinViews = 200;

    private sealed record Examples(List<Row> Train, List<(DsInteraction View, Row Row, double Popularity)> Test, DateTime SplitAt);

    /// <summary>The features of the test views (the last 20% by time), as the model sees them: for tests that check nothing after the split leaks in.</summary>
    public static IReadOnlyList<float[]> TestFeatures(DatasetTables t) => Build(t).Test.Select(x => x.Row.Features).ToArray();

    /// <summary>
    /// Every view as an example, in time order: the first 80% train, the rest test. Features use only what was known
    /// before each view, and test views only what was known at the split (training labels, posts published so far).
    /// </summary>
    private static Examples Build(DatasetTables t)
    {
        var posts = t.Posts.ToDictionary(p => p.Id);
        var profile = t.Users.ToDictionary(u => u.Id, u => u.Interests);
        var likes = t.Interactions.Where(i => i.Type == "like").Select(i => (i.UserId, i.PostId)).ToHashSet();
        var views = t.Interactions.Where(i => i.Type == "view" && posts.ContainsKey(i.PostId) && profile.ContainsKey(i.UserId))
            .OrderBy(v => v.CreatedAt).ThenBy(v => v.UserId, StringComparer.Ordinal).ThenBy(v => v.PostId, StringComparer.Ordinal).ToList();
        if (views.Count < MinViews) throw new NotEnoughDataException($"only {views.Count} views in the dataset: run the simulation longer (evaluate needs at least {MinViews} views, and likes among them)");
        var split = (int)(views.Count * 0.8);
        // The prior that smooths the like-rate features: the like rate of the training views only (the test views' labels
        // are not known before they happen).
        var prior = (double)views.Take(split).Count(v => likes.Contains((v.UserId, v.PostId))) / split;

        // Posts are known from their creation on (what users write about is public); likes only up to the split.
        var counts = new Counts(t.Posts);
        var train = new List<Row>(split);
        var test = new List<(DsInteraction View, Row Row, double Popularity)>(views.Count - split);
        for (var k = 0; k < views.Count; k++)
        {
            var v = views[k];
            var p = posts[v.PostId];
            counts.SeePostsUntil(v.CreatedAt);
            var label = likes.Contains((v.UserId, v.PostId));
            var row = new Row { Label = label, Features = Features(v.UserId, p, profile[v.UserId], counts, prior) };
            if (k < split)
            {
                train.Add(row);
                counts.Add(v.UserId, p.Interest, p.Subtopic, p.AuthorId, label); // test rows see only what was known at the split
            }
            else
            {
                var pop = counts.Author.GetValueOrDefault(p.AuthorId).L + 0.001 * counts.Author.GetValueOrDefault(p.AuthorId).V;
                test.Add((v, row, pop));
            }
        }
        return new Examples(train, test, views[split].CreatedAt);
    }

    public static EvaluationResult Evaluate(DatasetTables t, int seed = 1)
    {
        var (train, test, splitAt) = Build(t);
        if (train.Count(r => r.Label) == 0 || train.All(r => r.Label))
            throw new InvalidDataException("the training views are all liked or all not liked: nothing to learn from");

        var engine = Train(train, seed);
        var labels = test.Select(x => x.Row.Label).ToArray();
        var modelScores = test.Select(x => (double)engine.Predict(x.Row).Probability).ToArray();
        var rng = new Random(seed);
        var randomScores = test.Select(_ => rng.NextDouble()).ToArray();
        var popularScores = test.Select(x => x.Popularity).ToArray();

        ModelScores Score(string name, double[] s) => new(name, Math.Round(Stats.Auc(s, labels), 4), Math.Round(RecallAt10(test.Select(x => x.View).ToArray(), labels, s, out var n), 4), n);
        return new EvaluationResult(train.Count, test.Count, Math.Round(train.Count(r => r.Label) / (double)train.Count, 4),
            Math.Round(labels.Count(l => l) / (double)Math.Max(1, labels.Length), 4), splitAt,
            Score("fasttree", modelScores), Score("random", randomScores), Score("most-popular", popularScores),
            Score("match-score", test.Select(x => x.View.Score).ToArray()), FeatureNames);
    }

    /// <summary>A FastTree like-predictor (reproducible: one thread, fixed seed).</summary>
    internal static PredictionEngine<Row, Prediction> Train(List<Row> train, int seed)
    {
        var ml = new MLContext(seed);
        var model = ml.BinaryClassification.Trainers.FastTree(new Microsoft.ML.Trainers.FastTree.FastTreeBinaryTrainer.Options
        {
            NumberOfLeaves = 16,
            NumberOfTrees = 100,
            MinimumExampleCountPerLeaf = 20,
            LearningRate = 0.1,
            Seed = seed,
            NumberOfThreads = 1, // reproducible
        }).Fit(ml.Data.LoadFromEnumerable(train));
        return ml.Model.CreatePredictionEngine<Row, Prediction>(model);
    }

    internal static float[] Features(string userId, DsPost p, IReadOnlyList<string> userInterests, Counts c, double prior)
    {
        var f = new float[FeatureCount];
        var i = 0;
        foreach (var name in Interests) f[i++] = string.Equals(p.Interest, name, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        foreach (var name in Interests) f[i++] = userInterests.Contains(name, StringComparer.OrdinalIgnoreCase) ? 1 : 0;
        var rank = userInterests.ToList().FindIndex(x => string.Equals(x, p.Interest, StringComparison.OrdinalIgnoreCase));
        f[i++] = rank < 0 ? 0 : 1f / (rank + 1);
        f[i++] = rank < 0 ? 0 : 1;
        f[i++] = (float)Counts.Rate(c.User.GetValueOrDefault(userId), prior);
        f[i++] = (float)Counts.Rate(c.UserTopic.GetValueOrDefault((userId, p.Interest)), prior);
        f[i++] = (float)Counts.Rate(c.UserSubtopic.GetValueOrDefault((userId, p.Subtopic)), prior);
        f[i++] = (float)Counts.Rate(c.Author.GetValueOrDefault(p.AuthorId), prior);
        f[i++] = c.User.GetValueOrDefault(userId).V;
        f[i++] = (float)c.PostShare(userId, p.Interest);
        f[i++] = (float)c.PostShare(userId, "/" + p.Subtopic);
        f[i++] = p.Content.Length;
        return f;
    }

    private static double RecallAt10(DsInteraction[] views, bool[] labels, double[] scores, out int users)
    {
        var byUser = Enumerable.Range(0, views.Length).GroupBy(k => views[k].UserId);
        double sum = 0;
        users = 0;
        foreach (var g in byUser)
        {
            var liked = g.Count(k => labels[k]);
            if (liked == 0) continue;
            var hits = g.OrderByDescending(k => scores[k]).ThenBy(k => k).Take(10).Count(k => labels[k]);
            sum += (double)hits / Math.Min(10, liked);
            users++;
        }
        return users == 0 ? 0 : sum / users;
    }
}
