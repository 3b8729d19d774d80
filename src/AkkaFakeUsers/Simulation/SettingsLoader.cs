using AkkaFakeUsers.Feed;
using System.Collections;
using Akka.Configuration;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Simulation;

/// <summary>Bad settings: every problem found, each naming the key, where its value came from, and what is allowed.</summary>
public sealed class SettingsException(IReadOnlyList<string> errors) : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Reads <c>afu { … }</c> settings (every key declared once in <see cref="SettingsCatalog"/>), builds the typed
/// <see cref="AfuSettings"/> and checks what one key cannot check alone. Precedence: CLI flag &gt; env var &gt; <c>--config</c> file &gt; the catalog's defaults.
/// Collects every error before failing, so one run shows all that is wrong.
/// </summary>
public static class SettingsLoader
{
    public static string EmbeddedConf(string fileName)
    {
        var asm = typeof(SettingsLoader).Assembly;
        using var s = asm.GetManifestResourceStream($"AkkaFakeUsers.hocon.{fileName}")
                      ?? throw new InvalidOperationException($"embedded hocon/{fileName} missing");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    /// <param name="configFile">--config FILE, layered over the embedded defaults.</param>
    /// <param name="env">Environment variables (pass <c>Environment.GetEnvironmentVariables()</c>).</param>
    /// <param name="cli">Key path → (value, flag name) from the command line.</param>
    public static AfuSettings Load(string? configFile, IDictionary env, IReadOnlyDictionary<string, (string Value, string Flag)> cli)
    {
        var errors = new List<string>();
        Config config;
        try
        {
            config = ConfigurationFactory.ParseString(SettingsCatalog.Hocon());
        }
        catch (Exception ex)
        {
            throw new SettingsException([$"the built-in defaults (SettingsCatalog) are broken: {ex.Message}"]);
        }
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new SettingsException([$"--config {configFile}: file not found"]);
            var text = File.ReadAllText(configFile);
            if (HoconLint.Check(text) is { } problem) throw new SettingsException([$"--config {configFile}: not valid HOCON: {problem}"]);
            try
            {
                config = ConfigurationFactory.ParseString(text).WithFallback(config);
            }
            catch (Exception ex)
            {
                throw new SettingsException([$"--config {configFile}: not valid HOCON: {FirstLine(ex.Message)}"]);
            }
        }

        var r = new SettingsReader(config, env, cli, errors);

        var seed = r.Long(SettingsCatalog.Seed);
        var storage = r.Enum<StorageKind>(SettingsCatalog.Storage);
        var pg = r.String(SettingsCatalog.PostgresConnection);
        if (storage == StorageKind.Postgres && string.IsNullOrWhiteSpace(pg))
            errors.Add("afu.postgres.connection-string (env AFU_POSTGRES) is empty: --storage postgres needs a connection string such as Host=localhost;Database=afu;Username=afu;Password=…");

        var min = r.Int(SettingsCatalog.UsersCountMin);
        var max = r.Int(SettingsCatalog.UsersCountMax);
        var count = r.Int(SettingsCatalog.UsersCount);
        if (min > max) errors.Add($"afu.users.count-min ({min}, {r.Origin(SettingsCatalog.UsersCountMin)}) is greater than afu.users.count-max ({max}, {r.Origin(SettingsCatalog.UsersCountMax)}): min must be <= max");

        var enabled = r.StringList(SettingsCatalog.InterestsEnabled);
        var known = InterestCatalog.Names;
        foreach (var e in enabled.Where(e => !known.Contains(e)))
            errors.Add($"afu.interests.enabled ({r.Origin(SettingsCatalog.InterestsEnabled)}): unknown interest '{e}'; allowed: {string.Join(", ", known)}");
        if (enabled.Count == 0) errors.Add("afu.interests.enabled is empty: enable at least one of " + string.Join(", ", known));
        var weights = new Dictionary<string, double>();
        if (config.HasPath("afu.interests.weights"))
        {
            foreach (var kv in config.GetConfig("afu.interests.weights").AsEnumerable())
            {
                var name = kv.Key;
                if (!known.Contains(name))
                {
                    errors.Add($"afu.interests.weights.{name}: unknown interest '{name}'; allowed: {string.Join(", ", known)}");
                    continue;
                }
                weights[name] = r.Double(SettingsCatalog.InterestWeights with { Key = $"afu.interests.weights.{name}", Kind = SettingKind.Double, Min = 0, Max = 1000 });
            }
        }
        var perUser = r.DoubleList(SettingsCatalog.InterestsPerUser);
        if (perUser.Count is < 1 or > 3 || perUser.Sum() <= 0)
            errors.Add("afu.users.interests-per-user: give 1 to 3 probabilities (P(1 interest), P(2), P(3)) with a positive sum, e.g. [0.4, 0.4, 0.2]");

        var reactions = new ReactionSettings(
            r.Double(SettingsCatalog.InteractionProbability),
            r.Double(SettingsCatalog.LikeBase),
            r.Double(SettingsCatalog.LikeSlope),
            r.Double(SettingsCatalog.CommentBase),
            r.Double(SettingsCatalog.CommentSlope),
            r.Bool(SettingsCatalog.InterestSignal),
            r.Double(SettingsCatalog.LikeExponent));

        var hourly = r.DoubleList(SettingsCatalog.Hourly);
        if (hourly.Count != 24 || hourly.Sum() <= 0)
            errors.Add($"afu.behaviour.daily-curve.hourly ({r.Origin(SettingsCatalog.Hourly)}): give 24 non-negative weights (hour 0 to 23) with a positive sum; got {hourly.Count}");
        var behaviour = new BehaviourSettings(
            new ActivitySettings(r.Bool(SettingsCatalog.HeavyTail), r.Double(SettingsCatalog.Sigma), r.Double(SettingsCatalog.MaxFactor)),
            new DailyCurveSettings(r.Bool(SettingsCatalog.DailyEnabled), hourly, r.Double(SettingsCatalog.ChronotypeHours)),
            new FollowSettings(r.Bool(SettingsCatalog.FollowEnabled), r.Double(SettingsCatalog.FollowBase), r.Double(SettingsCatalog.FollowSlope),
                r.Int(SettingsCatalog.MaxFollowing)),
            new ThreadSettings(r.Bool(SettingsCatalog.ThreadsEnabled), r.Double(SettingsCatalog.ReplyProbability), r.Double(SettingsCatalog.ReplyDecay),
                r.Int(SettingsCatalog.MaxDepth)),
            new TrendSettings(r.Bool(SettingsCatalog.TrendsEnabled), r.Duration(SettingsCatalog.TrendPeriod), r.Double(SettingsCatalog.TrendChance),
                r.Double(SettingsCatalog.TrendPostShare), r.Double(SettingsCatalog.TrendLikeBoost)),
            new DriftSettings(r.Bool(SettingsCatalog.DriftEnabled), r.Double(SettingsCatalog.DriftRate), r.Int(SettingsCatalog.DriftMaxInterests),
                r.Double(SettingsCatalog.DriftDropBelow)),
            new JoinSettings(r.Double(SettingsCatalog.GrowthPerDay)));

        var sessions = new SessionSettings(
            r.Duration(SettingsCatalog.SessionInterval),
            r.Int(SettingsCatalog.SlateSize),
            r.Enum<ExaminationModel>(SettingsCatalog.Examination),
            r.Double(SettingsCatalog.ExaminationDecay),
            r.Double(SettingsCatalog.FlatExamination),
            r.Double(SettingsCatalog.StopAfterEngagement),
            r.Double(SettingsCatalog.HideBase),
            r.Double(SettingsCatalog.HideSlope));
        var policiesText = r.String(SettingsCatalog.FeedPolicies);
        if (!PolicyMixText.TryParse(policiesText, out var policies, out var policyError))
            errors.Add($"afu.feed.policies ({r.Origin(SettingsCatalog.FeedPolicies)}): {policyError}");
        var shadows = new List<PolicyChoice>();
        foreach (var name in r.StringList(SettingsCatalog.ShadowPolicies))
        {
            if (PolicyMixText.TryParseOne(name, 1, out var shadow, out var shadowError)) shadows.Add(shadow);
            else errors.Add($"afu.feed.shadow-policies ({r.Origin(SettingsCatalog.ShadowPolicies)}): {shadowError}");
        }
        var feed = new FeedSettings(policies, r.Double(SettingsCatalog.Exploration), r.Double(SettingsCatalog.RandomShare), r.Int(SettingsCatalog.Candidates),
            r.Int(SettingsCatalog.PoolSize), r.Duration(SettingsCatalog.MaxPostAge), shadows, r.Duration(SettingsCatalog.LearnedRefresh),
            r.Enum<PolicyAssignment>(SettingsCatalog.PolicyAssignment) == PolicyAssignment.Slate);

        var llm = new LlmSettings(
            r.Enum<LlmMode>(SettingsCatalog.LlmMode),
            r.Url(SettingsCatalog.OllamaHost),
            r.String(SettingsCatalog.Model),
            r.Int(SettingsCatalog.MaxInFlight),
            r.Int(SettingsCatalog.MaxQueue),
            r.Duration(SettingsCatalog.LlmTimeout),
            r.Int(SettingsCatalog.RetryMaxAttempts),
            r.Duration(SettingsCatalog.RetryBaseDelay),
            r.Duration(SettingsCatalog.RetryMaxDelay),
            r.Int(SettingsCatalog.BreakerMaxFailures),
            r.Duration(SettingsCatalog.BreakerReset),
            r.Double(SettingsCatalog.RateLimit),
            r.Duration(SettingsCatalog.ProbeTimeout),
            r.Int(SettingsCatalog.ServerQueue));

        var timeScale = r.Double(SettingsCatalog.TimeScale, maxWord: true);
        DateTime? simStart = null;
        var startText = r.String(SettingsCatalog.SimStart).Trim();
        if (startText.Length > 0)
        {
            if (DateTime.TryParse(startText, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var st))
                simStart = DateTime.SpecifyKind(st, DateTimeKind.Utc);
            else
                errors.Add($"afu.simulation.start ({r.Origin(SettingsCatalog.SimStart)}) = '{startText}': must be a UTC date and time such as 2026-01-01T00:00:00Z, or empty");
        }

        var settings = new AfuSettings
        {
            Seed = seed,
            DataDir = r.String(SettingsCatalog.DataDir),
            Storage = storage,
            PostgresConnectionString = pg,
            UserCountMin = min,
            UserCountMax = max,
            UserCount = count,
            EnsureInterval = r.Duration(SettingsCatalog.EnsureInterval),
            EnsureBatch = r.Int(SettingsCatalog.EnsureBatch),
            SleepAfter = r.Duration(SettingsCatalog.SleepAfter),
            Interests = new InterestMix(enabled, weights, perUser),
            PostInterval = r.Duration(SettingsCatalog.PostInterval),
            PostJitter = r.Double(SettingsCatalog.PostJitter),
            Reactions = reactions,
            Behaviour = behaviour,
            Sessions = sessions,
            Feed = feed,
            TimeScale = timeScale,
            SimStart = simStart,
            Clock = new Clock.ClockSettings(timeScale, r.Duration(SettingsCatalog.SimDuration),
                r.Duration(SettingsCatalog.ClockMaxSkew), r.Duration(SettingsCatalog.ClockStep), r.Int(SettingsCatalog.ClockMaxBatch),
                r.Int(SettingsCatalog.ClockMaxBacklog), r.Duration(SettingsCatalog.ClockStallTimeout), r.Duration(SettingsCatalog.ClockMaxLag)),
            SnapshotEvery = r.Int(SettingsCatalog.SnapshotEvery),
            Llm = llm,
            Cluster = new ClusterSettings(r.String(SettingsCatalog.ClusterHostname), r.Int(SettingsCatalog.ClusterPort), r.StringList(SettingsCatalog.SeedNodes),
                r.String(SettingsCatalog.ClusterPublicHostname), r.Int(SettingsCatalog.MinMembers)),
            Inspection = new InspectionSettings(r.String(SettingsCatalog.InspectionHost), r.Int(SettingsCatalog.InspectionPort), r.String(SettingsCatalog.InspectionToken),
                r.Int(SettingsCatalog.InspectionMaxConnections), r.Duration(SettingsCatalog.InspectionIdleTimeout)),
            StatusInterval = r.Duration(SettingsCatalog.StatusInterval),
            Health = new HealthSettings(r.String(SettingsCatalog.HealthHost), r.Int(SettingsCatalog.HealthPort)),
            Dashboard = new DashboardSettings(r.String(SettingsCatalog.DashboardHost), r.Int(SettingsCatalog.DashboardPort)),
        };

        foreach (var seedNode in settings.Cluster.SeedNodes)
            if (!(Uri.TryCreate(seedNode, UriKind.Absolute, out var su) && su.Scheme == "akka.tcp" && su.UserInfo == "afu" && su.Port > 0))
                errors.Add($"afu.cluster.seed-nodes ({r.Origin(SettingsCatalog.SeedNodes)}): '{seedNode}' must look like akka.tcp://afu@host:4053");

        var ih = settings.Inspection.Host;
        if (ih != "localhost" && !System.Net.IPAddress.TryParse(ih, out _))
            errors.Add($"afu.inspection.host ({r.Origin(SettingsCatalog.InspectionHost)}) = '{ih}': must be an IP address to bind, such as 127.0.0.1 or 0.0.0.0");
        else if (!IsLoopback(ih) && settings.Inspection.Token.Length == 0)
            errors.Add($"afu.inspection.host ({r.Origin(SettingsCatalog.InspectionHost)}) = '{ih}' is not a loopback address: set afu.inspection.token (env AFU_INSPECTION_TOKEN) so only holders of the token can steer the node");
        else if (!IsLoopback(ih) && WeakToken(settings.Inspection.Token) is { } weak)
            errors.Add($"afu.inspection.token ({r.Origin(SettingsCatalog.InspectionToken)}) {weak}, and afu.inspection.host = '{ih}' is reachable from other machines: use a secret of at least {MinTokenLength} characters, e.g. `openssl rand -hex 16`");
        var dh = settings.Dashboard.Host;
        if (settings.Dashboard.Port >= 0)
        {
            if (dh != "localhost" && !System.Net.IPAddress.TryParse(dh, out _))
                errors.Add($"afu.dashboard.host ({r.Origin(SettingsCatalog.DashboardHost)}) = '{dh}': must be an IP address to bind, such as 127.0.0.1 or 0.0.0.0");
            else if (!IsLoopback(dh) && settings.Inspection.Token.Length == 0)
                errors.Add($"afu.dashboard.host ({r.Origin(SettingsCatalog.DashboardHost)}) = '{dh}' is not a loopback address: set afu.inspection.token (env AFU_INSPECTION_TOKEN); the dashboard asks for it before it shows or changes anything");
            else if (!IsLoopback(dh) && IsLoopback(ih) && WeakToken(settings.Inspection.Token) is { } weak)
                errors.Add($"afu.inspection.token ({r.Origin(SettingsCatalog.InspectionToken)}) {weak}, and afu.dashboard.host = '{dh}' is reachable from other machines: use a secret of at least {MinTokenLength} characters, e.g. `openssl rand -hex 16`");
            if (settings.Dashboard.Port > 0 && settings.Dashboard.Port == settings.Health.Port)
                errors.Add($"afu.dashboard.port ({r.Origin(SettingsCatalog.DashboardPort)}) = {settings.Dashboard.Port} is also afu.health.port: give the dashboard a port of its own");
        }

        if (errors.Count > 0) throw new SettingsException(errors);
        return settings;
    }

    /// <summary>Shortest token accepted when a port is reachable from other machines.</summary>
    public const int MinTokenLength = 16;

    /// <summary>Placeholders shipped in examples: public, so never a secret.</summary>
    private static readonly string[] PublicTokens = ["afu-change-me", "change-me", "changeme", "secret", "token", "password"];

    /// <returns>Why the token is no secret, or null when it will do.</returns>
    private static string? WeakToken(string token) =>
        PublicTokens.Contains(token.Trim(), StringComparer.OrdinalIgnoreCase) ? $"is the public placeholder '{token}'"
        : token.Length < MinTokenLength ? $"has {token.Length} characters, fewer than {MinTokenLength}"
        : null;

    private static bool IsLoopback(string host) => host == "localhost" || (System.Net.IPAddress.TryParse(host, out var a) && System.Net.IPAddress.IsLoopback(a));

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
