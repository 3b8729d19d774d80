using AkkaFakeUsers.Configuration;
using System.Collections;
using AkkaFakeUsers.Simulation;

namespace AkkaFakeUsers.Host;

/// <summary>Settings as every command reads them: the flags given (declared in <see cref="SettingsCatalog"/>) over env vars over --config over the defaults.</summary>
public static class CommandSettings
{
    public static AfuSettings Load(ParsedArgs args, IDictionary? env = null)
    {
        var cli = new Dictionary<string, (string, string)>();
        foreach (var s in SettingsCatalog.Flags)
            if (args.Flag(s.Flag!) is { } v) cli[s.Key] = (v, "--" + s.Flag);
        if (args.Flag("users") is { } users && (!int.TryParse(users, out var n) || n < 1))
            throw new SettingsException([$"--users '{users}': must be a whole number >= 1"]);
        var settings = SettingsLoader.Load(args.Flag("config"), env ?? Environment.GetEnvironmentVariables(), cli);
        return settings.Seed == 0 ? settings with { Seed = Random.Shared.NextInt64(1, int.MaxValue) } : settings;
    }

    /// <summary><c>--duration</c>, or null to run until stopped.</summary>
    public static TimeSpan? Duration(ParsedArgs args)
    {
        if (args.Flag("duration") is not { } d) return null;
        if (!Durations.TryParse(d, out var duration) || duration <= TimeSpan.Zero)
            throw new SettingsException([$"--duration '{d}': must be a positive duration such as 30s, 5m or 1h (a bare number is seconds)"]);
        return duration;
    }
}
