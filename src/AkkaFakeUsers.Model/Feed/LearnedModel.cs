using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Feed;

/// <summary>
/// The learned policy's model: a logistic regression of "liked, given examined" on <see cref="CandidateFeatures"/>,
/// trained online (SGD) on the impressions this node's users report back, and scored with the weights last published
/// by <see cref="Refresh"/> (the feed refreshes on a schedule, as a production model is retrained and redeployed).
/// Not thread-safe: it lives inside the feed actor.
/// </summary>
public sealed class LearnedModel(double learningRate = 0.05, double l2 = 1e-4)
{
    private readonly double[] _training = new double[CandidateFeatures.Width];
    private double[] _serving = new double[CandidateFeatures.Width];

    public long Examples { get; private set; }

    public long Refreshes { get; private set; }

    public IReadOnlyList<double> Weights => _serving;

    public double Score(in CandidateFeatures f)
    {
        Span<double> x = stackalloc double[CandidateFeatures.Width];
        f.Fill(x);
        var z = 0.0;
        for (var i = 0; i < x.Length; i++) z += _serving[i] * x[i];
        return z;
    }

    public void Learn(in CandidateFeatures f, bool liked)
    {
        Span<double> x = stackalloc double[CandidateFeatures.Width];
        f.Fill(x);
        var z = 0.0;
        for (var i = 0; i < x.Length; i++) z += _training[i] * x[i];
        var p = 1 / (1 + Math.Exp(-z));
        var g = (liked ? 1 : 0) - p;
        for (var i = 0; i < x.Length; i++) _training[i] += learningRate * (g * x[i] - l2 * _training[i]);
        Examples++;
    }

    /// <summary>Publishes the trained weights to serving.</summary>
    public void Refresh()
    {
        _serving = (double[])_training.Clone();
        Refreshes++;
    }
}
