using AkkaFakeUsers.Dataset;
using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Tests.Domain;

/// <summary>The realism rules, each pure: heavy tail, daily curve, follows, replies, trends, drift, joiners; and the report's statistics.</summary>
public class BehaviourTests
{
    [Fact]
    public void Posting_rates_are_heavy_tailed_with_mean_one_and_uniform_when_switched_off()
    {
        var rates = Enumerable.Range(1, 5000).Select(i => Activity.RateFactor(new ActivitySettings(), 7, i)).ToList();
        Assert.InRange(rates.Average(), 0.85, 1.15);
        Assert.True(Stats.Gini(rates) >= 0.5, $"Gini {Stats.Gini(rates):F3}");
        Assert.True(Stats.TopShare(rates, 0.1) >= 0.35, $"top 10% share {Stats.TopShare(rates, 0.1):F3}");
        Assert.Equal(rates, Enumerable.Range(1, 5000).Select(i => Activity.RateFactor(new ActivitySettings(), 7, i)));
        Assert.All(Enumerable.Range(1, 100), i => Assert.Equal(1.0, Activity.RateFactor(new ActivitySettings(HeavyTail: false), 7, i)));
    }

    [Fact]
    public void Posting_times_follow_the_daily_curve()
    {
        var s = DailyCurveSettings.Default;
        var hours = new double[24];
        var rng = new Random(3);
        var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var k = 0; k < 20_000; k++)
        {
            t += Activity.NextGap(s, t, TimeSpan.FromMinutes(20), 0, rng.NextDouble());
            hours[t.Hour]++;
        }
        var r = Stats.Pearson(hours, s.Hourly);
        Assert.True(r >= 0.95, $"correlation {r:F3}");
        // switched off: exponential gaps with the given mean, no time-of-day pattern
        var off = s with { Enabled = false };
        var gaps = Enumerable.Range(0, 20_000).Select(_ => Activity.NextGap(off, t, TimeSpan.FromMinutes(20), 0, rng.NextDouble()).TotalMinutes).ToList();
        Assert.InRange(gaps.Average(), 19, 21);
        // a very long mean gap costs no more than a day's walk, and keeps its mean (whole days spend exactly one day of activity)
        var longGaps = Enumerable.Range(0, 2000).Select(_ => Activity.NextGap(s, t, TimeSpan.FromDays(365), 0, rng.NextDouble()).TotalDays).ToList();
        Assert.InRange(longGaps.Average(), 340, 390);
        // a user's chronotype shifts the curve: a night owl (shift +3 h) is at the 21h peak at midnight
        Assert.True(Activity.Intensity(s, t.Date.AddHours(0.5), 3) > Activity.Intensity(s, t.Date.AddHours(0.5), 0));
    }

    [Fact]
    public void Follows_prefer_shared_interests_and_replies_fade_with_depth()
    {
        var f = new FollowSettings();
        Assert.True(Social.FollowProbability(f, 0.9) > 3 * Social.FollowProbability(f, 0.05));
        Assert.False(Social.ShouldFollow(f, 1.0, 10, alreadyFollowing: true, new Random(1)));
        Assert.False(Social.ShouldFollow(f with { MaxFollowing = 10 }, 1.0, 10, false, new Random(1)));
        Assert.Equal(0, Social.FollowProbability(f with { Enabled = false }, 1.0));

        var t = new ThreadSettings();
        Assert.Equal(0.5, Social.ReplyProbability(t, 1));
        Assert.Equal(0.25, Social.ReplyProbability(t, 2));
        Assert.Equal(0, Social.ReplyProbability(t, 3)); // max depth 3: a third-level reply gets no answer
        Assert.Equal(0, Social.ReplyProbability(t with { Enabled = false }, 1));
    }

    [Fact]
    public void Trends_are_a_function_of_seed_and_time_since_start()
    {
        var s = new TrendSettings(Chance: 1.0);
        var start = new DateTime(2026, 3, 1, 10, 17, 0, DateTimeKind.Utc);
        var enabled = InterestCatalog.Names.ToArray();
        var a = Trends.At(s, 5, start.AddMinutes(30), enabled, start)!;
        Assert.Equal(a, Trends.At(s, 5, start.AddMinutes(170), enabled, start)); // same period, same trend
        Assert.Equal(start, a.Start);
        var schedule = Enumerable.Range(0, 40).Select(k => Trends.At(s, 5, start + TimeSpan.FromHours(3 * k + 1), enabled, start)!.Subtopic).ToList();
        Assert.True(schedule.Distinct().Count() >= 8, "trends change from period to period");
        // another run with the same seed, started later, has the same schedule relative to its start
        var later = start.AddDays(3).AddMinutes(7);
        Assert.Equal(a with { Start = later, End = later + s.PeriodOrDefault }, Trends.At(s, 5, later.AddMinutes(30), enabled, later));
        Assert.Null(Trends.At(s with { Enabled = false }, 5, start, enabled, start));
        // a trend draws its fans' posts
        var fan = ProfileRules.Create(1, 1, new InterestMix([a.Interest], new Dictionary<string, double>(), [1.0]));
        var onTrend = Enumerable.Range(0, 2000).Count(k => PostTopics.Choose(fan, new Random(k), a, 0.4) == (a.Interest, a.Subtopic));
        var without = Enumerable.Range(0, 2000).Count(k => PostTopics.Choose(fan, new Random(k)) == (a.Interest, a.Subtopic));
        // P(on trend) = post-share + (1 - post-share) x P(on trend without it)
        Assert.InRange(onTrend / 2000.0, 0.4 + 0.6 * without / 2000.0 - 0.04, 0.4 + 0.6 * without / 2000.0 + 0.04);
        Assert.True(onTrend > without + 150, $"{onTrend} on-trend posts with the trend vs {without} without");
    }

    [Fact]
    public void Drift_moves_weights_toward_liked_interests()
    {
        var d = new DriftSettings(Rate: 0.05);
        IReadOnlyList<InterestWeight> w = [new("sports", 0.7, ["NBA"]), new("tech", 0.3, [])];
        for (var k = 0; k < 30; k++) w = Drift.Apply(d, w, "tech");
        Assert.Equal("tech", w[0].Interest);
        Assert.InRange(w.Sum(x => x.Weight), 0.999, 1.001);
        Assert.Equal(["NBA"], w.Single(x => x.Interest == "sports").FavoriteSubtopics);
        var withFood = Drift.Apply(d, w, "food");
        Assert.Contains(withFood, x => x.Interest == "food" && x.Weight > 0);
        Assert.Same(w, Drift.Apply(d with { Enabled = false }, w, "food"));
    }

    [Fact]
    public void A_users_state_drifts_with_its_likes_and_remembers_whom_it_follows()
    {
        var t = new DateTime(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        var p = ProfileRules.Create(1, 3, new InterestMix(["sports"], new Dictionary<string, double>(), [1.0]));
        var rules = Support.TestSettings.Defaults("").UserRules();
        rules = rules with { Behaviour = rules.Behaviour with { Drift = new DriftSettings(Rate: 0.2) } };
        var state = AkkaFakeUsers.Users.FakeUserState.Empty.Apply(new AkkaFakeUsers.Users.UserCreated(p, p.Bio, t), rules);
        for (var k = 0; k < 10; k++)
            state = state.Apply(new AkkaFakeUsers.Users.InteractionRecorded($"user-3/like/user-9/post-{k}", "user-3", $"user-9/post-{k}", "user-9", InteractionType.Like, null, 0.1, true,
                t, t.AddSeconds(k), "builtin", "v", PostInterest: "food"), rules);
        Assert.Equal("food", state.Profile!.PrimaryInterest);
        Assert.Contains(state.Profile.Interests, i => i.Interest == "sports");
        state = state.Apply(new AkkaFakeUsers.Users.UserFollowed("user-3", "user-9", 0.9, "user-9/post-1", t), rules);
        Assert.Contains("user-9", state.Follows);
        // a view does not drift
        var viewed = state.Apply(new AkkaFakeUsers.Users.InteractionRecorded("user-3/view/user-8/post-1", "user-3", "user-8/post-1", "user-8", InteractionType.View, null, 0.1, false,
            t, t, null, null, PostInterest: "cars"), rules);
        Assert.Equal(state.Profile!.Interests, viewed.Profile!.Interests);
    }

    [Fact]
    public void The_population_grows_by_the_configured_share_per_day()
    {
        var j = new JoinSettings(0.1);
        Assert.Equal(100, Population.TargetAt(100, j, TimeSpan.Zero));
        Assert.Equal(105, Population.TargetAt(100, j, TimeSpan.FromHours(12)));
        Assert.Equal(120, Population.TargetAt(100, j, TimeSpan.FromDays(2)));
        Assert.Equal(100, Population.TargetAt(100, new JoinSettings(0), TimeSpan.FromDays(30)));
    }

    [Fact]
    public void Likes_rise_steeply_with_the_match_and_trends_boost_only_with_the_signal_on()
    {
        var r = new ReactionSettings();
        Assert.True(Reactions.LikeProbability(r, 0.9) >= 3 * Reactions.LikeProbability(r, 0.15));
        Assert.Equal(1.5 * Reactions.LikeProbability(r, 0.8), Reactions.LikeProbability(r, 0.8, 1.5), 9);
        var off = r with { InterestSignal = false };
        Assert.Equal(Reactions.LikeProbability(off, 0.05), Reactions.LikeProbability(off, 0.95, 1.5));
    }

    [Fact]
    public void Statistics_match_known_values()
    {
        Assert.Equal(0, Stats.Gini([5, 5, 5, 5]), 9);
        Assert.Equal(0.75, Stats.Gini([0, 0, 0, 10]), 9);
        Assert.Equal(1.0, Stats.Auc([0.1, 0.2, 0.8, 0.9], [false, false, true, true]), 9);
        Assert.Equal(0.5, Stats.Auc([0.5, 0.5, 0.5, 0.5], [false, true, false, true]), 9);
        Assert.Equal(0.75, Stats.Auc([0.1, 0.6, 0.4, 0.9], [false, false, true, true]), 9);
        Assert.Equal(1.0, Stats.Pearson([1, 2, 3], [2, 4, 6]), 9);
        Assert.Equal(0.375, Stats.TopShare([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 6], 0.1), 9); // top 1 of 11 holds 6 of 16
    }
}
