namespace AkkaFakeUsers.Domain;

/// <summary>
/// How users read a slate (afu.sessions in simulation.conf). A user opens the app on its own rhythm (<see cref="Interval"/>,
/// scaled by its activity factor and the daily curve, as posting is) and examines the slate top-down.
/// </summary>
/// <param name="Interval">Mean simulated time between two sessions of an average user.</param>
/// <param name="SlateSize">K: posts per slate.</param>
/// <param name="Examination">cascade: position i is examined with probability decay^(i-1) and the user may stop after an
/// engagement; flat: every position with probability <paramref name="FlatExamination"/>, no stopping (the control: no position bias).</param>
/// <param name="StopAfterEngagement">Cascade only: after a like or comment the user leaves the slate with this probability.</param>
/// <param name="HideBase">P(hide | examined, not opened) = hide-base + hide-slope x (1 - score)^2: likelier the worse the match.</param>
public sealed record SessionSettings(
    TimeSpan Interval,
    int SlateSize = 10,
    ExaminationModel Examination = ExaminationModel.Cascade,
    double ExaminationDecay = 0.8,
    double FlatExamination = 0.6,
    double StopAfterEngagement = 0.3,
    double HideBase = 0.005,
    double HideSlope = 0.08)
{
    public static SessionSettings Default { get; } = new(TimeSpan.FromSeconds(120));
}

public enum ExaminationModel { Cascade, Flat }

/// <summary>What the user did with one slot of a slate.</summary>
/// <param name="DwellMs">Time spent on the slot: a glance if only examined, longer (and longer the better the match) if opened. 0 if not examined.</param>
public sealed record SlotOutcome(bool Examined, bool Viewed, int DwellMs, bool Liked, bool Commented, bool Hid)
{
    public static readonly SlotOutcome Unseen = new(false, false, 0, false, false, false);

    public bool Engaged => Liked || Commented;
}

/// <summary>One slot as the user sees it: the post's match with the user, whether it is already known, and a like boost (trending).</summary>
public readonly record struct SlotView(double Score, bool AlreadyViewed, double LikeBoost = 1.0);

/// <summary>Pure session rules: examination (position bias), then open / like / comment / hide per examined slot.</summary>
public static class Sessions
{
    /// <summary>P(the user looks at position <paramref name="position"/>, from 1), before any stop after an engagement.</summary>
    public static double ExaminationProbability(SessionSettings s, int position) => s.Examination == ExaminationModel.Flat
        ? s.FlatExamination
        : Math.Pow(s.ExaminationDecay, position - 1);

    /// <summary>P(hide | examined and not opened): rises as the match falls (uses the same signal switch as the other reactions).</summary>
    public static double HideProbability(SessionSettings s, ReactionSettings r, double score)
    {
        var signal = r.InterestSignal ? Math.Clamp(score, 0, 1) : 0.85;
        return Math.Clamp(s.HideBase + s.HideSlope * (1 - signal) * (1 - signal), 0, 1);
    }

    /// <summary>
    /// Reads a slate top-down. Every slot draws the same six numbers whatever happens, so one slot's outcome does not shift the
    /// random numbers of the next (a changed setting changes only what it touches). A post the user already opened is examined
    /// but not opened again.
    /// </summary>
    public static SlotOutcome[] Examine(SessionSettings s, ReactionSettings r, IReadOnlyList<SlotView> slots, Random rng)
    {
        var result = new SlotOutcome[slots.Count];
        var stopped = false;
        for (var i = 0; i < slots.Count; i++)
        {
            var (uExamine, uView, uLike, uComment, uHide, uDwell) = (rng.NextDouble(), rng.NextDouble(), rng.NextDouble(), rng.NextDouble(), rng.NextDouble(), rng.NextDouble());
            var uStop = rng.NextDouble();
            if (stopped || uExamine >= ExaminationProbability(s, i + 1))
            {
                result[i] = SlotOutcome.Unseen;
                continue;
            }
            var slot = slots[i];
            var viewed = !slot.AlreadyViewed && uView < Reactions.ViewProbability(r, slot.Score);
            var liked = viewed && uLike < Reactions.LikeProbability(r, slot.Score, slot.LikeBoost);
            var commented = viewed && uComment < Reactions.CommentProbability(r, slot.Score);
            var hid = !viewed && !slot.AlreadyViewed && uHide < HideProbability(s, r, slot.Score);
            result[i] = new SlotOutcome(true, viewed, Dwell(viewed, slot.Score, uDwell), liked, commented, hid);
            if ((liked || commented) && s.Examination == ExaminationModel.Cascade && uStop < s.StopAfterEngagement) stopped = true;
        }
        return result;
    }

    /// <summary>A glance of 0.3-1.5 s on an examined slot; an opened post holds the user 3-60 s, longer for a better match.</summary>
    public static int Dwell(bool viewed, double score, double u) => viewed
        ? (int)Math.Round(1000 * (3 + 57 * Math.Pow(u, 2.5) * (0.3 + 0.7 * Math.Clamp(score, 0, 1))))
        : (int)Math.Round(300 + 1200 * u);
}
