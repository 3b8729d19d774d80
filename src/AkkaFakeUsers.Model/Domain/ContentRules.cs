using System.Text;
using System.Text.RegularExpressions;

namespace AkkaFakeUsers.Domain;

/// <summary>Rules every generated text must meet before it is persisted: posts 50-500 characters, comments 2-280.</summary>
public static partial class ContentRules
{
    public const int PostMin = 50;
    public const int PostMax = 500;
    public const int CommentMin = 2;
    public const int CommentMax = 280;

    public static bool IsValidPost(string? text) => text is not null && text.Length is >= PostMin and <= PostMax && !string.IsNullOrWhiteSpace(text);

    public static bool IsValidComment(string? text) => text is not null && text.Trim().Length >= CommentMin && text.Length <= CommentMax;

    /// <summary>Cuts a text to at most <paramref name="max"/> characters, at the last sentence end if there is one past half the limit, else at a word boundary.</summary>
    public static string CutAtSentence(string text, int max)
    {
        text = text.Trim();
        if (text.Length <= max) return text;
        var window = text[..max];
        var cut = LastSentenceEnd(window);
        if (cut >= max / 2) return window[..(cut + 1)].Trim();
        var space = window.LastIndexOf(' ');
        var head = (space > max / 2 ? window[..space] : window[..(max - 1)]).TrimEnd(',', ';', ':', '-', ' ');
        return head.Length + 1 <= max ? head + "…" : head;
    }

    private static int LastSentenceEnd(string s)
    {
        for (var i = s.Length - 1; i >= 0; i--)
        {
            if (s[i] is '.' or '!' or '?' && (i == s.Length - 1 || char.IsWhiteSpace(s[i + 1]))) return i;
        }
        return -1;
    }

    /// <summary>Collapses runs of white space to one space and trims.</summary>
    public static string NormalizeWhitespace(string text) => Spaces().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    /// <summary>Distinct-n: distinct n-grams / all n-grams over the texts (word level).</summary>
    public static double DistinctN(IEnumerable<string> texts, int n)
    {
        var all = 0;
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in texts)
        {
            var w = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i + n <= w.Length; i++)
            {
                all++;
                var sb = new StringBuilder();
                for (var j = 0; j < n; j++) sb.Append(w[i + j]).Append(' ');
                distinct.Add(sb.ToString());
            }
        }
        return all == 0 ? 0 : (double)distinct.Count / all;
    }
}
