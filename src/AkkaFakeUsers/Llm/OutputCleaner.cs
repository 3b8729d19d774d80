using System.Text.RegularExpressions;
using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Llm;

/// <summary>
/// Turns raw model output into a post or comment, or rejects it: strips role tags, preambles ("Sure! Here's a post:"),
/// markdown and wrapping quotes; rejects empty text and refusals; cuts long text at a sentence; rejects too-short posts.
/// </summary>
public static partial class OutputCleaner
{
    public static string Clean(string raw, TextKind kind)
    {
        var text = raw ?? "";
        text = RoleTags().Replace(text, " ");
        text = text.Replace("\r", "");
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        // Preamble lines ("Sure! Here's a post about NBA:") and trailing notes ("Let me know if…").
        while (lines.Count > 1 && Preamble().IsMatch(lines[0])) lines.RemoveAt(0);
        while (lines.Count > 1 && Trailer().IsMatch(lines[^1])) lines.RemoveAt(lines.Count - 1);
        text = string.Join(' ', lines);
        text = InlinePreamble().Replace(text, "");
        text = LeadingLabel().Replace(text, "");
        text = Markdown().Replace(text, "");
        text = Headers().Replace(text, "");
        text = ContentRules.NormalizeWhitespace(text);
        text = text.Trim('"', '“', '”', '\'', ' ');
        text = ContentRules.NormalizeWhitespace(text);

        if (text.Length == 0) throw new LlmCallException("invalid-output", "empty text", retryable: true);
        if (Refusal().IsMatch(text)) throw new LlmCallException("invalid-output", "the model refused", retryable: true);
        if (kind == TextKind.Post)
        {
            text = ContentRules.CutAtSentence(text, ContentRules.PostMax);
            if (text.Length < ContentRules.PostMin) throw new LlmCallException("invalid-output", $"post too short ({text.Length} chars)", retryable: true);
        }
        else
        {
            text = ContentRules.CutAtSentence(text, ContentRules.CommentMax);
            if (!ContentRules.IsValidComment(text)) throw new LlmCallException("invalid-output", "comment too short", retryable: true);
        }
        return text;
    }

    [GeneratedRegex(@"<\|?/?(start_of_turn|end_of_turn|im_start|im_end|assistant|user|system|eot_id|begin_of_text)\|?>(model|assistant|user)?", RegexOptions.IgnoreCase)]
    private static partial Regex RoleTags();

    [GeneratedRegex(@"^(sure|okay|ok|certainly|absolutely|of course|alright|here('s| is| are)|as requested)\b.*[:!.]$", RegexOptions.IgnoreCase)]
    private static partial Regex Preamble();

    [GeneratedRegex(@"^(let me know|i hope|feel free|would you like|note:|\(note)", RegexOptions.IgnoreCase)]
    private static partial Regex Trailer();

    [GeneratedRegex(@"^(sure|okay|ok|certainly|absolutely|of course)[!,.]?\s+here('s| is)[^:]{0,80}:\s*", RegexOptions.IgnoreCase)]
    private static partial Regex InlinePreamble();

    [GeneratedRegex(@"^(assistant|post|comment|reply|response|model)\s*:\s*", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingLabel();

    [GeneratedRegex(@"(\*\*|__|\*|`{1,3})")]
    private static partial Regex Markdown();

    [GeneratedRegex(@"(^|\s)#{1,6}\s+")]
    private static partial Regex Headers();

    [GeneratedRegex(@"^(i'?m sorry|sorry, i|i can(no|')t|i am (unable|not able)|as an ai|i won'?t)", RegexOptions.IgnoreCase)]
    private static partial Regex Refusal();
}
