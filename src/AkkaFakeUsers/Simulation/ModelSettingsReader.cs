using Akka.Configuration;
using AkkaFakeUsers.Configuration;
using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Simulation;

/// <summary>
/// The sections whose records belong to the model (AkkaFakeUsers.Model knows no HOCON and no catalog): read here, one
/// method per record, by name. A value one key cannot check alone is reported with the other problems.
/// </summary>
public static class ModelSettingsReader
{
    /// <summary>afu.interests and afu.users.interests-per-user.</summary>
    public static InterestMix Interests(SettingsReader r, Config config)
    {
        var known = InterestCatalog.Names;
        var enabled = r.StringList(SettingsCatalog.InterestsEnabled);
        foreach (var e in enabled.Where(e => !known.Contains(e)))
            r.Fail($"afu.interests.enabled ({r.Origin(SettingsCatalog.InterestsEnabled)}): unknown interest '{e}'; allowed: {string.Join(", ", known)}");
        if (enabled.Count == 0) r.Fail("afu.interests.enabled is empty: enable at least one of " + string.Join(", ", known));
        var weights = new Dictionary<string, double>();
        if (config.HasPath("afu.interests.weights"))
        {
            foreach (var kv in config.GetConfig("afu.interests.weights").AsEnumerable())
            {
                var name = kv.Key;
                if (!known.Contains(name))
                {
                    r.Fail($"afu.interests.weights.{name}: unknown interest '{name}'; allowed: {string.Join(", ", known)}");
                    continue;
                }
                weights[name] = r.Double(SettingsCatalog.InterestWeights with { Key = $"afu.interests.weights.{name}", Kind = SettingKind.Double, Min = 0, Max = 1000 });
            }
        }
        var perUser = r.DoubleList(SettingsCatalog.InterestsPerUser);
        if (perUser.Count is < 1 or > 3 || perUser.Sum() <= 0)
            r.Fail("afu.users.interests-per-user: give 1 to 3 probabilities (P(1 interest), P(2), P(3)) with a positive sum, e.g. [0.4, 0.4, 0.2]");
        return new InterestMix(Enabled: enabled, Weights: weights, InterestsPerUser: perUser);
    }

    /// <summary>afu.reactions.</summary>
    public static ReactionSettings Reactions(SettingsReader r) => new(
        InteractionProbability: r.Double(SettingsCatalog.InteractionProbability),
        LikeBase: r.Double(SettingsCatalog.LikeBase),
        LikeSlope: r.Double(SettingsCatalog.LikeSlope),
        CommentBase: r.Double(SettingsCatalog.CommentBase),
        CommentSlope: r.Double(SettingsCatalog.CommentSlope),
        InterestSignal: r.Bool(SettingsCatalog.InterestSignal),
        LikeExponent: r.Double(SettingsCatalog.LikeExponent),
        OpenMatchWeight: r.Double(SettingsCatalog.OpenMatchWeight),
        OpenMatchExponent: r.Double(SettingsCatalog.OpenMatchExponent));

    /// <summary>afu.behaviour: activity, the daily curve, follows, threads, trends, drift, joiners.</summary>
    public static BehaviourSettings Behaviour(SettingsReader r)
    {
        var hourly = r.DoubleList(SettingsCatalog.Hourly);
        if (hourly.Count != 24 || hourly.Sum() <= 0)
            r.Fail($"afu.behaviour.daily-curve.hourly ({r.Origin(SettingsCatalog.Hourly)}): give 24 non-negative weights (hour 0 to 23) with a positive sum; got {hourly.Count}");
        return new BehaviourSettings(
            Activity: new ActivitySettings(HeavyTail: r.Bool(SettingsCatalog.HeavyTail), Sigma: r.Double(SettingsCatalog.Sigma), MaxFactor: r.Double(SettingsCatalog.MaxFactor)),
            Daily: new DailyCurveSettings(Enabled: r.Bool(SettingsCatalog.DailyEnabled), Hourly: hourly, ChronotypeHours: r.Double(SettingsCatalog.ChronotypeHours)),
            Follow: new FollowSettings(Enabled: r.Bool(SettingsCatalog.FollowEnabled), Base: r.Double(SettingsCatalog.FollowBase), Slope: r.Double(SettingsCatalog.FollowSlope),
                MaxFollowing: r.Int(SettingsCatalog.MaxFollowing)),
            Threads: new ThreadSettings(Enabled: r.Bool(SettingsCatalog.ThreadsEnabled), ReplyProbability: r.Double(SettingsCatalog.ReplyProbability),
                Decay: r.Double(SettingsCatalog.ReplyDecay), MaxDepth: r.Int(SettingsCatalog.MaxDepth)),
            Trends: new TrendSettings(Enabled: r.Bool(SettingsCatalog.TrendsEnabled), Period: r.Duration(SettingsCatalog.TrendPeriod), Chance: r.Double(SettingsCatalog.TrendChance),
                PostShare: r.Double(SettingsCatalog.TrendPostShare), LikeBoost: r.Double(SettingsCatalog.TrendLikeBoost)),
            Drift: new DriftSettings(Enabled: r.Bool(SettingsCatalog.DriftEnabled), Rate: r.Double(SettingsCatalog.DriftRate), MaxInterests: r.Int(SettingsCatalog.DriftMaxInterests),
                DropBelow: r.Double(SettingsCatalog.DriftDropBelow)),
            Joining: new JoinSettings(GrowthPerDay: r.Double(SettingsCatalog.GrowthPerDay)),
            Creators: new CreatorSettings(Enabled: r.Bool(SettingsCatalog.CreatorsEnabled), QualitySigma: r.Double(SettingsCatalog.QualitySigma),
                AppealSigma: r.Double(SettingsCatalog.AppealSigma), OpenWeight: r.Double(SettingsCatalog.OpenWeight), LikeWeight: r.Double(SettingsCatalog.LikeWeight)));
    }

    /// <summary>afu.sessions.</summary>
    public static SessionSettings Sessions(SettingsReader r) => new(
        Interval: r.Duration(SettingsCatalog.SessionInterval),
        SlateSize: r.Int(SettingsCatalog.SlateSize),
        Examination: r.Enum<ExaminationModel>(SettingsCatalog.Examination),
        ExaminationDecay: r.Double(SettingsCatalog.ExaminationDecay),
        FlatExamination: r.Double(SettingsCatalog.FlatExamination),
        StopAfterEngagement: r.Double(SettingsCatalog.StopAfterEngagement),
        HideBase: r.Double(SettingsCatalog.HideBase),
        HideSlope: r.Double(SettingsCatalog.HideSlope),
        ExaminationFloor: r.Double(SettingsCatalog.ExaminationFloor),
        Scroll: new ScrollSettings(Enabled: r.Bool(SettingsCatalog.ScrollEnabled), StopPerSlot: r.Double(SettingsCatalog.StopPerSlot),
            Boredom: r.Double(SettingsCatalog.Boredom), MaxPages: r.Int(SettingsCatalog.MaxPages)),
        Dwell: new DwellSettings(r.Enum<DwellModel>(SettingsCatalog.DwellModel), r.Duration(SettingsCatalog.DwellMedian), r.Double(SettingsCatalog.DwellSigma),
            r.Duration(SettingsCatalog.DwellCap)),
        ActivityExponent: r.Double(SettingsCatalog.SessionActivityExponent));
}
