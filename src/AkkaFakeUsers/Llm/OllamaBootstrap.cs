using OllamaSharp;
using OllamaSharp.Models;

namespace AkkaFakeUsers.Llm;

/// <summary>Ollama is unreachable or the model cannot be had: the message says which and where.</summary>
public sealed class OllamaUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Before a run uses Ollama: is it there (/api/version), is the model there (/api/tags), else pull it (/api/pull, streamed, progress logged).</summary>
public static class OllamaBootstrap
{
    public static async Task EnsureModelAsync(Uri host, string model, TextWriter log, TimeSpan reachTimeout, CancellationToken ct)
    {
        using var client = new OllamaApiClient(host, model);
        string version;
        using (var reach = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            reach.CancelAfter(reachTimeout);
            try
            {
                version = await client.GetVersionAsync(reach.Token) is { } v ? v.ToString() : "?";
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or TaskCanceledException)
            {
                throw new OllamaUnavailableException($"Ollama does not answer at {host} ({Short(ex)})", ex);
            }
        }

        IEnumerable<Model> models;
        try
        {
            models = await client.ListLocalModelsAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new OllamaUnavailableException($"Ollama at {host} (version {version}) did not list its models: {Short(ex)}", ex);
        }
        if (models.Any(m => SameModel(m.Name, model)))
        {
            await log.WriteLineAsync($"afu: Ollama {version} at {host} has model {model}");
            return;
        }

        await log.WriteLineAsync($"afu: Ollama {version} at {host} lacks model {model}: pulling it…");
        var lastDecile = -1;
        string? lastStatus = null;
        try
        {
            await foreach (var p in client.PullModelAsync(new PullModelRequest { Model = model }, ct))
            {
                if (p is null) continue;
                if (p.Total > 0)
                {
                    var decile = (int)(p.Percent / 10);
                    if (decile != lastDecile)
                    {
                        lastDecile = decile;
                        await log.WriteLineAsync($"afu: pull {model}: {p.Percent:F0}% ({Bytes(p.Completed)} of {Bytes(p.Total)})");
                    }
                }
                else if (p.Status != lastStatus)
                {
                    await log.WriteLineAsync($"afu: pull {model}: {p.Status}");
                }
                lastStatus = p.Status;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new OllamaUnavailableException($"pulling model {model} from Ollama at {host} failed: {Short(ex)}", ex);
        }
        if (lastStatus != "success") throw new OllamaUnavailableException($"pulling model {model} from Ollama at {host} did not finish (last status: {lastStatus ?? "none"})");
        await log.WriteLineAsync($"afu: pulled {model}");
    }

    private static bool SameModel(string? have, string want) =>
        string.Equals(have, want, StringComparison.OrdinalIgnoreCase) ||
        (!want.Contains(':') && string.Equals(have, want + ":latest", StringComparison.OrdinalIgnoreCase));

    private static string Short(Exception ex) => ex.Message.Split('\n')[0];

    public static string Bytes(long n) => n switch
    {
        >= 1L << 30 => $"{n / (double)(1L << 30):F1} GiB",
        >= 1L << 20 => $"{n / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{n / (double)(1L << 10):F1} KiB",
        _ => $"{n} B",
    };
}
