using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
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
/// Reads <c>afu { … }</c> settings. Precedence: CLI flag &gt; env var &gt; <c>--config</c> file &gt; hocon/simulation.conf (embedded).
/// Collects every error before failing, so one run shows all that is wrong.
/// </summary>
public static partial class SettingsLoader
{
    /// <summary>The seed's env vars and the AFU_* ones, with the key each sets.</summary>
    public static readonly IReadOnlyDictionary<string, string> NamedEnvVars = new Dictionary<string, string>
    {
        ["OLLAMA_HOST"] = "afu.llm.ollama-host",
        ["OLLAMA_MODEL"] = "afu.llm.model",
        ["FAKE_USER_COUNT_MIN"] = "afu.users.count-min",
        ["FAKE_USER_COUNT_MAX"] = "afu.users.count-max",
        ["POST_GENERATION_INTERVAL"] = "afu.posting.interval",
        ["INTERACTION_PROBABILITY"] = "afu.reactions.interaction-probability",
        ["AFU_STORAGE"] = "afu.storage",
        ["AFU_POSTGRES"] = "afu.postgres.connection-string",
        ["AFU_DATA_DIR"] = "afu.data-dir",
        ["AFU_SEED"] = "afu.seed",
        ["AFU_INSPECTION_HOST"] = "afu.inspection.host",
        ["AFU_INSPECTION_PORT"] = "afu.inspection.port",
        ["AFU_INSPECTION_TOKEN"] = "afu.inspection.token",
        ["AFU_SEED_NODES"] = "afu.cluster.seed-nodes",
        ["AFU_LLM_MAX_IN_FLIGHT"] = "afu.llm.max-in-flight",
    };

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
            config = ConfigurationFactory.ParseString(EmbeddedConf("simulation.conf"));
        }
        catch (Exception ex)
        {
            throw new SettingsException([$"built-in hocon/simulation.conf is broken: {ex.Message}"]);
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

        var r = new Reader(config, env, cli, errors);

        var seed = r.Long("afu.seed", min: 0);
        var storage = r.Enum("afu.storage", new Dictionary<string, StorageKind> { ["sqlite"] = StorageKind.Sqlite, ["postgres"] = StorageKind.Postgres });
        var pg = r.String("afu.postgres.connection-string", allowEmpty: true);
        if (storage == StorageKind.Postgres && string.IsNullOrWhiteSpace(pg))
            errors.Add("afu.postgres.connection-string (env AFU_POSTGRES) is empty: --storage postgres needs a connection string such as Host=localhost;Database=afu;Username=afu;Password=…");

        var min = r.Int("afu.users.count-min", min: 0);
        var max = r.Int("afu.users.count-max", min: 0);
        var count = r.Int("afu.users.count", min: 0);
        if (min > max) errors.Add($"afu.users.count-min ({min}, {r.Origin("afu.users.count-min")}) is greater than afu.users.count-max ({max}, {r.Origin("afu.users.count-max")}): min must be <= max");

        var enabled = r.StringList("afu.interests.enabled");
        var known = InterestCatalog.Names;
        foreach (var e in enabled.Where(e => !known.Contains(e)))
            errors.Add($"afu.interests.enabled ({r.Origin("afu.interests.enabled")}): unknown interest '{e}'; allowed: {string.Join(", ", known)}");
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
                weights[name] = r.Double($"afu.interests.weights.{name}", 0, 1000);
            }
        }
        var perUser = r.DoubleList("afu.users.interests-per-user", 0, 1);
        if (perUser.Count is < 1 or > 3 || perUser.Sum() <= 0)
            errors.Add("afu.users.interests-per-user: give 1 to 3 probabilities (P(1 interest), P(2), P(3)) with a positive sum, e.g. [0.4, 0.4, 0.2]");

        var reactions = new ReactionSettings(
            r.Double("afu.reactions.interaction-probability", 0, 1),
            r.Double("afu.reactions.like-base", 0, 1),
            r.Double("afu.reactions.like-slope", 0, 1),
            r.Double("afu.reactions.comment-base", 0, 1),
            r.Double("afu.reactions.comment-slope", 0, 1),
            r.Duration("afu.reactions.max-delay", allowZero: true),
            r.Bool("afu.reactions.interest-signal"),
            r.Double("afu.reactions.like-exponent", 0.1, 20));

        var hourly = r.DoubleList("afu.behaviour.daily-curve.hourly", 0, 1000);
        if (hourly.Count != 24 || hourly.Sum() <= 0)
            errors.Add($"afu.behaviour.daily-curve.hourly ({r.Origin("afu.behaviour.daily-curve.hourly")}): give 24 non-negative weights (hour 0 to 23) with a positive sum; got {hourly.Count}");
        var behaviour = new BehaviourSettings(
            new ActivitySettings(r.Bool("afu.behaviour.activity.heavy-tail"), r.Double("afu.behaviour.activity.sigma", 0, 4), r.Double("afu.behaviour.activity.max-factor", 1, 1000)),
            new DailyCurveSettings(r.Bool("afu.behaviour.daily-curve.enabled"), hourly, r.Double("afu.behaviour.daily-curve.chronotype-hours", 0, 12)),
            new FollowSettings(r.Bool("afu.behaviour.follow.enabled"), r.Double("afu.behaviour.follow.base", 0, 1), r.Double("afu.behaviour.follow.slope", 0, 1),
                r.Int("afu.behaviour.follow.max-following", 0, 100_000)),
            new ThreadSettings(r.Bool("afu.behaviour.threads.enabled"), r.Double("afu.behaviour.threads.reply-probability", 0, 1), r.Double("afu.behaviour.threads.decay", 0, 1),
                r.Int("afu.behaviour.threads.max-depth", 1, 20)),
            new TrendSettings(r.Bool("afu.behaviour.trends.enabled"), r.Duration("afu.behaviour.trends.period"), r.Double("afu.behaviour.trends.chance", 0, 1),
                r.Double("afu.behaviour.trends.post-share", 0, 1), r.Double("afu.behaviour.trends.like-boost", 0, 10)),
            new DriftSettings(r.Bool("afu.behaviour.drift.enabled"), r.Double("afu.behaviour.drift.rate", 0, 0.5), r.Int("afu.behaviour.drift.max-interests", 1, 5),
                r.Double("afu.behaviour.drift.drop-below", 0, 0.5)),
            new JoinSettings(r.Double("afu.behaviour.joining.growth-per-day", 0, 100)));

        var llm = new LlmSettings(
            r.Enum("afu.llm.mode", new Dictionary<string, LlmMode> { ["auto"] = LlmMode.Auto, ["ollama"] = LlmMode.Ollama, ["builtin"] = LlmMode.Builtin }),
            r.Url("afu.llm.ollama-host"),
            r.String("afu.llm.model"),
            r.Int("afu.llm.max-in-flight", min: 1, max: 1024),
            r.Int("afu.llm.max-queue", min: 0, max: 1_000_000),
            r.Duration("afu.llm.timeout"),
            r.Int("afu.llm.retry.max-attempts", min: 1, max: 20),
            r.Duration("afu.llm.retry.base-delay"),
            r.Duration("afu.llm.retry.max-delay"),
            r.Int("afu.llm.breaker.max-failures", min: 1, max: 1000),
            r.Duration("afu.llm.breaker.reset-timeout"),
            r.Double("afu.llm.rate-limit", 0, 100_000),
            r.Duration("afu.llm.probe-timeout"));

        var settings = new AfuSettings
        {
            Seed = seed,
            DataDir = r.String("afu.data-dir"),
            Storage = storage,
            PostgresConnectionString = pg,
            UserCountMin = min,
            UserCountMax = max,
            UserCount = count,
            EnsureInterval = r.Duration("afu.users.ensure-interval"),
            EnsureBatch = r.Int("afu.simulation.ensure-batch", min: 1, max: 1_000_000),
            Interests = new InterestMix(enabled, weights, perUser),
            PostInterval = r.Duration("afu.posting.interval"),
            PostJitter = r.Double("afu.posting.jitter", 0, 0.95),
            Reactions = reactions,
            Behaviour = behaviour,
            AudienceSize = r.Int("afu.feed.audience-size", min: 1, max: 100_000),
            Exploration = r.Double("afu.feed.exploration", 0, 1),
            TimeScale = r.Double("afu.simulation.time-scale", 0.001, 100_000, exclusiveMin: false),
            SnapshotEvery = r.Int("afu.simulation.snapshot-every", min: 1, max: 1_000_000),
            Llm = llm,
            Cluster = new ClusterSettings(r.String("afu.cluster.hostname"), r.Int("afu.cluster.port", 0, 65535), r.StringList("afu.cluster.seed-nodes"),
                r.String("afu.cluster.public-hostname", allowEmpty: true)),
            Inspection = new InspectionSettings(r.String("afu.inspection.host"), r.Int("afu.inspection.port", 0, 65535), r.String("afu.inspection.token", allowEmpty: true)),
            StatusInterval = r.Duration("afu.status.interval"),
            Health = new HealthSettings(r.String("afu.health.host"), r.Int("afu.health.port", -1, 65535)),
        };

        foreach (var seedNode in settings.Cluster.SeedNodes)
            if (!(Uri.TryCreate(seedNode, UriKind.Absolute, out var su) && su.Scheme == "akka.tcp" && su.UserInfo == "afu" && su.Port > 0))
                errors.Add($"afu.cluster.seed-nodes ({r.Origin("afu.cluster.seed-nodes")}): '{seedNode}' must look like akka.tcp://afu@host:4053");

        var ih = settings.Inspection.Host;
        if (ih != "localhost" && !System.Net.IPAddress.TryParse(ih, out _))
            errors.Add($"afu.inspection.host ({r.Origin("afu.inspection.host")}) = '{ih}': must be an IP address to bind, such as 127.0.0.1 or 0.0.0.0");
        else if (!IsLoopback(ih) && settings.Inspection.Token.Length == 0)
            errors.Add($"afu.inspection.host ({r.Origin("afu.inspection.host")}) = '{ih}' is not a loopback address: set afu.inspection.token (env AFU_INSPECTION_TOKEN) so only holders of the token can steer the node");

        if (errors.Count > 0) throw new SettingsException(errors);
        return settings;
    }

    private static bool IsLoopback(string host) => host == "localhost" || (System.Net.IPAddress.TryParse(host, out var a) && System.Net.IPAddress.IsLoopback(a));

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    /// <summary>Parses 500ms, 30s, 5m, 1h, 2d (also "30 seconds"); a bare number is seconds.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        var m = DurationRegex().Match(text);
        if (!m.Success) return false;
        if (!double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return false;
        var unit = m.Groups[2].Value.ToLowerInvariant();
        double seconds = unit switch
        {
            "ms" or "millis" or "milliseconds" => n / 1000,
            "" or "s" or "sec" or "secs" or "second" or "seconds" => n,
            "m" or "min" or "mins" or "minute" or "minutes" => n * 60,
            "h" or "hour" or "hours" => n * 3600,
            "d" or "day" or "days" => n * 86400,
            _ => double.NaN,
        };
        if (double.IsNaN(seconds) || seconds > TimeSpan.MaxValue.TotalSeconds / 2) return false;
        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")]
    private static partial Regex DurationRegex();

    /// <summary>Reads one key at a time from the highest-precedence source that has it.</summary>
    private sealed class Reader(Config config, IDictionary env, IReadOnlyDictionary<string, (string Value, string Flag)> cli, List<string> errors)
    {
        private readonly Dictionary<string, (string Value, string Origin)> _env = BuildEnv(env);

        private static Dictionary<string, (string, string)> BuildEnv(IDictionary env)
        {
            var map = new Dictionary<string, (string, string)>();
            // Generic form first so that the named (documented) variables win.
            foreach (DictionaryEntry e in env)
            {
                var name = e.Key?.ToString() ?? "";
                if (!name.StartsWith("AFU__", StringComparison.Ordinal)) continue;
                var path = "afu." + string.Join('.', name[5..].Split("__").Select(p => p.ToLowerInvariant().Replace('_', '-')));
                map[path] = (e.Value?.ToString() ?? "", $"env {name}");
            }
            foreach (var (name, path) in NamedEnvVars)
            {
                if (env.Contains(name) && env[name] is { } v) map[path] = (v.ToString() ?? "", $"env {name}");
            }
            return map;
        }

        public string Origin(string path) =>
            cli.TryGetValue(path, out var c) ? c.Flag : _env.TryGetValue(path, out var e) ? e.Origin : "config";

        private (string? Text, string Origin, bool Override) Raw(string path)
        {
            if (cli.TryGetValue(path, out var c)) return (c.Value, c.Flag, true);
            if (_env.TryGetValue(path, out var e)) return (e.Value, e.Origin, true);
            if (!config.HasPath(path)) return (null, "config", false);
            var v = config.GetValue(path);
            return (v.IsString() ? v.GetString() : v.ToString(), "config", false);
        }

        private string Describe(string path, string origin, string? text) =>
            origin == "config" ? $"{path} = '{text}'" : $"{path} ({origin}) = '{text}'";

        public string String(string path, bool allowEmpty = false)
        {
            var (text, origin, _) = Raw(path);
            if (text is null || (!allowEmpty && string.IsNullOrWhiteSpace(text)))
            {
                errors.Add($"{path} ({origin}) is missing or empty: give a value");
                return "";
            }
            return text.Trim();
        }

        public string Url(string path)
        {
            var text = String(path);
            if (text.Length > 0 && !(Uri.TryCreate(text, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https")))
                errors.Add($"{Describe(path, Origin(path), text)}: must be an http(s) URL such as http://localhost:11434");
            return text;
        }

        public long Long(string path, long min = long.MinValue)
        {
            var (text, origin, _) = Raw(path);
            if (long.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min) return v;
            errors.Add($"{Describe(path, origin, text)}: must be a whole number >= {min}");
            return min;
        }

        public int Int(string path, int min = int.MinValue, int max = int.MaxValue)
        {
            var (text, origin, _) = Raw(path);
            if (int.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
            errors.Add($"{Describe(path, origin, text)}: must be a whole number " + (max == int.MaxValue ? $">= {min}" : $"from {min} to {max}"));
            return Math.Max(min, 0);
        }

        public double Double(string path, double min, double max, bool exclusiveMin = false)
        {
            var (text, origin, _) = Raw(path);
            if (double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && !double.IsNaN(v) && v >= min && v <= max && !(exclusiveMin && v <= min)) return v;
            errors.Add($"{Describe(path, origin, text)}: must be a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]");
            return min;
        }

        public bool Bool(string path)
        {
            var (text, origin, _) = Raw(path);
            switch (text?.Trim().ToLowerInvariant())
            {
                case "on" or "true" or "yes" or "1": return true;
                case "off" or "false" or "no" or "0": return false;
                default:
                    errors.Add($"{Describe(path, origin, text)}: must be on/off (true/false)");
                    return false;
            }
        }

        public TimeSpan Duration(string path, bool allowZero = false)
        {
            var (text, origin, _) = Raw(path);
            if (text is not null && TryParseDuration(text, out var d) && (allowZero || d > TimeSpan.Zero)) return d;
            errors.Add($"{Describe(path, origin, text)}: must be a {(allowZero ? "" : "positive ")}duration such as 500ms, 30s, 5m or 1h (a bare number is seconds)");
            return TimeSpan.FromSeconds(1);
        }

        public T Enum<T>(string path, IReadOnlyDictionary<string, T> allowed)
        {
            var (text, origin, _) = Raw(path);
            if (text is not null && allowed.TryGetValue(text.Trim().ToLowerInvariant(), out var v)) return v;
            errors.Add($"{Describe(path, origin, text)}: must be one of {string.Join(", ", allowed.Keys)}");
            return allowed.Values.First();
        }

        public IReadOnlyList<string> StringList(string path)
        {
            var (text, origin, isOverride) = Raw(path);
            if (isOverride) return (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (!config.HasPath(path)) return [];
            try
            {
                return config.GetStringList(path).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
            }
            catch (Exception)
            {
                errors.Add($"{path}: must be a list such as [a, b]");
                return [];
            }
        }

        public IReadOnlyList<double> DoubleList(string path, double min, double max)
        {
            var items = StringList(path);
            var result = new List<double>();
            foreach (var s in items)
            {
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) result.Add(v);
                else errors.Add($"{path} ({Origin(path)}): '{s}' must be a number in [{min}, {max}]");
            }
            return result;
        }
    }
}
