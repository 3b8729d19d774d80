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

/// <summary>A policy as served: the policy and its epsilon (the share of its slates that are a uniform random ordering).</summary>
public sealed record PolicySpec(IFeedPolicy Policy, double Epsilon, string Name)
{
    public double EffectiveEpsilon => Policy.Uniform ? 1 : Epsilon;

    public static PolicySpec From(PolicyChoice c, double defaultEpsilon, LearnedModel learned) => new(c.Policy switch
    {
        "chronological" => new ChronologicalPolicy(),
        "interest" => new InterestPolicy(),
        "popular" => new PopularPolicy(),
        "random" => new RandomPolicy(),
        "learned" => new LearnedPolicy(learned),
        _ => throw new ArgumentException($"unknown feed policy '{c.Policy}' ({PolicyMixText.Help})"),
    }, c.Epsilon ?? defaultEpsilon, c.Name);
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

    public static PolicyMix From(IEnumerable<PolicyChoice> choices, double defaultEpsilon, LearnedModel learned) =>
        new(choices.Select(c => (PolicySpec.From(c, defaultEpsilon, learned), c.Share)).ToArray());

    /// <summary>Parses a mix's text (<see cref="PolicyMixText"/>).</summary>
    public static bool TryParse(string text, double defaultEpsilon, LearnedModel learned, out PolicyMix mix, out string error)
    {
        mix = null!;
        if (!PolicyMixText.TryParse(text, out var choices, out error)) return false;
        mix = From(choices, defaultEpsilon, learned);
        return true;
    }
}
