using AkkaFakeUsers.Configuration;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Simulation;

public enum StorageKind { Sqlite, Postgres }

/// <param name="MinMembers">Up members before the singletons start and user shards are allocated (akka.cluster.min-nr-of-members).</param>
public sealed record ClusterSettings(string Hostname, int Port, IReadOnlyList<string> SeedNodes, string PublicHostname = "", int MinMembers = 1)
{
    /// <summary>afu.cluster; a seed node that is no akka.tcp://afu@host:port address is reported with the other problems.</summary>
    public static ClusterSettings Read(SettingsReader r)
    {
        var cluster = new ClusterSettings(
            Hostname: r.String(SettingsCatalog.ClusterHostname),
            Port: r.Int(SettingsCatalog.ClusterPort),
            SeedNodes: r.StringList(SettingsCatalog.SeedNodes),
            PublicHostname: r.String(SettingsCatalog.ClusterPublicHostname),
            MinMembers: r.Int(SettingsCatalog.MinMembers));
        foreach (var seedNode in cluster.SeedNodes)
            if (!(Uri.TryCreate(seedNode, UriKind.Absolute, out var su) && su.Scheme == "akka.tcp" && su.UserInfo == "afu" && su.Port > 0))
                r.Fail($"afu.cluster.seed-nodes ({r.Origin(SettingsCatalog.SeedNodes)}): '{seedNode}' must look like akka.tcp://afu@host:4053");
        return cluster;
    }
}

/// <param name="IdleTimeout">null: the inspection server's default.</param>
public sealed record InspectionSettings(string Host, int Port, string Token, int MaxConnections = 64, TimeSpan? IdleTimeout = null)
{
    /// <summary>afu.inspection (whether its host and token go together is checked by the loader, with the dashboard's).</summary>
    public static InspectionSettings Read(SettingsReader r) => new(
        Host: r.String(SettingsCatalog.InspectionHost),
        Port: r.Int(SettingsCatalog.InspectionPort),
        Token: r.String(SettingsCatalog.InspectionToken),
        MaxConnections: r.Int(SettingsCatalog.InspectionMaxConnections),
        IdleTimeout: r.Duration(SettingsCatalog.InspectionIdleTimeout));
}

/// <param name="Port">-1 = no health/metrics endpoint.</param>
public sealed record HealthSettings(string Host, int Port)
{
    /// <summary>afu.health.</summary>
    public static HealthSettings Read(SettingsReader r) => new(Host: r.String(SettingsCatalog.HealthHost), Port: r.Int(SettingsCatalog.HealthPort));
}

/// <param name="Port">-1 = no dashboard; 0 = any free port.</param>
public sealed record DashboardSettings(string Host, int Port)
{
    /// <summary>afu.dashboard.</summary>
    public static DashboardSettings Read(SettingsReader r) => new(Host: r.String(SettingsCatalog.DashboardHost), Port: r.Int(SettingsCatalog.DashboardPort));
}

/// <summary>Every setting of a run, validated. Built by <see cref="SettingsLoader"/> from HOCON, env vars and CLI flags.</summary>
public sealed record AfuSettings
{
    /// <summary>afu.profile: the behaviour profile whose layer of settings lies below --config, env and flags.</summary>
    public string Profile { get; init; } = Profiles.Seed;

    public required long Seed { get; init; }
    public required string DataDir { get; init; }
    public required StorageKind Storage { get; init; }
    public required string PostgresConnectionString { get; init; }
    public required int UserCountMin { get; init; }
    public required int UserCountMax { get; init; }
    /// <summary>Explicit population (<c>--users</c> or afu.users.count); 0 = draw between min and max.</summary>
    public required int UserCount { get; init; }
    public required TimeSpan EnsureInterval { get; init; }
    public required int EnsureBatch { get; init; }
    /// <summary>afu.users.sleep-after: a user with nothing due within this simulated span sleeps (zero: never).</summary>
    public TimeSpan SleepAfter { get; init; }
    public required InterestMix Interests { get; init; }
    public required TimeSpan PostInterval { get; init; }
    public required double PostJitter { get; init; }
    public required ReactionSettings Reactions { get; init; }
    /// <summary>Realism: heavy-tailed activity, daily curve, follows, threads, trends, drift, joiners (afu.behaviour).</summary>
    public BehaviourSettings Behaviour { get; init; } = BehaviourSettings.Default;
    public required SessionSettings Sessions { get; init; }
    public required FeedSettings Feed { get; init; }
    /// <summary>Simulated seconds per real second; <see cref="double.PositiveInfinity"/> for max.</summary>
    public required double TimeScale { get; init; }

    /// <summary>afu.simulation.start, or null (empty).</summary>
    public DateTime? SimStart { get; init; }

    /// <summary>With time-scale max and no start set, runs start here, so that two runs with the same seed are the same.</summary>
    public static readonly DateTime DiscreteEpoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The simulated instant the run starts at: afu.simulation.start, else the real time (max: <see cref="DiscreteEpoch"/>),
    /// but never before <paramref name="resumeAfter"/>, the newest simulated instant the store already holds (a
    /// restarted compressed run carries on where it stopped instead of stamping new data before the old).</summary>
    public DateTime StartAt(DateTime realNow, DateTime? resumeAfter = null)
    {
        var start = SimStart ?? (double.IsPositiveInfinity(TimeScale) ? DiscreteEpoch : realNow);
        return resumeAfter is { } newest && newest >= start ? newest.AddMilliseconds(1) : start;
    }

    /// <summary>How the clock runs (time-scale, end of run, backlog limit, skew, batches).</summary>
    public Clock.ClockSettings Clock { get; init; } = AkkaFakeUsers.Clock.ClockSettings.Paced(1);

    /// <summary>The clock settings with <see cref="TimeScale"/> (which tests and the CLI set on its own) as their scale.</summary>
    public Clock.ClockSettings ClockSettings => Clock with { Scale = TimeScale };

    /// <summary>"720" or "max".</summary>
    public string TimeScaleText => double.IsPositiveInfinity(TimeScale) ? "max" : TimeScale.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public required int SnapshotEvery { get; init; }
    public required LlmSettings Llm { get; init; }
    public required ClusterSettings Cluster { get; init; }
    public required InspectionSettings Inspection { get; init; }
    public required TimeSpan StatusInterval { get; init; }
    public required HealthSettings Health { get; init; }
    public DashboardSettings Dashboard { get; init; } = new("127.0.0.1", -1);

    /// <summary>The population this run aims for: the explicit count, else a seeded draw in [min, max].</summary>
    public int TargetUserCount => UserCount > 0
        ? UserCount
        : UserCountMin + DeterministicRandom.For(Seed, "population", "count").Next(UserCountMax - UserCountMin + 1);

    /// <summary>The settings every user is decided by (<see cref="Users.FakeUserDecider"/>).</summary>
    public UserRules UserRules() => new(Seed, Interests, PostInterval, PostJitter, Reactions, Behaviour, SnapshotEvery, Sessions, Feed.MaxPostAge, SleepAfter);

    public string SqlitePath => Path.GetFullPath(Path.Combine(DataDir, "afu.db"));
}
