using AkkaFakeUsers.Serialization;

namespace AkkaFakeUsers.Llm;

/// <summary>Ask the gateway for a text; it answers the sender with <see cref="TextGenerated"/>, always, even when Ollama fails.</summary>
public sealed record GenerateText(long RequestId, ContentRequest Request) : IAfuSerializable;

/// <param name="FallbackReason">Why the built-in generator wrote it instead of the primary one (queue full, timeout, breaker open…), or null.</param>
public sealed record TextGenerated(long RequestId, TextKind Kind, GeneratedText Text, string? FallbackReason) : IAfuSerializable;

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
    public double SuccessRate => Requests == 0 ? 1 : (double)Successes / Requests;
}
