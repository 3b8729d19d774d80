using System.Globalization;
using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Feed;

/// <summary>
/// A feed policy: a score per candidate (higher is shown earlier). A policy is served epsilon-greedy
/// (<see cref="SlateSampler"/>): its top K by score, or with probability epsilon a uniformly random ordering of K
/// candidates, so the probability of every (post, position) is known exactly. A <see cref="Uniform"/> policy
/// always orders uniformly at random.
/// </summary>
public interface IFeedPolicy
{
    string Name { get; }

    bool Uniform { get; }

    double Score(in CandidateFeatures f);
}

/// <summary>Followed authors first, then the newest.</summary>
public sealed class ChronologicalPolicy : IFeedPolicy
{
    public string Name => "chronological";
    public bool Uniform => false;
    public double Score(in CandidateFeatures f) => (f.Followed ? 1000 : 0) - f.AgeHours;
}

/// <summary>The reader's interest match, newest first among equals.</summary>
public sealed class InterestPolicy : IFeedPolicy
{
    public string Name => "interest";
    public bool Uniform => false;
    public double Score(in CandidateFeatures f) => f.Match - 0.0001 * f.AgeHours;
}

/// <summary>A hot score: likes decayed by age, (likes + 1) / (age in hours + 2)^1.5.</summary>
public sealed class PopularPolicy : IFeedPolicy
{
    public string Name => "popular";
    public bool Uniform => false;
    public double Score(in CandidateFeatures f) => (f.Likes + 1) / Math.Pow(f.AgeHours + 2, 1.5);
}

/// <summary>Uniform over the candidate pool.</summary>
public sealed class RandomPolicy : IFeedPolicy
{
    public string Name => "random";
    public bool Uniform => true;
    public double Score(in CandidateFeatures f) => 0;
}

/// <summary>Scores with the weights the feed's <see cref="LearnedModel"/> last published (refreshed on a schedule).</summary>
public sealed class LearnedPolicy(LearnedModel model) : IFeedPolicy
{
    public string Name => "learned";
    public bool Uniform => false;
    public double Score(in CandidateFeatures f) => model.Score(f);
}

/// <summary>
/// A policy served over HTTP (external:NAME): its scores come from a ranking service per slate (the feed asks it, see
/// <see cref="FeedServer.Prepare"/>), and the feed's own sampler turns them into the slate, so its propensities are exact
/// whatever the service answers. Where no scores came (a timeout, a bad answer, an open circuit) the slate is ranked by
/// <see cref="Fallback"/>, a built-in policy, and logged as <c>fallback:</c> + its name: <see cref="Score"/> is the fallback's.
/// </summary>
public sealed class ExternalPolicy(string name, IFeedPolicy fallback) : IFeedPolicy
{
    /// <summary>NAME of external:NAME (afu.feed.external.NAME).</summary>
    public string ExternalName { get; } = name;

    public IFeedPolicy Fallback { get; } = fallback;

    public string Name => PolicyMixText.ExternalPrefix + ExternalName;
    public bool Uniform => false;
    public double Score(in CandidateFeatures f) => Fallback.Score(f);
}

/// <summary>A policy as served: the policy and its epsilon (the share of its slates that are a uniform random ordering).</summary>
public sealed record PolicySpec(IFeedPolicy Policy, double Epsilon, string Name)
{
    public double EffectiveEpsilon => Policy.Uniform ? 1 : Epsilon;

    /// <summary>The NAME of an external policy (external:NAME), or null.</summary>
    public string? External => (Policy as ExternalPolicy)?.ExternalName;

    /// <param name="externalFallbacks">For each external policy's NAME, the built-in policy that ranks its slates when the service gives no scores.</param>
    public static PolicySpec From(PolicyChoice c, double defaultEpsilon, LearnedModel learned, IReadOnlyDictionary<string, string>? externalFallbacks = null) =>
        new(Builtin(c.Policy, learned) ?? ExternalOf(c.Policy, learned, externalFallbacks) ?? throw new ArgumentException($"unknown feed policy '{c.Policy}' ({PolicyMixText.Help})"),
            c.Epsilon ?? defaultEpsilon, c.Name);

    private static IFeedPolicy? Builtin(string name, LearnedModel learned) => name switch
    {
        "chronological" => new ChronologicalPolicy(),
        "interest" => new InterestPolicy(),
        "popular" => new PopularPolicy(),
        "random" => new RandomPolicy(),
        "learned" => new LearnedPolicy(learned),
        _ => null,
    };

    private static IFeedPolicy? ExternalOf(string policy, LearnedModel learned, IReadOnlyDictionary<string, string>? fallbacks)
    {
        if (PolicyMixText.ExternalName(policy) is not { } name) return null;
        if (fallbacks is null || !fallbacks.TryGetValue(name, out var fallback))
            throw new ArgumentException($"external policy '{name}' has no afu.feed.external.{name}.url");
        return new ExternalPolicy(name, Builtin(fallback, learned) ?? throw new ArgumentException($"external policy '{name}': unknown fallback '{fallback}'"));
    }
}

/// <summary>Which policy serves which share of the population: a user's share is drawn from (seed, user), the same on every node.</summary>
public sealed record PolicyMix(IReadOnlyList<(PolicySpec Spec, double Share)> Parts)
{
    public PolicySpec For(long seed, string userId)
    {
        if (Parts.Count == 1) return Parts[0].Spec;
        var u = DeterministicRandom.For(seed, "feed-policy", userId).NextDouble();
        var acc = 0.0;
        foreach (var (spec, share) in Parts)
        {
            acc += share;
            if (u < acc) return spec;
        }
        return Parts[^1].Spec;
    }

    public string Describe() => string.Join(", ", Parts.Select(p => $"{p.Spec.Name}={p.Share.ToString("0.###", CultureInfo.InvariantCulture)}"));

    public static PolicyMix From(IEnumerable<PolicyChoice> choices, double defaultEpsilon, LearnedModel learned, IReadOnlyDictionary<string, string>? externalFallbacks = null) =>
        new(choices.Select(c => (PolicySpec.From(c, defaultEpsilon, learned, externalFallbacks), c.Share)).ToArray());

    /// <summary>Parses a mix's text (<see cref="PolicyMixText"/>); an external policy must be one the run configured.</summary>
    public static bool TryParse(string text, double defaultEpsilon, LearnedModel learned, out PolicyMix mix, out string error,
        IReadOnlyDictionary<string, string>? externalFallbacks = null)
    {
        mix = null!;
        if (!PolicyMixText.TryParse(text, out var choices, out error)) return false;
        try
        {
            mix = From(choices, defaultEpsilon, learned, externalFallbacks);
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
        return true;
    }
}
