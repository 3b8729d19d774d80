using System.Net;
using System.Text;
using System.Text.Json;
using OllamaSharp;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;
using OllamaSharp.Models.Exceptions;

namespace AkkaFakeUsers.Llm;

/// <summary>
/// Writes posts and comments with an Ollama model through OllamaSharp's streaming chat API. Every failure becomes an
/// <see cref="LlmCallException"/> with a kind (http-503, timeout, truncated, garbage, invalid-output…) the gateway
/// uses to retry, break the circuit and count.
/// </summary>
public sealed class OllamaGenerator : IContentGenerator, IDisposable
{
    public const string GeneratorName = "ollama";

    private readonly OllamaApiClient _client;
    private readonly string _model;

    public OllamaGenerator(Uri host, string model, HttpClient? http = null)
    {
        _model = model;
        _client = http is null ? new OllamaApiClient(host, model) : new OllamaApiClient(http, model, null!);
        if (http is not null && http.BaseAddress is null) http.BaseAddress = host;
    }

    public string Name => GeneratorName;

    public string Model => _model;

    public async Task<GeneratedText> GenerateAsync(ContentRequest request, CancellationToken cancellationToken)
    {
        var prompt = Prompts.For(request);
        var chat = new ChatRequest
        {
            Model = _model,
            Stream = true,
            Messages =
            [
                new Message(ChatRole.System, prompt.System),
                new Message(ChatRole.User, prompt.User),
            ],
            Options = new RequestOptions
            {
                Temperature = 0.9f,
                NumPredict = request.Kind == TextKind.Post ? 220 : 90,
                Seed = request.Seed,
            },
        };

        var text = new StringBuilder();
        ChatDoneResponseStream? done = null;
        try
        {
            await foreach (var chunk in _client.ChatAsync(chat, cancellationToken))
            {
                if (chunk?.Message?.Content is { } piece) text.Append(piece);
                if (chunk is ChatDoneResponseStream d) done = d;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new LlmCallException("timeout", "no complete answer before the timeout", retryable: true);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is { } status)
        {
            var code = (int)status;
            throw new LlmCallException($"http-{code}", $"Ollama answered {code} {status}", retryable: code is 429 or >= 500, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new LlmCallException("connection", $"cannot reach Ollama: {ex.Message}", retryable: true, ex);
        }
        catch (ResponseError ex) when (ex.Message.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
            throw new LlmCallException("model-missing", ex.Message, retryable: false, ex);
        }
        catch (OllamaException ex)
        {
            throw new LlmCallException("ollama-error", ex.Message, retryable: true, ex);
        }
        catch (JsonException ex)
        {
            throw new LlmCallException("garbage", $"unreadable stream: {ex.Message}", retryable: true, ex);
        }
        catch (IOException ex)
        {
            throw new LlmCallException("truncated", $"stream broke off: {ex.Message}", retryable: true, ex);
        }

        if (done is null) throw new LlmCallException("truncated", "the stream ended without its final 'done' message", retryable: true);
        var clean = OutputCleaner.Clean(text.ToString(), request.Kind);
        double? tps = done.EvalCount > 0 && done.EvalDuration > 0 ? done.EvalCount / (done.EvalDuration / 1e9) : null;
        return new GeneratedText(clean, GeneratorName, _model, tps);
    }

    public void Dispose() => _client.Dispose();
}
