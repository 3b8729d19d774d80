using System.Runtime.CompilerServices;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Users;

/// <summary>The decider's inputs are a closed family: each implementation of <see cref="IUserInput"/> has a rule, and an
/// input without one is refused, never decided as nothing.</summary>
public class UserInputRulesTests
{
    private static readonly UserContext Ctx = new("user-1", 1, AkkaFakeUsers.Tests.Support.TestSettings.Defaults("").UserRules(), new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc),
        new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    private sealed record NotARuleOfTheDecider : IUserInput;

    private static IEnumerable<Type> InputTypes() => typeof(IUserInput).Assembly.GetTypes()
        .Where(t => typeof(IUserInput).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .OrderBy(t => t.Name);

    public static TheoryData<string> Inputs()
    {
        var data = new TheoryData<string>();
        foreach (var t in InputTypes()) data.Add(t.FullName!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Every_input_of_the_model_has_a_rule_in_the_decider(string typeName)
    {
        var type = typeof(IUserInput).Assembly.GetType(typeName)!;
        // an instance without running its constructor: its fields are null, so a rule may fail on them, but not for want of a rule
        var input = (IUserInput)RuntimeHelpers.GetUninitializedObject(type);
        try
        {
            FakeUserDecider.Decide(FakeUserState.Empty, UserRuntime.Initial, input, Ctx);
        }
        catch (UnknownUserInputException e)
        {
            Assert.Fail(e.Message);
        }
        catch (Exception)
        {
            // a rule ran (and tripped over the empty instance)
        }
    }

    [Fact]
    public void An_input_without_a_rule_is_refused_not_decided_as_nothing()
    {
        var e = Assert.Throws<UnknownUserInputException>(() => FakeUserDecider.Decide(FakeUserState.Empty, UserRuntime.Initial, new NotARuleOfTheDecider(), Ctx));
        Assert.Contains(nameof(NotARuleOfTheDecider), e.Message);
    }

    [Fact]
    public void The_model_has_the_inputs_the_user_actor_translates_into()
    {
        var names = InputTypes().Select(t => t.Name).ToHashSet();
        foreach (var n in new[] { "EnsureUser", "Recovered", "Woken", "PostTick", "PostNow", "TextArrived", "SessionTick", "SlateServed", "CommentNotice", "ReactionDue", "PauseUser", "ResumeUser", "RetireUser" })
            Assert.Contains(n, names);
    }
}
