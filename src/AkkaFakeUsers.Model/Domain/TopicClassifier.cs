using System.Text.RegularExpressions;

namespace AkkaFakeUsers.Domain;

/// <summary>
/// A keyword classifier: which interest a text is about, by counting each interest's words (catalog keywords,
/// subtopics, hashtags, nouns and marker names) as whole words. Used to check that generated texts are on topic.
/// </summary>
public static class TopicClassifier
{
    private static readonly (string Interest, Regex Pattern)[] Patterns = InterestCatalog.All.Select(i =>
    {
        var v = TopicVocabulary.For(i.Name);
        var terms = i.Keywords.Concat(i.Subtopics).Concat(i.Hashtags.Select(h => h.TrimStart('#'))).Concat(v.Things).Concat(TopicVocabulary.Markers(i.Name)).Concat(TopicVocabulary.MoreKeywords(i.Name))
            .Append(i.Name)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(t => t.Length)
            .Select(Regex.Escape);
        return (i.Name, new Regex(@"(?<![\p{L}\p{N}])(" + string.Join("|", terms) + @")(?![\p{L}\p{N}])", RegexOptions.IgnoreCase | RegexOptions.Compiled));
    }).ToArray();

    /// <summary>Hits per interest.</summary>
    public static IReadOnlyDictionary<string, int> Scores(string text) => Patterns.ToDictionary(p => p.Interest, p => p.Pattern.Matches(text).Count);

    /// <summary>The interest with the most hits, or null when no interest has any (or two tie for first).</summary>
    public static string? Classify(string text)
    {
        var scores = Scores(text).OrderByDescending(kv => kv.Value).ToArray();
        if (scores[0].Value == 0 || (scores.Length > 1 && scores[1].Value == scores[0].Value)) return null;
        return scores[0].Key;
    }
}
