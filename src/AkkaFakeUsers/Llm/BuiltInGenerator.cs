using System.Text;
using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Llm;

/// <summary>
/// Writes posts and comments from per-interest vocabulary, sentence patterns and the author's persona.
/// Pure and deterministic: the same request (same seed) gives the same text. Needs no network.
/// </summary>
public sealed class BuiltInGenerator : IContentGenerator
{
    public const string GeneratorName = "builtin";
    public const string ModelVersion = "builtin-v1";

    public string Name => GeneratorName;

    public string Model => ModelVersion;

    public Task<GeneratedText> GenerateAsync(ContentRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Generate(request));

    public GeneratedText Generate(ContentRequest request)
    {
        var rng = new Random(request.Seed);
        var text = request.Kind == TextKind.Post ? Post(request, rng) : Comment(request, rng);
        return new GeneratedText(text, GeneratorName, ModelVersion);
    }

    private static readonly Dictionary<string, string[]> Openers = new()
    {
        ["casual"] = ["ok so", "honestly,", "not gonna lie,", "quick thought:", "lowkey", "random thought:"],
        ["enthusiastic"] = ["WOW.", "I can't stop thinking about this:", "So hyped right now!", "Big day!", "This made my week!", "Okay I'm excited:"],
        ["analytical"] = ["A take, with reasons:", "Looking at it closely,", "Observation:", "Here's my breakdown:", "Let's be precise:", "Data point:"],
        ["snarky"] = ["Unpopular opinion:", "Nobody asked, but", "Hot take incoming:", "Sure, everyone loves this, but", "Bold of us to assume", "Plot twist:"],
        ["wholesome"] = ["Little joy today:", "Grateful for this:", "Shoutout to everyone here:", "Reminder:", "Feeling thankful:", "Small win:"],
    };

    private static readonly string[] Adjectives =
        ["wild", "underrated", "overhyped", "incredible", "chaotic", "beautiful", "frustrating", "fascinating", "so good", "surprisingly deep", "a bit much", "legendary", "messy", "elegant", "bold"];

    private static readonly string[] Cores =
    [
        "{sub} has been on my mind all week, especially the {kw} side of it.",
        "Spent {n} hours on {sub} today and the {kw} still surprises me.",
        "Is it just me or is the {kw} in {sub} getting {adj} lately?",
        "My ranking of everything {sub} changed {n} times this month, all because of one {kw}.",
        "Every time I think I understand {sub}, a new {kw} shows up and proves me wrong.",
        "The {kw} conversation around {sub} is {adj} and I am here for it.",
        "Tried explaining {sub} to a friend and ended up talking about the {kw} for {n} minutes.",
        "If you skipped {sub} this week you missed a {adj} {kw}.",
        "Day {n} of being obsessed with {sub}. Today's topic: the {kw}.",
        "People sleep on how {adj} the {kw} in {sub} can be.",
        "Counted {n} different opinions about the {kw} in my {sub} group chat.",
        "Still processing that {kw}. {sub} never stops being {adj}.",
    ];

    private static readonly string[] Followups =
    [
        "Anyone else feel the same?",
        "Tell me I'm wrong.",
        "What would you change about the {kw}?",
        "Curious what the rest of you think about {sub}.",
        "Next week I'm going deeper on this.",
        "Saving this thought for later.",
        "I need more people to talk {sub} with.",
        "Drop your favourite {kw} below.",
        "Rating it {r}/10 for now.",
        "This is why {sub} is the best corner of the internet.",
        "Would love a proper deep dive on the {kw}.",
        "Honestly {adj}.",
    ];

    private static string Post(ContentRequest req, Random rng)
    {
        var interest = InterestCatalog.TryGet(req.Interest, out var i) ? i : InterestCatalog.Tech;
        var tone = Openers.ContainsKey(req.Persona.Tone) ? req.Persona.Tone : "casual";
        var target = 70 + rng.Next(230);
        var sb = new StringBuilder();
        sb.Append(Pick(rng, Openers[tone])).Append(' ');
        var cores = Cores.OrderBy(_ => rng.Next()).ToArray();
        var c = 0;
        do
        {
            sb.Append(Fill(cores[c++ % cores.Length], req.Subtopic, interest, rng)).Append(' ');
        } while (sb.Length < target && c < 3);
        if (rng.NextDouble() < 0.7) sb.Append(Fill(Pick(rng, Followups), req.Subtopic, interest, rng)).Append(' ');
        if (rng.NextDouble() < req.Persona.EmojiRate) sb.Append(Pick(rng, interest.Emoji)).Append(' ');
        if (rng.NextDouble() < req.Persona.HashtagRate)
        {
            sb.Append(Hashtag(req.Subtopic)).Append(' ');
            if (rng.NextDouble() < 0.5) sb.Append(Pick(rng, interest.Hashtags)).Append(' ');
        }
        var text = ContentRules.NormalizeWhitespace(sb.ToString());
        if (text.Length < ContentRules.PostMin) text += " " + Fill(Followups[0], req.Subtopic, interest, rng) + " " + Fill(Cores[0], req.Subtopic, interest, rng);
        return ContentRules.CutAtSentence(text, ContentRules.PostMax);
    }

    private static readonly string[] CommentPatterns =
    [
        "Totally agree about {sub}!",
        "Hard disagree on the {kw} part, but {sub} is still great.",
        "This is exactly why I follow {sub}.",
        "Wait, {quote}? I need to think about that.",
        "\"{quote}\" is such a good point.",
        "Saving this. The {kw} bit is spot on.",
        "Came here to say the same about the {kw}.",
        "Not sure about {sub}, but the {kw} part is {adj}.",
        "You put it better than I could.",
        "Respectfully, the {kw} is {adj}. Change my mind.",
    ];

    private static string Comment(ContentRequest req, Random rng)
    {
        var interest = InterestCatalog.TryGet(req.Interest, out var i) ? i : InterestCatalog.Tech;
        var quote = QuoteFragment(req.QuotedPost, rng);
        var text = Fill(Pick(rng, CommentPatterns), req.Subtopic, interest, rng).Replace("{quote}", quote);
        if (rng.NextDouble() < 0.4) text += " " + Fill(Pick(rng, Followups), req.Subtopic, interest, rng);
        if (rng.NextDouble() < req.Persona.EmojiRate) text += " " + Pick(rng, interest.Emoji);
        return ContentRules.CutAtSentence(ContentRules.NormalizeWhitespace(text), ContentRules.CommentMax);
    }

    /// <summary>A few consecutive words of the post (the part a reply quotes), without hashtags.</summary>
    private static string QuoteFragment(string? post, Random rng)
    {
        var words = (post ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !w.StartsWith('#') && w.Any(char.IsLetter)).ToArray();
        if (words.Length == 0) return "that";
        var len = Math.Min(words.Length, 3 + rng.Next(3));
        var start = rng.Next(words.Length - len + 1);
        return string.Join(' ', words, start, len).Trim('.', ',', '!', '?', ':', '"');
    }

    private static string Fill(string pattern, string sub, Interest interest, Random rng) => pattern
        .Replace("{sub}", sub)
        .Replace("{kw}", Pick(rng, interest.Keywords))
        .Replace("{adj}", Pick(rng, Adjectives))
        .Replace("{n}", (2 + rng.Next(98)).ToString())
        .Replace("{r}", (4 + rng.Next(7)).ToString());

    private static string Hashtag(string subtopic) => "#" + new string(subtopic.Where(char.IsLetterOrDigit).ToArray());

    private static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];
}
