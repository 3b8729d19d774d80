using AkkaFakeUsers.Serialization;

namespace AkkaFakeUsers.Llm;

/// <summary>Ask the gateway for a text; it answers the sender with <see cref="TextGenerated"/>, always, even when Ollama fails.</summary>
/// <param name="Ticket">The asker's clock ticket for this piece of work (0: none), handed back with the answer.</param>
public sealed record GenerateText(long RequestId, ContentRequest Request, long Ticket = 0) : IAfuSerializable;

/// <summary>The answer to <see cref="GenerateText"/>, with the request's clock ticket: work the asking user's clock counts until the user has stored the text.</summary>
/// <param name="FallbackReason">Why the built-in generator wrote it instead of the primary one (queue full, timeout, breaker open…), or null.</param>
public sealed record TextGenerated(long RequestId, TextKind Kind, GeneratedText Text, string? FallbackReason, long Ticket = 0) : IAfuSerializable;

public sealed record GetLlmStatus : IAfuSerializable
{
    public static readonly GetLlmStatus Instance = new();
}

public sealed record LlmStatus(
    string Primary,
    string Model,
    long Requests,
    int InFlight,
    int QueueDepth,
    long Successes,
    long Fallbacks,
    long Retries,
    string Breaker,
    IReadOnlyDictionary<string, long> FailuresByKind,
    IReadOnlyDictionary<string, long> FallbacksByReason,
    double LatencyP50Ms,
    double LatencyP95Ms,
    double LatencyP99Ms,
    double QueueWaitP99Ms,
    double? TokensPerSecond,
    int MaxInFlightSeen) : IAfuSerializable
{
    /// <summary>Attempts that failed (every kind; a request retried twice counts its failed attempts).</summary>
    public long Failures => FailuresByKind.Values.Sum();

    /// <summary>
    /// Share of the primary generator's finished attempts that gave a usable text; null when it was never asked
    /// (undefined, not 1). With the built-in generator as primary it is computed the same way.
    /// </summary>
    public double? SuccessRate => Successes + Failures == 0 ? null : (double)Successes / (Successes + Failures);
}
