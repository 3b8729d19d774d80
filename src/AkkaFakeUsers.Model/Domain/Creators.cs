namespace AkkaFakeUsers.Domain;

/// <summary>
/// Creators and posts that differ beyond their topic (afu.behaviour.creators): every author has a latent quality, normal
/// with <paramref name="QualitySigma"/>, and each post an appeal drawn around it with <paramref name="AppealSigma"/>. The
/// appeal multiplies the chance that a reader opens the post by exp(open-weight x appeal) and likes it by
/// exp(like-weight x appeal), each normalised to a mean of 1 over all posts. Both values are ground truth only (the posts'
/// metadata): a model sees their traces (the author's past opens and likes), never the values.
/// </summary>
public sealed record CreatorSettings(bool Enabled = false, double QualitySigma = 0.8, double AppealSigma = 0.5, double OpenWeight = 1.0, double LikeWeight = 1.0)
{
    public static CreatorSettings Off { get; } = new();

    /// <summary>Variance of a post's appeal over all posts.</summary>
    public double AppealVariance => QualitySigma * QualitySigma + AppealSigma * AppealSigma;
}

/// <summary>Pure rules of creator quality and post appeal; every draw seeded by (run seed, author or post).</summary>
public static class Creators
{
    /// <summary>The author's latent quality (0 when creators are off).</summary>
    public static double Quality(CreatorSettings c, long seed, string authorId) =>
        c.Enabled ? Math.Round(c.QualitySigma * Gaussian.Standard(DeterministicRandom.For(seed, "quality", authorId)), 4) : 0;

    /// <summary>A post's appeal: the author's quality plus the post's own draw (null when creators are off).</summary>
    public static double? Appeal(CreatorSettings c, long seed, string postId, double quality) =>
        c.Enabled ? Math.Round(quality + c.AppealSigma * Gaussian.Standard(DeterministicRandom.For(seed, "appeal", postId)), 4) : null;

    /// <summary>The post's effort for the writer: the percentile of its appeal among all posts (null when creators are off).</summary>
    public static double? Effort(CreatorSettings c, double? appeal) =>
        !c.Enabled || appeal is not { } a ? null : Math.Round(Gaussian.Cdf(a / Math.Sqrt(Math.Max(1e-9, c.AppealVariance))), 4);

    /// <summary>exp(w a - w^2 var / 2): mean 1 over posts, so the base rates keep their meaning. 1 for a post without appeal.</summary>
    public static double Factor(CreatorSettings c, double weight, double? appeal) =>
        !c.Enabled || appeal is not { } a ? 1.0 : Math.Exp(weight * a - weight * weight * c.AppealVariance / 2);
}

/// <summary>Standard normal draws and quantiles, without a statistics package.</summary>
public static class Gaussian
{
    /// <summary>Box-Muller from two uniform draws of <paramref name="rng"/>.</summary>
    public static double Standard(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>The standard normal distribution function (Abramowitz and Stegun 7.1.26 for erf, error below 1.5e-7).</summary>
    public static double Cdf(double z)
    {
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + 0.3275911 * x);
        var erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    /// <summary>The standard normal quantile of p in (0, 1) (Acklam's rational approximation, relative error about 1e-9).</summary>
    public static double Quantile(double p)
    {
        if (p <= 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "must be in (0, 1)");
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) return -Quantile(1 - p);
        var r = p - 0.5;
        var s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }
}
