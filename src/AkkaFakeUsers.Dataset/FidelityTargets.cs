namespace AkkaFakeUsers.Dataset;

/// <summary>
/// One row of <c>afu dataset fidelity</c>: what it measures, the range a realistic feed falls in and the published
/// figure that range comes from (docs/fidelity.md says more, with the arithmetic of the derived figures).
/// </summary>
/// <param name="Unit">share (a fraction, printed as %), ratio, items, s (seconds), gini or posts/month.</param>
/// <param name="Definition">The exact computation, over the training tables.</param>
public sealed record FidelityTarget(string Key, string Name, string Unit, double Low, double High, string Definition, string Source);

/// <summary>
/// The rows of <c>afu dataset fidelity</c> and their targets, in the one place they are defined (the targets are the
/// "Suggested targets" of the published-statistics note; each source is cited as it gives it).
/// </summary>
public static class FidelityTargets
{
    public const string OpenedPerShown = "opened_per_shown";
    public const string CtrPos1OverPos2 = "ctr_pos1_over_pos2";
    public const string CtrPos1OverPos10 = "ctr_pos1_over_pos10";
    public const string PersonalisedLift = "personalised_lift";
    public const string RandomShare = "random_share";
    public const string ItemsPerSession = "items_per_session";
    public const string DwellMedian = "dwell_median_s";
    public const string DwellP90 = "dwell_p90_s";
    public const string DwellMean = "dwell_mean_s";
    public const string LikesPerOpen = "likes_per_open";
    public const string HidesPerLike = "hides_per_like";
    public const string ItemPopularityGini = "item_popularity_gini";
    public const string UserActivityGini = "user_activity_gini";
    public const string TopAuthorsShare = "top10_authors_share";
    public const string PostsPerUserMonth = "posts_per_user_month";
    public const string Freshness = "freshness_2d";

    private const string Sistrix = "Sistrix 2020 web-search CTR by position 28.5 / 15.7 / 11.0 / 2.5 % at 1 / 2 / 3 / 10 (as summarised by secondary sources); cascade literature (feeds are shallower)";
    private const string EbNerdReadTime = "EB-NeRD read time: median 21 s, mean 69 s, p90 about 130 s, capped at 1,800 s (third-party analysis of a 50k-user subset)";

    public static readonly IReadOnlyList<FidelityTarget> All =
    [
        new(OpenedPerShown, "opened per shown item", "share", 0.01, 0.09,
            "impression rows with viewed = 1 / all impression rows (Wilson 95% interval)",
            "MIND-small 4.05 % (derived: 347,727 / 8,584,442); EB-NeRD 8.73 % (derived: 24,783,679 / 284,039,510; RecSys Challenge 2024); " +
            "Open Bandit Dataset 0.35-0.50 % unconditional (Saito et al. 2021, Table 1)"),
        new(CtrPos1OverPos2, "CTR position 1 / position 2", "ratio", 1.3, 2.0,
            "CTR = viewed / shown at that position (the position column: within the page); CTR at 1 over CTR at 2 (log-method 95% interval)", Sistrix),
        new(CtrPos1OverPos10, "CTR position 1 / position 10", "ratio", 3, 10,
            "CTR at position 1 over CTR at position 10, as above (log-method 95% interval)", Sistrix),
        new(PersonalisedLift, "lift of personalised over uniform random", "ratio", 1.3, 1.5,
            "CTR (viewed / shown) of rows with is_random = 0 over CTR of rows with is_random = 1, same users (log-method 95% interval)",
            "Open Bandit Dataset, Bernoulli Thompson sampling vs uniform random (All): CTR 0.50 % vs 0.35 %, lift 1.43 (Saito et al. 2021, Table 1)"),
        new(RandomShare, "uniformly random share of shown items", "share", 0.004, 0.01,
            "impression rows with is_random = 1 / all impression rows (Wilson 95% interval)",
            "KuaiRand 0.37 % uniformly random exposures (derived: 1,186,059 / 322,278,385; KuaiRand README, Gao et al., CIKM 2022)"),
        new(ItemsPerSession, "items looked at per session (median)", "items", 6, 12,
            "examined impression rows per session_id, over sessions with at least one shown row; passes only if the median is in range and mean > median (right-skewed)",
            "EB-NeRD in-view articles per impression: median 9, IQR 6-14, mean 11.59, range 5-100 (RecSys Challenge 2024, official descriptive notebook)"),
        new(DwellMedian, "dwell of an opened item, median", "s", 15, 25, "median of dwell_ms / 1000 over impression rows with viewed = 1", EbNerdReadTime),
        new(DwellP90, "dwell of an opened item, p90", "s", 100, 160, "90th percentile (linear interpolation) of dwell_ms / 1000 over viewed rows", EbNerdReadTime),
        new(DwellMean, "dwell of an opened item, mean", "s", 60, 70, "mean of dwell_ms / 1000 over viewed rows", EbNerdReadTime),
        new(LikesPerOpen, "likes per opened item", "share", 0.01, 0.03,
            "impression rows with liked = 1 and viewed = 1 / rows with viewed = 1 (Wilson 95% interval)",
            "Yambda-5B likes per listen 1.92 % (derived: 89,334,605 / 4,649,567,411; Yandex 2025, arXiv 2505.22238)"),
        new(HidesPerLike, "hides per like", "ratio", 0.10, 0.20,
            "impression rows with hid = 1 / rows with liked = 1 (95% interval: Wilson of hides / (hides + likes), as odds)",
            "Yambda-5B dislikes per like 12.96 % (derived: 11,579,143 / 89,334,605; Yandex 2025, arXiv 2505.22238)"),
        new(ItemPopularityGini, "item popularity Gini (opens per post)", "gini", 0.70, 0.85,
            "Gini of the viewed impression rows per post, over the posts shown at least once",
            "MIND-small Gini of item popularity 0.840 (third-party analysis, sisinflab DataRec)"),
        new(UserActivityGini, "user activity Gini (posts per user)", "gini", 0.70, 0.85,
            "Gini of posts per user over every row of users (users who never posted count as 0)",
            "MIND-small Gini of user activity 0.779 (third-party analysis, sisinflab DataRec)"),
        new(TopAuthorsShare, "top 10% of authors' share of posts", "share", 0.70, 0.85,
            "posts by the ceil(10% of users) users with the most posts / all posts of users in users",
            "Pew Research Center 2019: the top 10 % of US adult Twitter users wrote 80 % of the tweets"),
        new(PostsPerUserMonth, "posts per user per month (median)", "posts/month", 2, 10,
            "median over users of posts x 30 days / the user's time in the run (its created_at to the run's last event, at least one day)",
            "Pew Research Center 2019: the other 90 % of US adult Twitter users post a median 2 tweets a month; Nielsen Norman Group 90-9-1"),
        new(Freshness, "shown within 2 days of the post", "share", 0.80, 1.0,
            "impression rows whose shown_at is at most 2 days after the post's created_at / impression rows whose post is in posts (Wilson 95% interval)",
            "MIND: more than 84.5 % of news survive under 2 days (Wu et al., ACL 2020, section 3.2)"),
    ];

    public static FidelityTarget Get(string key) => All.Single(t => t.Key == key);

    // --- the dwell chart's log-normal, fit to the EB-NeRD read-time figures
    public const double DwellMedianSeconds = 21, DwellMeanSeconds = 69, DwellP90Seconds = 130, DwellCapSeconds = 1800;
    private const double Z90 = 1.2815515655446004;

    /// <summary>
    /// σ of the target log-normal (median 21 s): the mean of the σ the mean gives (mean = median·e^(σ²/2): √(2 ln(69/21)) = 1.54)
    /// and the σ the p90 gives (p90 = median·e^(1.2816σ): ln(130/21)/1.2816 = 1.42), about 1.48.
    /// </summary>
    public static double DwellSigma =>
        (Math.Sqrt(2 * Math.Log(DwellMeanSeconds / DwellMedianSeconds)) + Math.Log(DwellP90Seconds / DwellMedianSeconds) / Z90) / 2;

    /// <summary>
    /// How many times smaller than position 1's the CTR at <paramref name="position"/> may be (low, high): 1 at position 1,
    /// the two CTR rows' ranges at 2 and 10, log-linear in log(position) between them and past 10 (the 2-to-10 slope).
    /// </summary>
    public static (double Low, double High) CtrDecay(int position)
    {
        var at2 = Get(CtrPos1OverPos2);
        var at10 = Get(CtrPos1OverPos10);
        double Interpolate(double r2, double r10)
        {
            if (position <= 1) return 1;
            var x = Math.Log(position);
            return position <= 2
                ? Math.Exp(Math.Log(r2) * x / Math.Log(2))
                : Math.Exp(Math.Log(r2) + (Math.Log(r10) - Math.Log(r2)) * (x - Math.Log(2)) / (Math.Log(10) - Math.Log(2)));
        }
        return (Interpolate(at2.Low, at10.Low), Interpolate(at2.High, at10.High));
    }
}
