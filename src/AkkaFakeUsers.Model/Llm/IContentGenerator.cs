using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Llm;

public enum TextKind { Post, Comment }

/// <summary>What to write: a post by this author about this interest/subtopic, or a comment on a quoted post.</summary>
/// <param name="Seed">Seed for the built-in generator, derived from (run seed, user, post) so texts are reproducible.</param>
/// <param name="QuotedPost">For comments: the post being answered; always treated as data, never as instructions.</param>
/// <param name="Effort">Posts with afu.behaviour.creators on: how much the author puts into this post, 0..1 (the
/// percentile of its appeal): a longer post the more, so text length is an observable trace of the latent appeal. Null: as ever.</param>
public sealed record ContentRequest(
    TextKind Kind,
    string UserId,
    string Interest,
    string Subtopic,
    Persona Persona,
    int Seed,
    string? QuotedPost = null,
    string? QuotedAuthor = null,
    double? Effort = null);

/// <summary>A text with the name of what wrote it (<c>builtin</c> or <c>ollama</c>) and the model version.</summary>
/// <param name="TokensPerSecond">Generation speed where the server reports it (Ollama's eval_count / eval_duration).</param>
public sealed record GeneratedText(string Text, string GeneratedBy, string ModelVersion, double? TokensPerSecond = null);

/// <summary>A generator call that failed in a known way; <see cref="Kind"/> is the metrics label, <see cref="Retryable"/> says whether another attempt may succeed.</summary>
public sealed class LlmCallException(string kind, string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public string Kind { get; } = kind;
    public bool Retryable { get; } = retryable;
}

/// <summary>Something that writes posts and comments. The gateway owns all calls to it.</summary>
public interface IContentGenerator
{
    /// <summary><c>builtin</c> or <c>ollama</c>: recorded as <c>generated_by</c>.</summary>
    string Name { get; }

    /// <summary>The model version recorded as <c>model_version</c>.</summary>
    string Model { get; }

    Task<GeneratedText> GenerateAsync(ContentRequest request, CancellationToken cancellationToken);
}
