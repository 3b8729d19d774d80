using System.Collections;
using Akka.Configuration;
using AkkaFakeUsers.Configuration;

namespace AkkaFakeUsers.Simulation;

/// <summary>
/// Behaviour profiles (afu.profile): a named layer of settings, one HOCON file per profile shipped in hocon/profiles/,
/// between the catalog's defaults and --config (so --config, env vars and flags still win). seed keeps the documented
/// defaults; calibrated sets posting, sessions and reactions to the statistics of published real logs.
/// </summary>
public static class Profiles
{
    public const string Seed = "seed";
    public const string Calibrated = "calibrated";

    public static IReadOnlyList<string> Names => SettingsCatalog.Profile.Allowed;

    /// <summary>The profile's name from the highest source that gives one (flag, env var, --config), else seed; an unknown name fails naming the allowed ones.</summary>
    public static string Choose(Setting setting, Config? file, IDictionary env, IReadOnlyDictionary<string, (string Value, string Flag)> cli)
    {
        var key = setting.Key;
        (string? Name, string Origin) pick =
            cli.TryGetValue(key, out var c) ? (c.Value, c.Flag)
            : env.Contains(setting.Env!) ? (env[setting.Env!]?.ToString(), "env " + setting.Env)
            : env.Contains(setting.GenericEnv) ? (env[setting.GenericEnv]?.ToString(), "env " + setting.GenericEnv)
            : file is not null && file.HasPath(key) ? (file.GetString(key), "--config")
            : (Seed, "default");
        var name = (pick.Name ?? "").Trim().Trim('"').ToLowerInvariant();
        if (!Names.Contains(name))
            throw new SettingsException([$"{key} ({pick.Origin}) = '{pick.Name}': unknown behaviour profile; allowed: {string.Join(", ", Names)}"]);
        return name;
    }

    /// <summary>The profile's layer of settings (hocon/profiles/NAME.conf, embedded).</summary>
    public static string Hocon(string name) => SettingsLoader.EmbeddedConf($"profiles.{name}.conf");
}
