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

    [Fact]
    public void A_sleeping_owners_entries_go_to_its_wake_target_and_waking_hands_back_its_record_and_takes_them_back()
    {
        var s = new SimSchedule();
        var (user, region) = (Owner("user-1"), Owner("region"));
        s.Set("user-1", user, "post", T0.AddMinutes(30), "post");
        s.Set("user-1", user, "session", T0.AddMinutes(50), "session");
        s.Sleep("user-1", "record", region, wakeAt: T0.AddMinutes(25));
        Assert.Equal(1, s.Asleep);
        Assert.Equal(region, s.TargetOf("user-1"));

        // its wake-ahead time names it once (and only while it still sleeps with that record)
        var wakeUps = new List<(string, IActorRef)>();
        Assert.Equal(0, s.TakeWakeUps(T0.AddMinutes(24), wakeUps));
        Assert.Equal(1, s.TakeWakeUps(T0.AddMinutes(26), wakeUps));
        Assert.Equal(("user-1", region), wakeUps[0]);
        Assert.Equal(0, s.TakeWakeUps(T0.AddMinutes(26), wakeUps));

        var due = new List<DueWork>();
        s.TakeDue(T0.AddMinutes(30), due);
        Assert.Equal(region, due.Single().Target);
        Assert.Equal("user-1", due.Single().Owner);

        // woken: the record comes back once, and its remaining entries go to the actor again
        Assert.Equal("record", s.Wake("user-1", user));
        Assert.Null(s.Wake("user-1", user));
        Assert.Equal(0, s.Asleep);
        Assert.Equal(1, s.Woken);
        due.Clear();
        s.TakeDue(T0.AddHours(1), due);
        Assert.Equal(user, due.Single().Target);
        Assert.Equal("session", due.Single().Message);
    }

    [Fact]
    public void A_sleeper_without_entries_keeps_its_record_and_cancelling_it_forgets_the_record_too()
    {
        var s = new SimSchedule();
        var region = Owner("region");
        s.Sleep("user-7", "paused-record", region); // a paused user: nothing due, woken only by a message
        Assert.Equal(1, s.Asleep);
        Assert.Equal(region, s.TargetOf("user-7"));
        s.CancelAll("user-7"); // its shard moved away: it lives on another node now
        Assert.Equal(0, s.Asleep);
        Assert.Null(s.Wake("user-7", region));
        Assert.Null(s.TargetOf("user-7"));
    }

    [Fact]
    public void A_wake_ahead_of_a_record_that_was_woken_and_replaced_is_not_taken()
    {
        var s = new SimSchedule();
        var (user, region) = (Owner("user-3"), Owner("region"));
        s.Set("user-3", user, "post", T0.AddMinutes(30), "post");
        s.Sleep("user-3", "first", region, wakeAt: T0.AddMinutes(20));
        Assert.Equal("first", s.Wake("user-3", user)); // woken early by a message
        s.Sleep("user-3", "second", region, wakeAt: T0.AddMinutes(40));
        var wakeUps = new List<(string, IActorRef)>();
        Assert.Equal(0, s.TakeWakeUps(T0.AddMinutes(39), wakeUps));
        Assert.Equal(1, s.TakeWakeUps(T0.AddMinutes(40), wakeUps));
    }

    [Fact]
    public void An_actor_stopped_without_sleeping_has_its_entries_redirected_to_where_they_start_it_again()
    {
        var s = new SimSchedule();
        var (user, region) = (Owner("user-4"), Owner("region"));
        s.Set("user-4", user, "post", T0.AddMinutes(1), "post");
        s.Redirect("user-4", region);
        Assert.Equal(0, s.Asleep);
        var due = new List<DueWork>();
        s.TakeDue(T0.AddMinutes(1), due);
        Assert.Equal(region, due.Single().Target);
    }
}
