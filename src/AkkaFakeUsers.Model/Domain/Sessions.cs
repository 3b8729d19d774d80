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
/// <param name="ExaminationFloor">Cascade: position i is examined with floor + (1 - floor) x decay^(i-1) (0: the plain cascade).</param>
/// <param name="Scroll">Sessions that scroll on from page to page (null or disabled: one slate per session).</param>
/// <param name="Dwell">How long an opened post holds the user (null: the seed's 3-60 s).</param>
/// <param name="ActivityExponent">A user's session rate is the mean rate x activity factor^exponent (1: sessions as heavy-tailed as posting).</param>
public sealed record SessionSettings(
    TimeSpan Interval,
    int SlateSize = 10,
    ExaminationModel Examination = ExaminationModel.Cascade,
    double ExaminationDecay = 0.8,
    double FlatExamination = 0.6,
    double StopAfterEngagement = 0.3,
    double HideBase = 0.005,
    double HideSlope = 0.08,
    double ExaminationFloor = 0,
    ScrollSettings? Scroll = null,
    DwellSettings? Dwell = null,
    double ActivityExponent = 1)
{
    public static SessionSettings Default { get; } = new(TimeSpan.FromSeconds(120));

    public bool Scrolls => Scroll is { Enabled: true };
}

/// <summary>
/// A session that scrolls: after each slot the user looks at (or scrolls past), it stops with <paramref name="StopPerSlot"/>
/// plus <paramref name="Boredom"/> for every examined post in a row it did not open; a user who reaches the end of a page
/// asks for the next one, up to <paramref name="MaxPages"/>.
/// </summary>
public sealed record ScrollSettings(bool Enabled = false, double StopPerSlot = 0.05, double Boredom = 0.01, int MaxPages = 10);

public enum DwellModel { Seed, LogNormal }

/// <summary>
/// Dwell on an opened post. LogNormal: median x exp(sigma z) x (0.6 + 0.8 x match), capped (EB-NeRD read times: median
/// 21 s, mean 69 s, p90 about 130 s, capped at 30 min); Seed: 3-60 s, longer the better the match.
/// </summary>
public sealed record DwellSettings(DwellModel Model = DwellModel.Seed, TimeSpan? Median = null, double Sigma = 1.5, TimeSpan? Cap = null)
{
    public TimeSpan MedianOrDefault => Median ?? TimeSpan.FromSeconds(21);
    public TimeSpan CapOrDefault => Cap ?? TimeSpan.FromMinutes(30);
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
/// <param name="OpenFactor">Multiplies the chance to open it (the post's appeal, see <see cref="Creators"/>; 1 = none).</param>
public readonly record struct SlotView(double Score, bool AlreadyViewed, double LikeBoost = 1.0, double OpenFactor = 1.0);

/// <summary>What the user did with one page of a scrolling session, and whether it goes on to the next page.</summary>
public sealed record PageOutcome(SlotOutcome[] Slots, bool ScrollsOn, int SkipsInARow, int DwellMs);

/// <summary>Pure session rules: examination (position bias), then open / like / comment / hide per examined slot.</summary>
public static class Sessions
{
    /// <summary>P(the user looks at position <paramref name="position"/>, from 1), before any stop after an engagement.</summary>
    public static double ExaminationProbability(SessionSettings s, int position) => s.Examination == ExaminationModel.Flat
        ? s.FlatExamination
        : s.ExaminationFloor <= 0 ? Math.Pow(s.ExaminationDecay, position - 1)
        : s.ExaminationFloor + (1 - s.ExaminationFloor) * Math.Pow(s.ExaminationDecay, position - 1);

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
            result[i] = Read(s, r, slots[i], uView, uLike, uComment, uHide, uDwell);
            if (result[i].Engaged && s.Examination == ExaminationModel.Cascade && uStop < s.StopAfterEngagement) stopped = true;
        }
        return result;
    }

    /// <summary>An examined slot: open, like, comment or hide, and the dwell.</summary>
    private static SlotOutcome Read(SessionSettings s, ReactionSettings r, SlotView slot, double uView, double uLike, double uComment, double uHide, double uDwell)
    {
        var viewed = !slot.AlreadyViewed && uView < Reactions.ViewProbability(r, slot.Score, slot.OpenFactor);
        var liked = viewed && uLike < Reactions.LikeProbability(r, slot.Score, slot.LikeBoost);
        var commented = viewed && uComment < Reactions.CommentProbability(r, slot.Score);
        var hid = !viewed && !slot.AlreadyViewed && uHide < HideProbability(s, r, slot.Score);
        return new SlotOutcome(true, viewed, Dwell(s.Dwell, viewed, slot.Score, uDwell), liked, commented, hid);
    }

    /// <summary>
    /// One page of a scrolling session (<see cref="SessionSettings.Scrolls"/>), read top-down: every slot the user reaches is
    /// examined with the position's examination probability (the top of a page draws the eye), and after it the user stops
    /// with stop-per-slot + boredom x (examined posts in a row it did not open), or after an engagement with
    /// stop-after-engagement. A user who reaches the end of a full page scrolls on. The same seven draws per slot as
    /// <see cref="Examine"/>; <paramref name="skipsInARow"/> carries over from the page before.
    /// </summary>
    public static PageOutcome ExaminePage(SessionSettings s, ReactionSettings r, IReadOnlyList<SlotView> slots, Random rng, int skipsInARow)
    {
        var scroll = s.Scroll ?? new ScrollSettings(Enabled: true);
        var result = new SlotOutcome[slots.Count];
        var stopped = false;
        var dwell = 0;
        for (var i = 0; i < slots.Count; i++)
        {
            var (uExamine, uView, uLike, uComment, uHide, uDwell) = (rng.NextDouble(), rng.NextDouble(), rng.NextDouble(), rng.NextDouble(), rng.NextDouble(), rng.NextDouble());
            var uStop = rng.NextDouble();
            if (stopped)
            {
                result[i] = SlotOutcome.Unseen;
                continue;
            }
            result[i] = uExamine < ExaminationProbability(s, i + 1) ? Read(s, r, slots[i], uView, uLike, uComment, uHide, uDwell) : SlotOutcome.Unseen;
            dwell += result[i].DwellMs;
            if (result[i].Examined) skipsInARow = result[i].Viewed ? 0 : skipsInARow + 1;
            stopped = uStop < StopProbability(s, scroll, skipsInARow, result[i].Engaged);
        }
        return new PageOutcome(result, !stopped && slots.Count >= s.SlateSize, skipsInARow, dwell);
    }

    /// <summary>P(the user stops after a slot): stop-per-slot + boredom x skips in a row, or after an engagement.</summary>
    public static double StopProbability(SessionSettings s, ScrollSettings scroll, int skipsInARow, bool engaged)
    {
        var stop = Math.Clamp(scroll.StopPerSlot + scroll.Boredom * skipsInARow, 0, 1);
        return engaged ? 1 - (1 - stop) * (1 - s.StopAfterEngagement) : stop;
    }

    /// <summary>A glance of 0.3-1.5 s on an examined slot; an opened post holds the user 3-60 s, longer for a better match.</summary>
    public static int Dwell(bool viewed, double score, double u) => viewed
        ? (int)Math.Round(1000 * (3 + 57 * Math.Pow(u, 2.5) * (0.3 + 0.7 * Math.Clamp(score, 0, 1))))
        : (int)Math.Round(300 + 1200 * u);

    /// <summary>The dwell of <paramref name="d"/>'s model: the seed's (<see cref="Dwell(bool, double, double)"/>), or log-normal
    /// around the median (x 0.6 at no match to x 1.4 at a full match), capped; a glance as the seed's.</summary>
    public static int Dwell(DwellSettings? d, bool viewed, double score, double u)
    {
        if (d is not { Model: DwellModel.LogNormal } || !viewed) return Dwell(viewed, score, u);
        var z = Gaussian.Quantile(Math.Clamp(u, 1e-9, 1 - 1e-9));
        var ms = d.MedianOrDefault.TotalMilliseconds * Math.Exp(d.Sigma * z) * (0.6 + 0.8 * Math.Clamp(score, 0, 1));
        return (int)Math.Round(Math.Clamp(ms, 1000, d.CapOrDefault.TotalMilliseconds));
    }
}
