using AkkaFakeUsers.FakeOllama;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Tests.Support;

namespace AkkaFakeUsers.Tests.Llm;

public class OllamaBootstrapTests
{
    [Fact]
    public async Task A_missing_model_is_pulled_with_progress_in_the_log()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        var log = new StringWriter();
        await OllamaBootstrap.EnsureModelAsync(server.Uri, "gemma3:270m", log, TimeSpan.FromSeconds(3), CancellationToken.None);
        Assert.Contains("gemma3:270m", server.Models);
        Assert.Equal(1, server.Pulls);
        var text = log.ToString();
        Assert.Contains("lacks model gemma3:270m: pulling it", text);
        Assert.Contains("50% (139.0 MiB of 278.0 MiB)", text);
        Assert.Contains("100%", text);
        Assert.Contains("pulled gemma3:270m", text);

        // Second start: present, no pull.
        await OllamaBootstrap.EnsureModelAsync(server.Uri, "gemma3:270m", log, TimeSpan.FromSeconds(3), CancellationToken.None);
        Assert.Equal(1, server.Pulls);
    }

    [Fact]
    public async Task A_failed_pull_says_what_and_where()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.PullError = "pull model manifest: file does not exist";
        var ex = await Assert.ThrowsAsync<OllamaUnavailableException>(() =>
            OllamaBootstrap.EnsureModelAsync(server.Uri, "nosuch:1b", new StringWriter(), TimeSpan.FromSeconds(3), CancellationToken.None));
        Assert.Contains("pulling model nosuch:1b", ex.Message);
        Assert.Contains(server.Uri.ToString(), ex.Message);
        Assert.Contains("file does not exist", ex.Message);
    }

    private static AfuSettings With(LlmMode mode, Uri host) =>
        TestSettings.Defaults("/tmp/unused") is var s ? s with { Llm = s.Llm with { Mode = mode, OllamaHost = host.ToString(), ProbeTimeout = TimeSpan.FromSeconds(15) } } : null!;

    [Fact]
    public async Task Auto_uses_ollama_when_it_answers_and_builtin_when_it_does_not()
    {
        await using var server = await FakeOllamaServer.StartAsync(1, 10, "gemma3:270m");
        var log = new StringWriter();
        var up = await LlmSelection.ChooseAsync(With(LlmMode.Auto, server.Uri).Llm, log, CancellationToken.None);
        Assert.Equal("ollama", up.Name);

        var dead = new Uri("http://127.0.0.1:" + FreePort() + "/");
        var down = await LlmSelection.ChooseAsync(With(LlmMode.Auto, dead).Llm, log, CancellationToken.None);
        Assert.Equal("builtin", down.Name);
        Assert.Contains($"Ollama does not answer at {dead}", log.ToString());
        Assert.Contains("using the built-in generator", log.ToString());

        await Assert.ThrowsAsync<OllamaUnavailableException>(() => LlmSelection.ChooseAsync(With(LlmMode.Ollama, dead).Llm, log, CancellationToken.None));
        Assert.Equal("builtin", (await LlmSelection.ChooseAsync(With(LlmMode.Builtin, server.Uri).Llm, log, CancellationToken.None)).Name);
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
