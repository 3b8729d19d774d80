using AkkaFakeUsers.Simulation;

namespace AkkaFakeUsers.Llm;

/// <summary>Picks this node's primary generator from afu.llm.mode.</summary>
public static class LlmSelection
{
    public static Task<IContentGenerator> ChooseAsync(AfuSettings settings, TextWriter log, CancellationToken ct)
    {
        IContentGenerator builtin = new BuiltInGenerator();
        return Task.FromResult(builtin);
    }
}
