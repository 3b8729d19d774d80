using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaFakeUsers.Clock;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Users;

/// <summary>A restart schedules the journal's users asleep, each with the first timers going live would give it.</summary>
public class SleepingPopulationTests : TestKit
{
    private static readonly DateTime T0 = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly UserRules Rules = TestSettings.Defaults("").UserRules() with { SleepAfter = TimeSpan.FromMinutes(10) };

    [Fact]
    public void Known_users_within_the_target_start_asleep_with_the_timers_a_user_going_live_would_set()
    {
        var schedule = new SimSchedule();
        var region = Sys.ActorOf(Props.Empty, "region");
        var known = KnownUsers.From([("fake-user:user-3", 5L), ("fake-user:user-9", 2L), ("some-other-entity", 1L)]);
        Assert.Equal(1, SleepingPopulation.Restore(known, target: 5, Rules, schedule, region, T0)); // user-9 is beyond the target
        Assert.Equal(1, schedule.Asleep);
        Assert.True(schedule.IsAsleep("user-3"));

        // the same due times as a user created and going live at T0 (its profile made again from the seed)
        var live = FakeUserDecider.Decide(FakeUserState.Empty, UserRuntime.Initial, new EnsureUser("user-3", 3), new UserContext("user-3", 3, Rules, T0, T0));
        var expected = live.Effects.OfType<StartTimer>().Select(t => (t.Key, t.Due)).OrderBy(t => t.Key).ToArray();
        Assert.Equal(2, expected.Length);
        var due = new List<DueWork>();
        schedule.TakeDue(DateTime.MaxValue, due);
        Assert.Equal(expected, due.Select(d => (d.Key, d.Due)).OrderBy(t => t.Key).ToArray());
        Assert.All(due, d => Assert.Equal(region, d.Target)); // through the region: a released timer starts the user

        // the user recovers to the journal's position at start: it carries on with the runtime going live gave it
        var timers = new UserTimers("user-3", schedule, region, region);
        var runtime = timers.Wake(TestActor, sequenceNr: 5);
        Assert.NotNull(runtime);
        Assert.Equal((1L, 1L, true, true), (runtime.TimingDraws, runtime.SessionDraws, runtime.PostTimerSet, runtime.SessionTimerSet));
    }

    [Fact]
    public void A_record_of_another_journal_position_is_dropped_with_its_timers()
    {
        var schedule = new SimSchedule();
        var region = Sys.ActorOf(Props.Empty, "region");
        SleepingPopulation.Restore(KnownUsers.From([("fake-user:user-2", 4L)]), 10, Rules, schedule, region, T0);
        // the user wrote elsewhere meanwhile (sequence 6): it starts afresh, and its old timers are gone
        Assert.Null(new UserTimers("user-2", schedule, region, region).Wake(TestActor, sequenceNr: 6));
        Assert.Equal(0, schedule.Count);
        Assert.Equal(0, schedule.Asleep);
    }

    [Fact]
    public void Pausing_a_sleeper_where_it_sleeps_drops_its_timers_and_pauses_its_record_without_waking_it()
    {
        var schedule = new SimSchedule();
        var region = Sys.ActorOf(Props.Empty, "region");
        SleepingPopulation.Restore(KnownUsers.From([("fake-user:user-4", 3L)]), 10, Rules, schedule, region, T0);
        Assert.True(SleepingPopulation.PauseAsleep(schedule, "user-4"));
        Assert.False(SleepingPopulation.PauseAsleep(schedule, "user-5")); // not asleep here
        Assert.Equal(0, schedule.Count);
        Assert.True(schedule.IsAsleep("user-4"));
        var runtime = new UserTimers("user-4", schedule, region, region).Wake(TestActor, 3)!;
        Assert.True(runtime.Paused);
        Assert.False(runtime.PostTimerSet || runtime.SessionTimerSet);
    }
}
