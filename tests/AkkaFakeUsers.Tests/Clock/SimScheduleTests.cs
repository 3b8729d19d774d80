using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaFakeUsers.Clock;

namespace AkkaFakeUsers.Tests.Clock;

public class SimScheduleTests : TestKit
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private IActorRef Owner(string name) => Sys.ActorOf(Props.Empty, name);

    [Fact]
    public void Entries_come_out_by_due_time_then_owner_then_key_and_a_key_set_again_replaces_its_entry()
    {
        var s = new SimSchedule();
        var (a, b) = (Owner("user-2"), Owner("user-1"));
        s.Set(a, "post", T0.AddSeconds(5), "a-post");
        s.Set(a, "session", T0.AddSeconds(3), "a-session");
        s.Set(b, "post", T0.AddSeconds(3), "b-post");
        s.Set(b, "session", T0.AddSeconds(9), "b-session-old");
        s.Set(b, "session", T0.AddSeconds(4), "b-session"); // replaces the 9 s entry
        Assert.Equal(4, s.Count);
        Assert.Equal(T0.AddSeconds(3), s.NextDue);

        var due = new List<DueWork>();
        Assert.Equal(4, s.TakeDue(T0.AddSeconds(100), due));
        // equal due times: user-1 before user-2 whatever the order they were set in
        Assert.Equal(["b-post", "a-session", "b-session", "a-post"], due.Select(d => (string)d.Message));
        Assert.Equal(0, s.Count);
        Assert.Null(s.NextDue);
    }

    [Fact]
    public void Cancelling_an_owner_drops_all_its_entries_and_only_its_own()
    {
        var s = new SimSchedule();
        var (a, b) = (Owner("a"), Owner("b"));
        s.Set(a, "post", T0.AddSeconds(1), 1);
        s.Set(a, "session", T0.AddSeconds(2), 2);
        s.Set(b, "post", T0.AddSeconds(3), 3);
        s.CancelAll(a);
        Assert.Equal(1, s.Count);
        Assert.Equal(T0.AddSeconds(3), s.NextDue);
        var due = new List<DueWork>();
        s.TakeDue(T0.AddSeconds(10), due);
        Assert.Equal([3], due.Select(d => (int)d.Message));
    }

    [Fact]
    public void Taking_stops_at_the_limit_and_at_the_cap_but_never_between_two_entries_due_at_the_same_instant()
    {
        var s = new SimSchedule();
        for (var i = 0; i < 5; i++) s.Set(Owner($"u{i}"), "post", T0.AddSeconds(i < 3 ? 1 : 2), i);
        var due = new List<DueWork>();
        Assert.Equal(0, s.TakeDue(T0.AddSeconds(0.5), due));
        // a cap of 2 inside three entries due at 1 s takes all three: where a batch ends never depends on arrival order
        Assert.Equal(3, s.TakeDue(T0.AddSeconds(10), due, max: 2));
        Assert.All(due, d => Assert.Equal(T0.AddSeconds(1), d.Due));
        Assert.Equal(2, s.Count);
    }
}
