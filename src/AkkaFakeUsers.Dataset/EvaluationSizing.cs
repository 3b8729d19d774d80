using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Simulation;

namespace AkkaFakeUsers.Dataset;

/// <summary>The data <c>afu dataset evaluate</c> cannot do without: fewer than this and it refuses, saying how much it found.</summary>
public sealed class NotEnoughDataException(string message) : Exception(message);

/// <summary>
/// A run that gives <c>afu dataset evaluate</c> enough data: how many users for how many simulated hours, sized from the
/// thresholds it checks (<see cref="LikeEvaluator.MinViews"/> views, <see cref="ImpressionEvaluator.MinImpressions"/>
/// impressions) with the rates these settings give (session interval and daily curve from the run's start, slate size,
/// examination and view probability), three times over: the population's activity is heavy-tailed and a slate's pool
/// is thin while the first posts come in.
/// </summary>
public static class EvaluationSizing
{
    public const int Users = 20;
    public const double Margin = 3;

    /// <summary>Expected views of one slate: the positions examined (no stop counted) times the lowest view probability.</summary>
    public static double ViewsPerSlate(AfuSettings s)
    {
        var k = s.Sessions.SlateSize;
        var examined = s.Sessions.Examination == ExaminationModel.Flat
            ? k * s.Sessions.FlatExamination
            : Enumerable.Range(0, k).Sum(i => Math.Pow(s.Sessions.ExaminationDecay, i));
        return examined * s.Reactions.InteractionProbability * 0.75;
    }

    /// <summary>Slates the run needs: enough for both thresholds, with the margin.</summary>
    public static double SlatesNeeded(AfuSettings s) =>
        Margin * Math.Max(LikeEvaluator.MinViews / Math.Max(ViewsPerSlate(s), 1e-9), (double)ImpressionEvaluator.MinImpressions / s.Sessions.SlateSize);

    /// <summary>Expected slates of <paramref name="users"/> average users in the simulated span from <paramref name="start"/>.</summary>
    public static double ExpectedSlates(AfuSettings s, int users, DateTime start, TimeSpan span)
    {
        var activity = 0.0; // activity-seconds: simulated seconds weighted by the daily curve (mean 1 over a day)
        var step = TimeSpan.FromMinutes(1);
        for (var t = TimeSpan.Zero; t < span; t += step) activity += Activity.Intensity(s.Behaviour.Daily, start + t, 0) * step.TotalSeconds;
        return users * activity / s.Sessions.Interval.TotalSeconds;
    }

    /// <summary>
    /// Users and whole simulated hours for a <c>--time-scale max</c> run from <paramref name="start"/> (max starts at
    /// afu.simulation.start, else at <see cref="AfuSettings.DiscreteEpoch"/>): <see cref="Users"/> users for the fewest
    /// hours up to a day, else more users for a day.
    /// </summary>
    public static (int Users, int Hours) Suggest(AfuSettings s, DateTime start)
    {
        var need = SlatesNeeded(s);
        for (var hours = 1; hours <= 24; hours++)
            if (ExpectedSlates(s, Users, start, TimeSpan.FromHours(hours)) >= need) return (Users, hours);
        var perUserDay = ExpectedSlates(s, 1, start, TimeSpan.FromHours(24));
        return ((int)Math.Ceiling(need / perUserDay), 24);
    }
}
