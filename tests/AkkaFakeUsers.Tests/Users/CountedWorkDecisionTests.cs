using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Users;

/// <summary>When the clock counts an input as work (a ticket in the context), the decision says when it is done: its last
/// effect reports the ticket, carried on by each text or slate it asked for; uncounted inputs report nothing.</summary>
public class CountedWorkDecisionTests
{
    private static readonly DateTime T0 = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly UserRules Rules = TestSettings.Defaults("").UserRules();

    private static UserContext Ctx(long ticket = 0) => new("user-3", 3, Rules, T0, T0, Ticket: ticket);

    private static (FakeUserState, UserRuntime) Live()
    {
        var d = FakeUserDecider.Decide(FakeUserState.Empty, UserRuntime.Initial, new EnsureUser("user-3", 3), Ctx());
        return (FakeUserState.Empty.ApplyAll(d.Events, Rules), d.Runtime);
    }

    [Fact]
    public void A_counted_timer_that_asks_for_a_text_hands_its_ticket_on_and_reports_one_strand_carried_on_as_its_last_effect()
    {
        var (state, rt) = Live();
        var tick = FakeUserDecider.Decide(state, rt, PostTick.Instance, Ctx(ticket: 9));
        Assert.Equal(9, tick.Effects.OfType<AskForText>().Single().Request.Ticket);
        Assert.Equal(new ReportWorkDone(9, 1), tick.Effects[^1]);

        var session = FakeUserDecider.Decide(state, tick.Runtime, SessionTick.Instance, Ctx(ticket: 10));
        Assert.Equal(10, session.Effects.OfType<AskForSlate>().Single().Request.Ticket);
        Assert.Equal(new ReportWorkDone(10, 1), session.Effects[^1]);

        // the text's decision (the same ticket, from the answer) finishes the work
        var ask = tick.Effects.OfType<AskForText>().Single().Request;
        var text = new TextArrived(new TextGenerated(ask.RequestId, TextKind.Post, new GeneratedText(new string('a', 80) + ". The end.", "builtin", "b"), null, 9));
        var done = FakeUserDecider.Decide(state, tick.Runtime, text, Ctx(ticket: 9));
        Assert.IsType<PostPublished>(Assert.Single(done.Events));
        Assert.Equal(new ReportWorkDone(9, 0), done.Effects[^1]);
    }

    [Fact]
    public void An_uncounted_input_reports_no_work_and_asks_without_a_ticket()
    {
        var (state, rt) = Live();
        var d = FakeUserDecider.Decide(state, rt, PostTick.Instance, Ctx(ticket: 0));
        Assert.Empty(d.Effects.OfType<ReportWorkDone>());
        Assert.Equal(0, d.Effects.OfType<AskForText>().Single().Request.Ticket);
    }
}
