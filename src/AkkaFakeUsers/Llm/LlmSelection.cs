namespace AkkaFakeUsers.Llm;

/// <summary>Picks this node's primary generator from afu.llm.mode and says which, and why, in the log.</summary>
public static class LlmSelection
{
    /// <exception cref="OllamaUnavailableException">--llm ollama and Ollama or its model cannot be had.</exception>
    public static async Task<IContentGenerator> ChooseAsync(LlmSettings llm, TextWriter log, CancellationToken ct)
    {
        if (llm.Mode == LlmMode.Builtin) return new BuiltInGenerator();
        var host = new Uri(llm.OllamaHost);
        try
        {
            await OllamaBootstrap.EnsureModelAsync(host, llm.Model, log, llm.ProbeTimeout, ct);
            await log.WriteLineAsync($"afu: posts and comments by Ollama model {llm.Model} at {host} (at most {llm.MaxInFlight} at once)");
            return new OllamaGenerator(host, llm.Model);
        }
        catch (OllamaUnavailableException ex) when (llm.Mode == LlmMode.Auto)
        {
            await log.WriteLineAsync($"afu: {ex.Message}: using the built-in generator (--llm auto)");
            return new BuiltInGenerator();
        }
    }
}
