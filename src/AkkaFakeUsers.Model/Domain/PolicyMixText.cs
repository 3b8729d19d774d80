using System.Globalization;

namespace AkkaFakeUsers.Domain;

/// <summary>One feed policy of a mix: its name, its own epsilon (null = the run's afu.feed.exploration) and its share of the population.</summary>
public sealed record PolicyChoice(string Policy, double? Epsilon, double Share)
{
    /// <summary>"interest", or "epsilon:0.1:interest" with an epsilon of its own.</summary>
    public string Name => Epsilon is { } e ? $"epsilon:{e.ToString("0.###", CultureInfo.InvariantCulture)}:{Policy}" : Policy;
}

/// <summary>
/// The text of a feed policy mix (afu.feed.policies, <c>feed policy …</c>): "interest=0.8, popular=0.2". A policy is one
/// of <see cref="Names"/> or "epsilon:E:name" (that policy with its own epsilon E in [0, 1]); shares are normalised, and a
/// name without a share counts 1.
/// </summary>
public static class PolicyMixText
{
    public static readonly string[] Names = ["chronological", "interest", "popular", "random", "learned"];

    public static string Help => $"policies: {string.Join(", ", Names)}, external:NAME (a ranking service, afu.feed.external.NAME), or epsilon:E:name; e.g. \"interest=0.8, popular=0.2\"";

    /// <summary>The prefix of a policy served over HTTP: external:NAME.</summary>
    public const string ExternalPrefix = "external:";

    /// <summary>The NAME of "external:NAME", or null for a built-in policy.</summary>
    public static string? ExternalName(string policy) =>
        policy.StartsWith(ExternalPrefix, StringComparison.Ordinal) ? policy[ExternalPrefix.Length..] : null;

    /// <summary>A name of an external policy: letters, digits, '-' and '_' (it is a HOCON key and an env var part).</summary>
    public static bool IsExternalName(string name) => name.Length is > 0 and <= 64 && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_');

    public static bool TryParse(string text, out IReadOnlyList<PolicyChoice> mix, out string error)
    {
        mix = [];
        var parts = new List<PolicyChoice>();
        foreach (var raw in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = raw.LastIndexOf('=');
            var share = 1.0;
            if (eq >= 0 && (!double.TryParse(raw[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out share) || share < 0 || !double.IsFinite(share)))
            {
                error = $"'{raw}': the share after '=' must be a number >= 0";
                return false;
            }
            if (!TryParseOne((eq < 0 ? raw : raw[..eq]).Trim(), share, out var choice, out error)) return false;
            parts.Add(choice);
        }
        var total = parts.Sum(p => p.Share);
        if (parts.Count == 0 || total <= 0)
        {
            error = $"'{text}': name at least one policy with a share > 0 ({Help})";
            return false;
        }
        mix = parts.Select(p => p with { Share = p.Share / total }).ToArray();
        error = "";
        return true;
    }

    public static bool TryParseOne(string name, double share, out PolicyChoice choice, out string error)
    {
        choice = null!;
        double? epsilon = null;
        if (name.StartsWith("epsilon:", StringComparison.OrdinalIgnoreCase))
        {
            var bits = name.Split(':', 3);
            if (bits.Length != 3 || !double.TryParse(bits[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var e) || e is < 0 or > 1)
            {
                error = $"'{name}': write epsilon:E:policy with E between 0 and 1, e.g. epsilon:0.1:interest";
                return false;
            }
            epsilon = e;
            name = bits[2];
        }
        name = name.ToLowerInvariant();
        if (ExternalName(name) is { } external)
        {
            if (!IsExternalName(external))
            {
                error = $"'{name}': an external policy is external:NAME with a NAME of letters, digits, '-' and '_' (then set afu.feed.external.NAME.url)";
                return false;
            }
            choice = new PolicyChoice(name, epsilon, share);
            error = "";
            return true;
        }
        if (!Names.Contains(name))
        {
            error = $"unknown feed policy '{name}' ({Help})";
            return false;
        }
        choice = new PolicyChoice(name, epsilon, share);
        error = "";
        return true;
    }
}
