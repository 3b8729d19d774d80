using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit.Xunit2;
using AkkaFakeUsers.Clock;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Actors;

/// <summary>
/// The user's side of the clock's ledger, with a probe as the clock's port (no driver): counted work carries its ticket
/// end to end (timer → text asked → post stored), the user reports it done as the last effect of the decision that
/// stores it, and tells the ledger when it stops.
/// </summary>
public class UserLedgerTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTime Noon = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed record Harness(TestNode Node, TestKit Kit, Akka.TestKit.TestProbe Ledger, Akka.TestKit.TestProbe Gateway, Akka.TestKit.TestProbe Mediator,
        SimulationClock Clock, IActorRef User) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await Node.DisposeAsync();
    }

    /// <summary>A user created and live on a real journal, with probes for the clock's ledger (no driver), the gateway, the feed and pub/sub.</summary>
    private async Task<Harness> Live(string userId, int index)
    {
        var settings = TestSettings.Defaults(_dir.Path, seed: 7, timeScale: 600);
        var node = await TestNode.StartAsync(settings);
        var kit = new TestKit(node.System, output);
        var (ledger, gateway, feed, mediator) = (kit.CreateTestProbe(), kit.CreateTestProbe(), kit.CreateTestProbe(), kit.CreateTestProbe());
        var clock = new SimulationClock(600, Noon);
        clock.AttachLedger(ledger.Ref);
        var deps = new FakeUserDeps(settings.UserRules(), clock, new UserMetrics(), gateway.Ref, feed.Ref, mediator.Ref);
        var user = node.System.ActorOf(Props.Create(() => new FakeUserActor(userId, deps)), userId);
        user.Tell(new EnsureUser(userId, index));
        feed.ExpectMsg<JoinFeed>(TimeSpan.FromSeconds(10));
        return new Harness(node, kit, ledger, gateway, mediator, clock, user);
    }

    [Fact]
    public async Task A_timer_s_ticket_travels_with_the_text_it_asked_for_and_is_reported_done_once_the_post_is_stored()
    {
        await using var h = await Live("user-3", 3); // its EnsureUser was not counted: nothing reached the ledger for it
        var (ledger, gateway, mediator, clock, user) = (h.Ledger, h.Gateway, h.Mediator, h.Clock, h.User);
        // the user's timers are in the schedule; release its post timer by hand, as the driver would, under ticket 42
        var due = new List<DueWork>();
        await h.Kit.AwaitAssertAsync(() => Assert.True(clock.Schedule.TakeDue(DateTime.MaxValue, due) > 0 || due.Count > 0), TimeSpan.FromSeconds(5));
        var post = due.Single(d => d.Key == FakeUserDecider.PostTimerKey);
        user.Tell(new Scheduled(post.Key, post.Due, post.Message, 42) { Owner = "user-3", ClockId = clock.Id }, ledger.Ref);

        // the decision asked for a text under the same ticket and reported one strand carried on by it
        var ask = gateway.ExpectMsg<GenerateText>(TimeSpan.FromSeconds(5));
        Assert.Equal(42, ask.Ticket);
        Assert.Equal(new WorkDone(42, Continued: 1), ledger.ExpectMsg<WorkDone>(TimeSpan.FromSeconds(5)));
        ledger.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // the text comes back with the ticket: the work is done once the post is stored and published, not before
        var text = new string('a', 80) + ". The end.";
        gateway.Reply(new TextGenerated(ask.RequestId, TextKind.Post, new GeneratedText(text, "builtin", "builtin-v2"), null, ask.Ticket));
        var published = mediator.ExpectMsg<Publish>(TimeSpan.FromSeconds(5));
        Assert.IsType<PostPublished>(published.Message);
        Assert.Equal(new WorkDone(42, Continued: 0), ledger.ExpectMsg<WorkDone>(TimeSpan.FromSeconds(5)));

        // a stale copy of the same timer (already taken) is reported done at once, deciding nothing
        user.Tell(new Scheduled(post.Key, post.Due, post.Message, 43) { Owner = "user-3", ClockId = clock.Id }, ledger.Ref);
        Assert.Equal(new WorkDone(43), ledger.ExpectMsg<WorkDone>(TimeSpan.FromSeconds(5)));
        gateway.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // it leaves (a hand-off): the ledger hears it, behind everything it reported, as a stop that is no failure
        user.Tell(StopUser.Instance);
        var stopped = ledger.ExpectMsg<HolderStopped>(TimeSpan.FromSeconds(5));
        Assert.Equal(new HolderStopped("user-3", Abnormal: false), stopped);
        Assert.Equal(user, ledger.LastSender);
    }

    [Fact]
    public async Task A_text_asked_outside_counted_work_is_begun_on_the_ledger_under_a_ticket_of_its_own()
    {
        await using var h = await Live("user-4", 4);
        var (ledger, gateway, user) = (h.Ledger, h.Gateway, h.User);

        user.Tell(new PostNow("user-4")); // sim post: an operator's command, not a timer
        var begun = ledger.ExpectMsg<WorkBegun>(TimeSpan.FromSeconds(5));
        Assert.Equal(user, begun.Holder);
        var ask = gateway.ExpectMsg<GenerateText>(TimeSpan.FromSeconds(5));
        Assert.Equal(begun.Ticket, ask.Ticket);
        gateway.Reply(new TextGenerated(ask.RequestId, TextKind.Post, new GeneratedText(new string('b', 80) + ". Done.", "builtin", "builtin-v2"), null, ask.Ticket));
        Assert.Equal(new WorkDone(begun.Ticket), ledger.ExpectMsg<WorkDone>(TimeSpan.FromSeconds(5)));
    }
}
