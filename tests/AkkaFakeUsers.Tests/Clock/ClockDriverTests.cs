using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaFakeUsers.Clock;

namespace AkkaFakeUsers.Tests.Clock;

/// <summary>The driver on its own: what it releases, when its clock moves, and what it says holds it.</summary>
public class ClockDriverTests : TestKit
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private IActorRef Driver(SimulationClock clock, ClockSettings settings, params BacklogGauge[] gauges) =>
        Sys.ActorOf(Props.Create(() => new ClockDriverActor(clock, settings, null, gauges, Array.Empty<string>(), false)));

    private ClockStatus Status(IActorRef driver) => driver.Ask<ClockStatus>(GetClockStatus.Instance, TimeSpan.FromSeconds(3)).Result;

    [Fact]
    public void A_paced_clock_runs_at_its_scale_releases_what_falls_due_and_holds_while_released_work_is_not_done()
    {
        var clock = new SimulationClock(600, T0);
        var settings = ClockSettings.Paced(600) with { MaxBacklog = 2, MaxLag = TimeSpan.FromHours(1) };
        var driver = Driver(clock, settings);
        var owner = CreateTestProbe();
        for (var i = 1; i <= 3; i++) clock.Schedule.Set(owner, $"k{i}", T0.AddSeconds(30 * i), i);

        // 600x: the three entries (30, 60, 90 simulated seconds) fall due within ~0.15 s, earliest first
        var released = Enumerable.Range(0, 3).Select(_ => owner.ExpectMsg<Scheduled>(TimeSpan.FromSeconds(3))).ToList();
        Assert.Equal(["k1", "k2", "k3"], released.Select(s => s.Key));
        Assert.Equal(3, Status(driver).Backlog); // nobody reported them done: 3 > the backlog limit of 2

        var held = clock.Now;
        Thread.Sleep(500);
        Assert.True(clock.Now - held < TimeSpan.FromSeconds(30), $"held clock moved {clock.Now - held}");
        var status = Status(driver);
        Assert.Contains("due work not done: 3", status.HeldBy);
        Assert.Contains("held by due work", status.Describe());

        driver.Tell(new WorkDone(released[0].Ticket));
        driver.Tell(new WorkDone(released[1].Ticket));
        var resumed = clock.Now;
        Thread.Sleep(500);
        // running again: ~0.5 s x 600 = 300 simulated seconds
        Assert.InRange((clock.Now - resumed).TotalSeconds, 150, 450);
        Assert.Null(Status(driver).HeldBy);
    }

    [Fact]
    public void A_paced_clock_runs_no_further_than_the_max_lag_past_the_earliest_work_not_done()
    {
        var clock = new SimulationClock(600, T0);
        var driver = Driver(clock, ClockSettings.Paced(600) with { MaxLag = TimeSpan.FromSeconds(30) });
        var owner = CreateTestProbe();
        clock.Schedule.Set(owner, "slow", T0.AddSeconds(10), "slow");
        var released = owner.ExpectMsg<Scheduled>(TimeSpan.FromSeconds(3));
        Thread.Sleep(400); // 600x: 240 simulated seconds, were it not held
        Assert.Equal(T0.AddSeconds(40), clock.Now);
        AwaitAssert(() => Assert.Contains("the earliest 30s (simulated) behind the clock", Status(driver).HeldBy), TimeSpan.FromSeconds(3));
        driver.Tell(new WorkDone(released.Ticket));
        AwaitAssert(() => Assert.True(clock.Now > T0.AddSeconds(100)), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Work_whose_owner_never_reports_it_done_holds_the_clock_only_until_the_stall_timeout()
    {
        var clock = new SimulationClock(600, T0);
        var driver = Driver(clock, ClockSettings.Paced(600) with { MaxLag = TimeSpan.FromSeconds(30), StallTimeout = TimeSpan.FromSeconds(1) });
        var owner = CreateTestProbe();
        clock.Schedule.Set(owner, "lost", T0.AddSeconds(10), "lost");
        owner.ExpectMsg<Scheduled>(TimeSpan.FromSeconds(3)); // and never reported done (an actor stopped with it in its mailbox)
        Thread.Sleep(300);
        Assert.Equal(T0.AddSeconds(40), clock.Now);
        AwaitAssert(() => Assert.True(clock.Now > T0.AddSeconds(120)), TimeSpan.FromSeconds(4));
        var status = Status(driver);
        Assert.Equal((1L, 0L), (status.Stalls, status.Backlog));
    }

    [Fact]
    public void A_paced_clock_holds_while_a_gauge_is_at_its_limit()
    {
        var clock = new SimulationClock(600, T0);
        long queue = 10;
        var driver = Driver(clock, ClockSettings.Paced(600), new BacklogGauge("LLM queue", () => Interlocked.Read(ref queue), 10));
        AwaitAssert(() => Assert.Contains("LLM queue: 10 (limit 10)", Status(driver).HeldBy), TimeSpan.FromSeconds(3));
        var held = clock.Now;
        Thread.Sleep(300);
        Assert.True(clock.Now - held < TimeSpan.FromSeconds(10));
        Interlocked.Exchange(ref queue, 9);
        AwaitAssert(() => Assert.True(clock.Now - held > TimeSpan.FromSeconds(60)), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task As_fast_as_it_can_the_clock_jumps_batch_by_batch_and_waits_until_a_batch_is_done()
    {
        var clock = new SimulationClock(double.PositiveInfinity, T0, TimeSpan.FromHours(2));
        var settings = ClockSettings.Paced(double.PositiveInfinity) with { Step = TimeSpan.FromSeconds(1) };
        var driver = Driver(clock, settings);
        var owner = CreateTestProbe();
        clock.Schedule.Set(owner, "a", T0.AddMinutes(10), "a");
        clock.Schedule.Set(owner, "b", T0.AddMinutes(10).AddMilliseconds(500), "b");
        clock.Schedule.Set(owner, "c", T0.AddHours(1), "c");

        // one batch: everything due within a second of the first entry; stamped at its end
        var a = owner.ExpectMsg<Scheduled>();
        var b = owner.ExpectMsg<Scheduled>();
        Assert.Equal(("a", "b"), (a.Key, b.Key));
        Assert.Equal(T0.AddMinutes(10).AddSeconds(1), clock.Now);
        Assert.Equal(T0.AddMinutes(10), clock.VisibleBefore(b.Due));
        // the next batch waits for this one, however long it takes
        owner.ExpectNoMsg(TimeSpan.FromMilliseconds(400));
        driver.Tell(new WorkDone(a.Ticket));
        // b's decision asked for an answer that carries its ticket on (a text): the batch waits for that strand too
        driver.Tell(new WorkDone(b.Ticket, Continued: 1), owner);
        owner.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(1, Status(driver).Backlog);
        driver.Tell(new WorkDone(b.Ticket), owner);
        var c = owner.ExpectMsg<Scheduled>();
        Assert.Equal("c", c.Key);
        Assert.Equal(T0.AddHours(1).AddSeconds(1), clock.Now);
        driver.Tell(new WorkDone(c.Ticket));
        // nothing left before the end: the clock jumps to it and the run is finished
        await clock.Finished.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(T0.AddHours(2), clock.Now);
    }

    /// <summary>An owner that does the first released work it gets and then stops, telling the ledger so as a user does:
    /// what else was released to it is dead-lettered (as when a user's shard is handed to another node). With
    /// <paramref name="wakeVia"/> its entries go there once it stopped (as a sleeping user's go to the shard region).</summary>
    private sealed class StopsAfterFirst : ReceiveActor
    {
        private readonly SimulationClock _clock;
        private readonly IActorRef? _wakeVia;

        public StopsAfterFirst(SimulationClock clock, IActorRef? wakeVia)
        {
            _clock = clock;
            _wakeVia = wakeVia;
            Receive<Scheduled>(s =>
            {
                clock.Ledger.Tell(new WorkDone(s.Ticket));
                Context.Stop(Self);
            });
        }

        protected override void PostStop()
        {
            if (_wakeVia is not null) _clock.Schedule.Sleep(Self.Path.Name, "asleep", _wakeVia); // as a user falling asleep does
            _clock.Ledger.Tell(new HolderStopped(Self.Path.Name), Self);
        }
    }

    [Fact]
    public void Released_work_whose_owner_stopped_with_it_in_its_mailbox_does_not_hold_a_paced_clock()
    {
        var clock = new SimulationClock(600, T0);
        // a stall timeout far beyond the test: only the owner's stop can let the clock on
        var driver = Driver(clock, ClockSettings.Paced(600) with { MaxLag = TimeSpan.FromSeconds(30), StallTimeout = TimeSpan.FromMinutes(10) });
        var owner = Sys.ActorOf(Props.Create(() => new StopsAfterFirst(clock, null)));
        Watch(owner);
        for (var i = 0; i < 3; i++) clock.Schedule.Set(owner, $"k{i}", T0.AddSeconds(10), i);
        ExpectTerminated(owner, TimeSpan.FromSeconds(3));
        AwaitAssert(() => Assert.True(clock.Now > T0.AddSeconds(300), $"clock at {clock.Now:O}"), TimeSpan.FromSeconds(5));
        var status = Status(driver);
        Assert.Equal((0L, 0L), (status.Stalls, status.Backlog));
    }

    [Fact]
    public async Task As_fast_as_it_can_a_batch_whose_owner_stopped_with_work_in_its_mailbox_is_done_without_a_stall()
    {
        var clock = new SimulationClock(double.PositiveInfinity, T0, TimeSpan.FromHours(1));
        var driver = Driver(clock, ClockSettings.Paced(double.PositiveInfinity) with { StallTimeout = TimeSpan.FromMinutes(10) });
        var owner = Sys.ActorOf(Props.Create(() => new StopsAfterFirst(clock, null)));
        for (var i = 0; i < 3; i++) clock.Schedule.Set(owner, $"k{i}", T0.AddMinutes(5), i);
        await clock.Finished.WaitAsync(TimeSpan.FromSeconds(5));
        var status = Status(driver);
        Assert.Equal((0L, 0L), (status.Stalls, status.Backlog));
        Assert.Equal(T0.AddHours(1), clock.Now);
    }

    [Fact]
    public void A_timer_released_to_an_owner_that_stopped_before_reading_it_goes_where_its_entries_go_now_with_its_ticket()
    {
        var clock = new SimulationClock(600, T0);
        var driver = Driver(clock, ClockSettings.Paced(600) with { MaxLag = TimeSpan.FromSeconds(30), StallTimeout = TimeSpan.FromMinutes(10) });
        var region = CreateTestProbe(); // stands in for the shard region that starts a sleeping user again
        var owner = Sys.ActorOf(Props.Create(() => new StopsAfterFirst(clock, region.Ref)), "user-7");
        for (var i = 0; i < 3; i++) clock.Schedule.Set(owner, $"k{i}", T0.AddSeconds(10), i);
        // the two it never read reach the region, each once and still counted under its ticket
        var resent = new[] { region.ExpectMsg<Scheduled>(TimeSpan.FromSeconds(3)), region.ExpectMsg<Scheduled>(TimeSpan.FromSeconds(3)) };
        Assert.Equal(["k1", "k2"], resent.Select(s => s.Key).Order());
        Assert.All(resent, s => Assert.Equal("user-7", s.Owner));
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(2, Status(driver).Backlog);
        foreach (var s in resent) driver.Tell(new WorkDone(s.Ticket), region.Ref);
        AwaitAssert(() => Assert.Equal(0, Status(driver).Backlog), TimeSpan.FromSeconds(3));
        AwaitAssert(() => Assert.True(clock.Now > T0.AddSeconds(120)), TimeSpan.FromSeconds(3));
    }
}
