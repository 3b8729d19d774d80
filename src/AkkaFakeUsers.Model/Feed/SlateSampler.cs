using System.Buffers;

namespace AkkaFakeUsers.Feed;

/// <summary>A sampled slate: for each position (from 1) the candidate shown, its score and the exact probability of showing it there.</summary>
/// <param name="Cascade">For each position p, the probability that the policy shows the slate's first p posts exactly as shown (the
/// cascade's propensity; at the last position, the whole slate's).</param>
public sealed record SampledSlate(int[] Candidates, double[] Scores, double[] Propensities, bool IsRandom, double[] Cascade);

/// <summary>
/// Turns a policy's scores over a candidate pool of N into a slate of K, and says exactly how likely each shown
/// (post, position) was. A ranked policy is served epsilon-greedy: with probability 1 - epsilon its top K (ties go to the
/// earlier candidate), with probability epsilon a uniformly random ordering of K distinct candidates. So
/// P(candidate c at position p) = (1 - epsilon) x [c is the policy's p-th] + epsilon / N, never 0 when epsilon > 0;
/// for a uniform ordering it is 1 / N. Pure: the random source is the caller's.
/// </summary>
public static class SlateSampler
{
    /// <param name="forceRandom">A slate of the random share: a uniform ordering, flagged, propensity 1 / N.</param>
    public static SampledSlate Sample(ReadOnlySpan<double> scores, int k, double epsilon, bool uniformPolicy, bool forceRandom, Random rng)
    {
        var n = scores.Length;
        var size = Math.Min(k, n);
        var uniform = forceRandom || uniformPolicy;
        var greedy = uniform ? [] : TopK(scores, size);
        var explore = !uniform && rng.NextDouble() < epsilon;
        var chosen = uniform || explore ? UniformOrdering(n, size, rng) : greedy;
        var shownScores = new double[size];
        for (var p = 0; p < size; p++) shownScores[p] = uniform ? 0 : scores[chosen[p]];
        var e = uniform ? 1 : epsilon;
        return new SampledSlate(chosen, shownScores, Propensities(greedy, chosen, e, n), forceRandom, CascadePropensities(greedy, chosen, e, n));
    }

    /// <summary>
    /// The probability of each shown slot (<paramref name="shown"/>[p] at position p) under an epsilon-greedy policy whose top
    /// list is <paramref name="greedy"/>. A uniform ordering is epsilon 1 (its top list plays no part: pass it empty).
    /// </summary>
    public static double[] Propensities(int[] greedy, int[] shown, double epsilon, int n)
    {
        var props = new double[shown.Length];
        for (var p = 0; p < props.Length; p++) props[p] = Propensity(greedy, shown[p], p, epsilon, n);
        return props;
    }

    /// <summary>
    /// For each position p (from 0), the probability that an epsilon-greedy policy whose top list is <paramref name="greedy"/>
    /// shows <paramref name="shown"/>[0..p] in that order: (1 - epsilon) x [the top list starts so] + epsilon x 1 / (n (n-1) … (n-p)).
    /// A uniform ordering is epsilon 1 (pass the top list empty). The last one is the whole slate's probability.
    /// </summary>
    public static double[] CascadePropensities(int[] greedy, int[] shown, double epsilon, int n)
    {
        var cascade = new double[shown.Length];
        var uniform = 1.0;
        var agrees = epsilon < 1;
        for (var p = 0; p < cascade.Length; p++)
        {
            uniform /= n - p;
            agrees = agrees && p < greedy.Length && greedy[p] == shown[p];
            cascade[p] = (agrees ? 1 - epsilon : 0) + epsilon * uniform;
        }
        return cascade;
    }

    /// <summary>P(candidate <paramref name="candidate"/> at position <paramref name="position"/> (from 0)) under an epsilon-greedy policy whose top list is <paramref name="greedy"/>.</summary>
    public static double Propensity(int[] greedy, int candidate, int position, double epsilon, int n) =>
        (position < greedy.Length && greedy[position] == candidate ? 1 - epsilon : 0) + epsilon / n;

    /// <summary>The K best candidates by score, best first; ties go to the lower index (deterministic). O(N + K x insertions).</summary>
    public static int[] TopK(ReadOnlySpan<double> scores, int k)
    {
        var top = new int[Math.Min(k, scores.Length)];
        var filled = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var s = scores[i];
            if (filled == top.Length && !(s > scores[top[filled - 1]])) continue;
            var j = filled < top.Length ? filled++ : filled - 1;
            while (j > 0 && s > scores[top[j - 1]])
            {
                top[j] = top[j - 1];
                j--;
            }
            top[j] = i;
        }
        return top;
    }

    /// <summary><paramref name="size"/> distinct indices of [0, n) in uniformly random order (partial Fisher-Yates).</summary>
    public static int[] UniformOrdering(int n, int size, Random rng)
    {
        var pool = ArrayPool<int>.Shared.Rent(n);
        try
        {
            for (var i = 0; i < n; i++) pool[i] = i;
            var result = new int[size];
            for (var i = 0; i < size; i++)
            {
                var j = i + rng.Next(n - i);
                (pool[i], pool[j]) = (pool[j], pool[i]);
                result[i] = pool[i];
            }
            return result;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(pool);
        }
    }
}
