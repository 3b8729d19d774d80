using System.Collections;
using System.Globalization;
using Akka.Configuration;

namespace AkkaFakeUsers.Configuration;

/// <summary>
/// Reads one declared <see cref="Setting"/> at a time from the highest-precedence source that has it (CLI flag, then
/// env var, then the layered HOCON), checks it against its declaration and records a clear error instead of throwing,
/// so one run shows everything that is wrong.
/// </summary>
public sealed class SettingsReader(Config config, IDictionary env, IReadOnlyDictionary<string, (string Value, string Flag)> cli, List<string> errors)
{
    /// <summary>A problem only the section reading it can see (a value that contradicts another): reported with the rest.</summary>
    public void Fail(string message) => errors.Add(message);

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
        foreach (var (name, path) in SettingsCatalog.NamedEnvVars)
        {
            if (env.Contains(name) && env[name] is { } v) map[path] = (v.ToString() ?? "", $"env {name}");
        }
        return map;
    }

    public string Origin(Setting s) =>
        cli.TryGetValue(s.Key, out var c) ? c.Flag : _env.TryGetValue(s.Key, out var e) ? e.Origin : "config";

    private (string? Text, string Origin, bool Override) Raw(string path)
    {
        if (cli.TryGetValue(path, out var c)) return (c.Value, c.Flag, true);
        if (_env.TryGetValue(path, out var e)) return (e.Value, e.Origin, true);
        if (!config.HasPath(path)) return (null, "config", false);
        var v = config.GetValue(path);
        return (v.IsString() ? v.GetString() : v.ToString(), "config", false);
    }

    /// <summary>Whether any source (flag, env, HOCON) gives <paramref name="path"/> a value.</summary>
    public bool Has(string path) => Raw(path).Text is not null;

    /// <summary>
    /// The names under a map setting (afu.feed.external.NAME.url …): the keys of its HOCON object and those env vars
    /// (AFU__FEED__EXTERNAL__NAME__URL) and flags give, in ordinal order.
    /// </summary>
    public IReadOnlyList<string> MapKeys(string path)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (config.HasPath(path) && config.GetValue(path).IsObject())
            foreach (var kv in config.GetValue(path).GetObject().Items) names.Add(kv.Key);
        var prefix = path + ".";
        foreach (var key in _env.Keys.Concat(cli.Keys))
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
                names.Add(key[prefix.Length..].Split('.')[0]);
        return names.ToArray();
    }

    private static string Describe(string path, string origin, string? text) =>
        origin == "config" ? $"{path} = '{text}'" : $"{path} ({origin}) = '{text}'";

    private static string Number(double d) => d.ToString(CultureInfo.InvariantCulture);

    public string String(Setting s)
    {
        var (text, origin, _) = Raw(s.Key);
        if (text is null || (!s.AllowEmpty && string.IsNullOrWhiteSpace(text)))
        {
            errors.Add($"{s.Key} ({origin}) is missing or empty: give a value");
            return "";
        }
        return text.Trim();
    }

    public string Url(Setting s)
    {
        var text = String(s);
        if (text.Length > 0 && !(Uri.TryCreate(text, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https")))
            errors.Add($"{Describe(s.Key, Origin(s), text)}: must be an http(s) URL such as http://localhost:11434");
        return text;
    }

    public long Long(Setting s)
    {
        var (text, origin, _) = Raw(s.Key);
        var min = (long)Math.Max(s.Min, long.MinValue);
        if (long.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min) return v;
        errors.Add($"{Describe(s.Key, origin, text)}: must be a whole number >= {min}");
        return min;
    }

    public int Int(Setting s)
    {
        var (text, origin, _) = Raw(s.Key);
        var min = (int)Math.Max(s.Min, int.MinValue);
        var max = (int)Math.Min(s.Max, int.MaxValue);
        if (int.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
        errors.Add($"{Describe(s.Key, origin, text)}: must be a whole number " + (max == int.MaxValue ? $">= {min}" : $"from {min} to {max}"));
        return Math.Max(min, 0);
    }

    public double Double(Setting s)
    {
        var (text, origin, _) = Raw(s.Key);
        if (double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && !double.IsNaN(v) && v >= s.Min && v <= s.Max) return v;
        errors.Add($"{Describe(s.Key, origin, text)}: must be a number in [{Number(s.Min)}, {Number(s.Max)}]" + (s.FlagValue.EndsWith("|max", StringComparison.Ordinal) ? " or max" : ""));
        return s.Min;
    }

    /// <summary>A number, or "max" (= <see cref="double.PositiveInfinity"/>) when <paramref name="maxWord"/> is accepted.</summary>
    public double Double(Setting s, bool maxWord)
    {
        var (text, _, _) = Raw(s.Key);
        return maxWord && string.Equals(text?.Trim().Trim('"'), "max", StringComparison.OrdinalIgnoreCase) ? double.PositiveInfinity : Double(s);
    }

    public bool Bool(Setting s)
    {
        var (text, origin, _) = Raw(s.Key);
        switch (text?.Trim().ToLowerInvariant())
        {
            case "on" or "true" or "yes" or "1": return true;
            case "off" or "false" or "no" or "0": return false;
            default:
                errors.Add($"{Describe(s.Key, origin, text)}: must be on/off (true/false)");
                return false;
        }
    }

    public TimeSpan Duration(Setting s)
    {
        var (text, origin, _) = Raw(s.Key);
        if (text is not null && Durations.TryParse(text, out var d) && (s.AllowZero || d > TimeSpan.Zero)) return d;
        errors.Add($"{Describe(s.Key, origin, text)}: must be a {(s.AllowZero ? "" : "positive ")}duration such as 500ms, 30s, 5m or 1h (a bare number is seconds)");
        return TimeSpan.FromSeconds(1);
    }

    /// <summary>One of the declared <see cref="Setting.Allowed"/> names, as the enum member of that name.</summary>
    public T Enum<T>(Setting s) where T : struct, System.Enum
    {
        var (text, origin, _) = Raw(s.Key);
        var name = text?.Trim().ToLowerInvariant();
        if (name is not null && s.Allowed.Contains(name) && System.Enum.TryParse<T>(name, ignoreCase: true, out var v)) return v;
        errors.Add($"{Describe(s.Key, origin, text)}: must be one of {string.Join(", ", s.Allowed)}");
        return default;
    }

    public IReadOnlyList<string> StringList(Setting s)
    {
        var (text, _, isOverride) = Raw(s.Key);
        // a flag or env var: "a, b" or "[a, b]" (an empty list: "" or "[]")
        if (isOverride) return (text ?? "").Trim().TrimStart('[').TrimEnd(']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => x.Trim('"')).Where(x => x.Length > 0).ToArray();
        if (!config.HasPath(s.Key)) return [];
        try
        {
            return config.GetStringList(s.Key).Select(x => x.Trim()).Where(x => x.Length > 0).ToArray();
        }
        catch (Exception)
        {
            errors.Add($"{s.Key}: must be a list such as [a, b]");
            return [];
        }
    }

    public IReadOnlyList<double> DoubleList(Setting s)
    {
        var result = new List<double>();
        foreach (var item in StringList(s))
        {
            if (double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= s.Min && v <= s.Max) result.Add(v);
            else errors.Add($"{s.Key} ({Origin(s)}): '{item}' must be a number in [{Number(s.Min)}, {Number(s.Max)}]");
        }
        return result;
    }
}

/// <summary>Durations through HOCON's own reader (500ms, 30s, 5m, 1h, 2d, "30 seconds"…); a bare number means seconds.</summary>
public static class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var t = text.Trim();
        if (t.Length == 0 || t.Contains('"') || t.Contains('\n') || t.Contains('{') || t.Contains('$')) return false;
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) t += "s";
        try
        {
            value = ConfigurationFactory.ParseString($"d = \"{t}\"").GetTimeSpan("d", allowInfinite: false);
            return value >= TimeSpan.Zero;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
