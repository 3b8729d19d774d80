using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaFakeUsers.Clock;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Actors;

/// <summary>The manager's first sweep as work the clock counts (probes stand in for the shard region and for the clock
/// driver, which owns the ledger of counted work).</summary>
public class SimulationManagerTests : TestKit
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private IActorRef Manager(IActorRef users, SimulationClock clock, int target) =>
        Sys.ActorOf(Props.Create(() => new SimulationManagerActor(users, target, 100, TimeSpan.FromMinutes(10), null, clock, null)));

    [Fact]
    public void The_first_sweep_counts_until_each_user_answers_wherever_it_lives_and_a_manager_taking_over_a_running_clock_counts_nothing()
    {
        var clock = new SimulationClock(60, T0);
        var ledger = CreateTestProbe();
        clock.AttachLedger(ledger.Ref);
        var users = CreateTestProbe();
        Manager(users, clock, 3);
        var ensured = Enumerable.Range(0, 3).Select(_ => (Msg: users.ExpectMsg<EnsureUser>(), From: users.LastSender)).ToList();
        Assert.All(ensured, e => Assert.Equal(clock.Id, e.Msg.CountedBy));
        // each counted before it was sent, under the ticket it carries
        var begun = Enumerable.Range(0, 3).Select(_ => ledger.ExpectMsg<WorkBegun>()).ToList();
        Assert.Equal(ensured.Select(e => e.Msg.Ticket), begun.Select(b => b.Ticket));
        Assert.All(begun, b => Assert.NotEqual(0, b.Ticket));
        ledger.ExpectMsg<PopulationReady>(); // every user of the first sweep told: the clock may start (no pub/sub here)
        // the users answer the manager (on another node they could not report to this node's ledger themselves)
        foreach (var (msg, from) in ensured) from.Tell(new UserEnsured(msg.UserId, msg.CountedBy!, msg.Ticket));
        var done = Enumerable.Range(0, 3).Select(_ => ledger.ExpectMsg<WorkDone>().Ticket).ToList();
        Assert.Equal(begun.Select(b => b.Ticket), done);
        // an answer for another clock is not this one's work
        ensured[0].From.Tell(new UserEnsured("user-1", "another-clock", 99));
        ledger.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // a crashed node's manager moves here while this node's clock runs: its sweep is not the population's first
        clock.Started = true;
        var users2 = CreateTestProbe();
        Manager(users2, clock, 3);
        var again = Enumerable.Range(0, 3).Select(_ => users2.ExpectMsg<EnsureUser>()).ToList();
        Assert.All(again, e => Assert.Equal((null, 0L), (e.CountedBy, e.Ticket)));
        ledger.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void The_first_sweep_keeps_at_most_its_limit_of_users_unanswered_and_goes_on_as_they_answer()
    {
        var clock = new SimulationClock(60, T0);
        clock.AttachLedger(CreateTestProbe().Ref);
        var users = CreateTestProbe();
        var limit = (int)SimulationManagerActor.InFlightLimit(100);
        Manager(users, clock, limit + 300);
        var first = Enumerable.Range(0, limit).Select(_ => (Msg: users.ExpectMsg<EnsureUser>(), From: users.LastSender)).ToList();
        users.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // the limit reached: no user more until some answer
        foreach (var (msg, from) in first.Take(150)) from.Tell(new UserEnsured(msg.UserId, msg.CountedBy!));
        var next = new List<EnsureUser>();
        while (users.TryReceiveOne(out var m, TimeSpan.FromMilliseconds(300))) next.Add((EnsureUser)m!.Message);
        // as many more as answered, in whole batches of 100: the limit is overshot by less than one batch
        Assert.InRange(next.Count, 150, 150 + 100);
        Assert.Equal(ProfileRules.UserId(limit + 1), next[0].UserId);
    }
}
