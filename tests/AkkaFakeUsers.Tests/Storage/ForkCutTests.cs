using AkkaFakeUsers.Storage;

namespace AkkaFakeUsers.Tests.Storage;

/// <summary>Where a fork cuts one user's journal (<see cref="ForkCut"/>), on hand-made sequences.</summary>
public class ForkCutTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Keeps_every_event_up_to_the_instant_when_the_user_wrote_them_in_time_order()
    {
        CutEvent[] events = [new(M(0)), new(M(5)), new(M(10)), new(M(15))];
        Assert.Equal(3, ForkCut.Keep(events, M(10)));
        Assert.Equal(0, ForkCut.Keep(events, T0.AddSeconds(-1)));
        Assert.Equal(4, ForkCut.Keep(events, M(60)));
    }

    [Fact]
    public void Stops_at_the_first_event_after_the_instant_so_the_sequence_has_no_gap()
    {
        // a view stamped at 12 (within a session) persisted before a post stamped at 9
        CutEvent[] events = [new(M(0)), new(M(12)), new(M(9)), new(M(20))];
        Assert.Equal(1, ForkCut.Keep(events, M(10)));
    }

    [Fact]
    public void A_slate_whose_outcome_falls_after_the_instant_is_left_out_with_everything_after_it()
    {
        CutEvent[] events =
        [
            new(M(0)),
            new(M(8), Shows: "s1"), new(M(8.5), Of: "s1"), new(M(9), Of: "s1"),
            new(M(9.5), Shows: "s2"), new(M(9.6), Of: "s2"), new(M(10.5), Of: "s2"), new(M(10.5), Of: "s2"),
        ];
        Assert.Equal(4, ForkCut.Keep(events, M(10)));
        // a comment written later, still of the first slate
        CutEvent[] later = [new(M(0)), new(M(8), Shows: "s1"), new(M(8.5), Of: "s1"), new(M(9)), new(M(11), Of: "s1")];
        Assert.Equal(1, ForkCut.Keep(later, M(10)));
        Assert.Equal(5, ForkCut.Keep(later, M(11)));
    }

    private static DateTime M(double minutes) => T0.AddMinutes(minutes);
}
