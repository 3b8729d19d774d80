using AkkaFakeUsers.Clock;
using AkkaFakeUsers.Configuration;
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
/// Reads <c>afu { … }</c> settings (every key declared once in <see cref="SettingsCatalog"/>) and builds the typed
/// <see cref="AfuSettings"/> from its sections, each read by its own record (<c>LlmSettings.Read</c>, <c>FeedSettings.Read</c>,
/// <c>ClockSettings.Read</c>, <c>ClusterSettings.Read</c>, …; the model's records by <see cref="ModelSettingsReader"/>), by
/// name; here only what spans sections (storage and its connection, the population's bounds, the start, who may bind where). Precedence: CLI flag &gt; env var &gt; <c>--config</c> file &gt; the behaviour profile (<see cref="Profiles"/>) &gt; the catalog's defaults.
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
        Config? file = null;
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new SettingsException([$"--config {configFile}: file not found"]);
            var text = File.ReadAllText(configFile);
            if (HoconLint.Check(text) is { } problem) throw new SettingsException([$"--config {configFile}: not valid HOCON: {problem}"]);
            try
            {
                file = ConfigurationFactory.ParseString(text);
            }
            catch (Exception ex)
            {
                throw new SettingsException([$"--config {configFile}: not valid HOCON: {FirstLine(ex.Message)}"]);
            }
        }
        // the profile is a layer between the defaults and --config: its name may come from any source above it
        var profile = Profiles.Choose(SettingsCatalog.Profile, file, env, cli);
        config = ConfigurationFactory.ParseString(Profiles.Hocon(profile)).WithFallback(config);
        if (file is not null) config = file.WithFallback(config);

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
            Profile = profile,
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
            Interests = ModelSettingsReader.Interests(r, config),
            PostInterval = r.Duration(SettingsCatalog.PostInterval),
            PostJitter = r.Double(SettingsCatalog.PostJitter),
            Reactions = ModelSettingsReader.Reactions(r),
            Behaviour = ModelSettingsReader.Behaviour(r),
            Sessions = ModelSettingsReader.Sessions(r),
            Feed = FeedSettings.Read(r),
            TimeScale = timeScale,
            SimStart = simStart,
            Clock = ClockSettings.Read(r, timeScale),
            SnapshotEvery = r.Int(SettingsCatalog.SnapshotEvery),
            Llm = LlmSettings.Read(r),
            Cluster = ClusterSettings.Read(r),
            Inspection = InspectionSettings.Read(r),
            StatusInterval = r.Duration(SettingsCatalog.StatusInterval),
            Health = HealthSettings.Read(r),
            Dashboard = DashboardSettings.Read(r),
        };

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
