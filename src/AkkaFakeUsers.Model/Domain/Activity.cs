namespace AkkaFakeUsers.Domain;

/// <summary>When a user posts: a heavy-tailed personal rate, shaped by a 24-hour curve in simulated time.</summary>
public static class Activity
{
    /// <summary>
    /// The user's posting rate relative to the mean (mean 1 over the population): log-normal with the configured sigma,
    /// capped. Drawn from (seed, user) so it is the same in every run with that seed.
    /// </summary>
    public static double RateFactor(ActivitySettings s, long seed, int index)
    {
        if (!s.HeavyTail || s.Sigma <= 0) return 1.0;
        var rng = DeterministicRandom.For(seed, "activity", index.ToString());
        var z = Gaussian.Standard(rng);
        // E[exp(sigma z - sigma^2/2)] = 1
        var f = Math.Exp(s.Sigma * z - s.Sigma * s.Sigma / 2);
        return Math.Round(Math.Clamp(f, 1.0 / s.MaxFactor, s.MaxFactor), 4);
    }

    /// <summary>The user's personal shift of the daily curve, in hours (a night owl is positive).</summary>
    public static double Chronotype(DailyCurveSettings s, long seed, int index) =>
        s.Enabled ? Math.Round(Gaussian.Standard(DeterministicRandom.For(seed, "chronotype", index.ToString())) * s.ChronotypeHours, 3) : 0;

    /// <summary>Relative activity (mean 1 over a day) at a simulated instant for a user with this shift.</summary>
    public static double Intensity(DailyCurveSettings s, DateTime simTime, double shiftHours)
    {
        if (!s.Enabled || s.Hourly.Count != 24) return 1.0;
        return Intensity(s.Hourly, s.Hourly.Average(), simTime, shiftHours);
    }

    private static double Intensity(IReadOnlyList<double> hourly, double mean, DateTime simTime, double shiftHours)
    {
        if (mean <= 0) return 1.0;
        var h = ((simTime.TimeOfDay.TotalHours - shiftHours) % 24 + 24) % 24;
        // Piecewise linear between hour centres, so the rate has no jumps.
        var x = h - 0.5;
        var i0 = (int)Math.Floor(x);
        var t = x - i0;
        var a = hourly[(i0 % 24 + 24) % 24];
        var b = hourly[((i0 + 1) % 24 + 24) % 24];
        return (a + (b - a) * t) / mean;
    }

    /// <summary>
    /// Simulated time until the next post of a user whose mean gap is <paramref name="meanGap"/>: an exponential draw of
    /// "activity" spent through the daily curve (a non-homogeneous Poisson process: more posts at peak hours).
    /// <paramref name="u"/> is a uniform draw in [0, 1).
    /// </summary>
    public static TimeSpan NextGap(DailyCurveSettings s, DateTime now, TimeSpan meanGap, double shiftHours, double u)
    {
        var need = -Math.Log(1 - Math.Clamp(u, 0, 0.999999)) * meanGap.TotalSeconds;
        if (!s.Enabled || s.Hourly.Count != 24) return TimeSpan.FromSeconds(need);
        // The curve is normalised to mean 1, so a whole day spends exactly 86,400 activity-seconds: skip whole days,
        // then walk the rest of one day in steps of at most 10 simulated minutes (or a tenth of the mean gap).
        const double day = 86_400;
        var mean = s.Hourly.Average();
        var days = Math.Floor(need / day);
        double t = days * day;
        need -= days * day;
        var step = Math.Clamp(meanGap.TotalSeconds / 10, 1, 600);
        for (var guard = 0; guard < 200_000; guard++)
        {
            var rate = Math.Max(0.01, Intensity(s.Hourly, mean, now.AddSeconds(t + step / 2), shiftHours));
            var spend = rate * step;
            if (spend >= need) return TimeSpan.FromSeconds(t + need / rate);
            need -= spend;
            t += step;
        }
        return TimeSpan.FromSeconds(t);
    }

}
