using System.Text;
using AkkaFakeUsers.Domain;
using Bogus;

namespace AkkaFakeUsers.Llm;

/// <summary>
/// Writes posts and comments from per-interest sentence patterns and vocabulary (<see cref="TopicVocabulary"/>), made-up
/// names (teams, models, shows, cars, dishes via Bogus), the author's persona (tone, emoji and hashtag habits) and a
/// per-user style (casing, punctuation, fillers, sign-off). Pure and deterministic: the same request gives the same
/// text. Needs no network.
/// </summary>
public sealed class BuiltInGenerator : IContentGenerator
{
    public const string GeneratorName = "builtin";
    public const string ModelVersion = "builtin-v2";

    public string Name => GeneratorName;

    public string Model => ModelVersion;

    public Task<GeneratedText> GenerateAsync(ContentRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Generate(request));

    public GeneratedText Generate(ContentRequest request)
    {
        var rng = new Random(request.Seed);
        var faker = SeededFaker.For(rng.Next());
        var style = UserStyle.For(request.UserId);
        var text = request.Kind == TextKind.Post ? Post(request, rng, faker, style) : Comment(request, rng, faker, style);
        return new GeneratedText(text, GeneratorName, ModelVersion);
    }

    private static readonly Dictionary<string, string[]> Openers = new()
    {
        ["casual"] = ["ok so", "honestly,", "not gonna lie,", "quick thought:", "lowkey", "random thought:", "so uh,", "fun fact:"],
        ["enthusiastic"] = ["WOW.", "I can't stop thinking about this:", "So hyped right now!", "Big day!", "This made my week!", "Okay I'm excited:", "YES.", "Best news ever:"],
        ["analytical"] = ["A take, with reasons:", "Looking at it closely,", "Observation:", "Here's my breakdown:", "Let's be precise:", "Data point:", "Thread-worthy:", "Context matters here:"],
        ["snarky"] = ["Unpopular opinion:", "Nobody asked, but", "Hot take incoming:", "Sure, everyone loves this, but", "Bold of us to assume", "Plot twist:", "Shocking, I know:", "Cool cool cool."],
        ["wholesome"] = ["Little joy today:", "Grateful for this:", "Shoutout to everyone here:", "Reminder:", "Feeling thankful:", "Small win:", "Happy little moment:", "Sharing some joy:"],
    };

    private static readonly string[] Followups =
    [
        "{Anyone|Who} else {feel|think} {the same|this way} about {sub}?", "Tell me I'm {wrong|right|crazy} about the {kw}.",
        "What would you {change|keep|fix} about the {kw}?", "{Curious|Dying to know} what {you all|the rest of you|{sub} people} think.",
        "{Next week|Tomorrow|Soon} I'm going deeper on the {kw}.", "{I need|Looking for} more people to {talk|nerd out about} {sub} with.",
        "Drop your {favourite|worst|weirdest} {kw} below.", "Rating the {kw} {r}/10 {for now|tops|generously}.",
        "{This is why|Reason number {n} why} {sub} is the best corner of the internet.", "{Would love|Somebody make} a {proper|long} deep dive on the {kw}.",
        "Still thinking about that {kw} {when}.", "{sub} {people|fans|folks}, you know what I mean.",
    ];

    private static readonly string[] TopicPrefixes =
        ["{sub}:", "{sub} update:", "Re {sub}:", "{sub} talk:", "On {sub}:", "{sub} thread:", "{sub} diary, day {n}:", "About {sub}:", "{sub} news:", "{sub} check-in:"];

    /// <summary>Follow-ups that always name the subtopic.</summary>
    private static readonly string[] SubFollowups =
    [
        "{Anyone|Who} else {feel|think} {the same|this way} about {sub}?", "{I need|Looking for} more people to {talk|nerd out about} {sub} with.",
        "{This is why|Reason number {n} why} {sub} is the best corner of the internet.", "{sub} {people|fans|folks}, you know what I mean.",
        "{Curious|Dying to know} what other {sub} {people|fans} think.", "{Honestly|Seriously}, {sub} never gets old.",
    ];

    private static string Post(ContentRequest req, Random rng, Faker f, UserStyle style)
    {
        var interest = InterestCatalog.TryGet(req.Interest, out var i) ? i : InterestCatalog.Tech;
        var vocab = TopicVocabulary.For(interest.Name);
        var tone = Openers.ContainsKey(req.Persona.Tone) ? req.Persona.Tone : "casual";
        var sb = new StringBuilder();
        var lead = rng.NextDouble();
        if (lead < 0.2) sb.Append(Pick(rng, Openers[tone])).Append(' ');
        else if (lead < 0.4) sb.Append(Fill(Pick(rng, TopicVocabulary.Mentions), req.Subtopic, interest, vocab, rng, f)).Append(' ');
        if (style.Filler is { } filler && rng.NextDouble() < 0.5) sb.Append(filler).Append(' ');
        var patterns = vocab.Patterns.OrderBy(_ => rng.Next()).ToArray();
        var fragments = TopicVocabulary.Fragments(interest.Name).OrderBy(_ => rng.Next()).ToArray();
        // One or two written sentences, each followed now and then by a terse stats line.
        var count = 1 + (rng.NextDouble() < 0.35 ? 1 : 0);
        // a post with an effort (creators on): one sentence for the least appealing third, three for the top fifth
        if (req.Effort is { } effort) count = Math.Min(patterns.Length, effort < 0.35 ? 1 : effort < 0.8 ? 2 : 3);
        var sentences = new List<string>();
        var usedFragments = 0;
        for (var s = 0; s < count; s++)
        {
            var sentence = Fill(patterns[s], req.Subtopic, interest, vocab, rng, f);
            for (var chance = 0.85; usedFragments < fragments.Length && rng.NextDouble() < chance; chance = 0.3)
                sentence += " " + Fill(fragments[usedFragments++], req.Subtopic, interest, vocab, rng, f);
            // Half the sentences get an aside (who agrees, where, with whom) before their final stop.
            if (rng.NextDouble() < 0.75 && sentence.Length > 1 && sentence[^1] is '.' or '!' or '?')
                sentence = sentence[..^1] + Fill(Pick(rng, TopicVocabulary.Asides), req.Subtopic, interest, vocab, rng, f) + sentence[^1];
            sentences.Add(sentence);
        }
        // Every post names its subtopic early (so a cut at 500 characters keeps it): if the patterns did not, a follow-up
        // that does goes second; otherwise a follow-up closes the post now and then.
        if (!sentences.Any(x => x.Contains(req.Subtopic, StringComparison.OrdinalIgnoreCase)))
        {
            // name it in the first sentence (kept by any cut): up front, briefly ("JDM update:"), or with a follow-up line
            var named = rng.NextDouble() < 0.75
                ? Fill(Pick(rng, TopicPrefixes), req.Subtopic, interest, vocab, rng, f) + " " + sentences[0]
                : sentences[0] + " " + Fill(Pick(rng, SubFollowups), req.Subtopic, interest, vocab, rng, f);
            sentences[0] = named;
        }
        else if (rng.NextDouble() < 0.1)
            sentences.Add(Fill(Pick(rng, Followups), req.Subtopic, interest, vocab, rng, f));
        foreach (var x in sentences) sb.Append(x).Append(' ');
        if (style.SignOff is { } signOff && rng.NextDouble() < 0.25) sb.Append(signOff).Append(' ');
        var text = style.Apply(ContentRules.NormalizeWhitespace(sb.ToString()));
        var tail = new StringBuilder();
        if (rng.NextDouble() < req.Persona.EmojiRate) tail.Append(' ').Append(Pick(rng, interest.Emoji));
        if (rng.NextDouble() < req.Persona.HashtagRate)
        {
            tail.Append(' ').Append(Hashtag(req.Subtopic));
            if (rng.NextDouble() < 0.5) tail.Append(' ').Append(Pick(rng, interest.Hashtags));
        }
        var body = ContentRules.CutAtSentence(text, ContentRules.PostMax - tail.Length);
        // The cut may have dropped the only mention of the subtopic: then the post opens with it.
        if (!body.Contains(req.Subtopic, StringComparison.OrdinalIgnoreCase))
            body = ContentRules.CutAtSentence(style.Apply(Fill(Pick(rng, TopicPrefixes), req.Subtopic, interest, vocab, rng, f)) + " " + text, ContentRules.PostMax - tail.Length);
        text = body + tail;
        while (text.Length < ContentRules.PostMin) text += " " + Fill(Pick(rng, vocab.Patterns), req.Subtopic, interest, vocab, rng, f);
        return ContentRules.CutAtSentence(text, ContentRules.PostMax);
    }

    private static readonly string[] CommentPatterns =
    [
        "Totally agree about the {kw}!", "Hard disagree on the {kw} part, but {sub} is still great.", "This is exactly why I follow {sub}.",
        "Wait, \"{quote}\"? I need to think about that.", "\"{quote}\" is such a good point.", "Saving this. The {kw} bit is spot on.",
        "Came here to say the same about the {kw}.", "Not sure about {sub}, but the {kw} part is {adj}.", "You put it better than I could: \"{quote}\".",
        "Respectfully, the {kw} is {adj}. Change my mind.", "\"{quote}\" - same thing happened to me with the {thing} {when}.",
        "The {kw} take is {adj}, but what about the {thing}?", "Showed this to my {sub} friends and they agree about the {kw}.",
    ];

    private static string Comment(ContentRequest req, Random rng, Faker f, UserStyle style)
    {
        var interest = InterestCatalog.TryGet(req.Interest, out var i) ? i : InterestCatalog.Tech;
        var vocab = TopicVocabulary.For(interest.Name);
        var quote = QuoteFragment(req.QuotedPost, rng);
        var text = Fill(Pick(rng, CommentPatterns), req.Subtopic, interest, vocab, rng, f).Replace("{quote}", quote);
        if (rng.NextDouble() < 0.35) text += " " + Fill(Pick(rng, Followups), req.Subtopic, interest, vocab, rng, f);
        text = style.Apply(ContentRules.NormalizeWhitespace(text));
        if (rng.NextDouble() < req.Persona.EmojiRate) text += " " + Pick(rng, interest.Emoji);
        return ContentRules.CutAtSentence(text, ContentRules.CommentMax);
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

    private static string Fill(string pattern, string sub, Interest interest, TopicVocabulary v, Random rng, Faker f)
    {
        var sb = new StringBuilder(pattern.Length + 64);
        var i = 0;
        while (i < pattern.Length)
        {
            var open = pattern.IndexOf('{', i);
            if (open < 0) { sb.Append(pattern, i, pattern.Length - i); break; }
            var close = pattern.IndexOf('}', open);
            if (close < 0) { sb.Append(pattern, i, pattern.Length - i); break; }
            sb.Append(pattern, i, open - i);
            var slot = pattern.Substring(open + 1, close - open - 1);
            if (slot.Contains('|'))
            {
                // {a|b|c}: one alternative, itself filled (alternatives may hold slots: {x|{adj}} is written {x|{adj}}).
                var depth = 0;
                close = open;
                for (var k = open; k < pattern.Length; k++)
                {
                    if (pattern[k] == '{') depth++;
                    else if (pattern[k] == '}' && --depth == 0) { close = k; break; }
                }
                var options = SplitTop(pattern.Substring(open + 1, close - open - 1));
                sb.Append(Fill(options[rng.Next(options.Count)], sub, interest, v, rng, f));
                i = close + 1;
                continue;
            }
            var key = slot.Length > 1 && char.IsDigit(slot[^1]) ? slot[..^1] : slot;
            sb.Append(key switch
            {
                "sub" => sub,
                "kw" => Modified(rng, rng.NextDouble() < 0.4 ? Pick(rng, interest.Keywords) : Pick(rng, TopicVocabulary.MoreKeywords(interest.Name))),
                "thing" => Modified(rng, Pick(rng, v.Things)),
                "verb" => Pick(rng, v.Verbs),
                "adj" => rng.NextDouble() < 0.5 ? Pick(rng, v.Adjectives) : Pick(rng, TopicVocabulary.CommonAdjectives),
                "friend" => Pick(rng, TopicVocabulary.Friends),
                "ent" => v.Entity(f, sub),
                "name" => f.Name.FullName(),
                "char" => f.Name.FirstName(),
                "place" => f.Address.City(),
                "when" => Pick(rng, TopicVocabulary.When),
                "feel" => Pick(rng, TopicVocabulary.Feelings),
                "n" or "m" or "k" => (1 + rng.Next(60)).ToString(),
                "big" => (100 + rng.Next(9900)).ToString(),
                "r" => (3 + rng.Next(8)).ToString(),
                "last" => Pick(rng, ["points", "goals", "assists", "rebounds", "laps", "aces"]),
                "season" => Pick(rng, ["season", "week", "month", "year"]),
                "lang" => Pick(rng, ["Rust", "Go", "Python", "TypeScript", "C#", "Kotlin", "Zig"]),
                "hp" => (90 + rng.Next(860)).ToString(),
                "sec" => $"{2 + rng.Next(10)}.{rng.Next(10)}",
                "year" => (1990 + rng.Next(36)).ToString(),
                "handle" => "@" + f.Internet.UserName(),
                "clock" => $"{1 + rng.Next(12)}:{rng.Next(60):00}{(rng.Next(2) == 0 ? "am" : "pm")}",
                "date" => $"{f.Date.Month()} {1 + rng.Next(28)}",
                "street" => f.Address.StreetName(),
                "cve" => $"CVE-2026-{1000 + rng.Next(9000)}",
                "studio" => $"Studio {Cap(f.Hacker.Noun())}",
                "ing" => Pick(rng, ["miso", "garlic", "chili", "butter", "lemon", "ginger", "salt", "honey", "vinegar"]),
                _ => pattern.Substring(open, close - open + 1),
            });
            i = close + 1;
        }
        return sb.ToString();
    }

    /// <summary>Most nouns get a describing word ("the sneaky pit stop").</summary>
    private static string Modified(Random rng, string noun) => rng.NextDouble() < 0.8 ? Pick(rng, TopicVocabulary.Modifiers) + " " + noun : noun;

    /// <summary>Splits a{b|c}|d at the top-level bars only.</summary>
    private static List<string> SplitTop(string body)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var k = 0; k < body.Length; k++)
        {
            if (body[k] == '{') depth++;
            else if (body[k] == '}') depth--;
            else if (body[k] == '|' && depth == 0)
            {
                parts.Add(body[start..k]);
                start = k + 1;
            }
        }
        parts.Add(body[start..]);
        return parts;
    }

    private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string Hashtag(string subtopic) => "#" + new string(subtopic.Where(char.IsLetterOrDigit).ToArray());

    private static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];
}

/// <summary>How one user writes, whatever the topic: casing, exclamation habit, a filler word, a sign-off. Fixed per user.</summary>
public sealed record UserStyle(bool Lowercase, bool Exclaims, string? Filler, string? SignOff)
{
    private static readonly string[] Fillers = ["tbh", "ngl", "imo", "fr", "lol", "honestly", "low-key"];
    private static readonly string[] SignOffs = ["Peace.", "That's all.", "More soon.", "Over and out.", "Stay tuned.", "Later, nerds.", "Cheers!", "xoxo"];

    public static UserStyle For(string userId)
    {
        var rng = DeterministicRandom.For(0, "style", userId);
        return new UserStyle(
            rng.NextDouble() < 0.15,
            rng.NextDouble() < 0.25,
            rng.NextDouble() < 0.35 ? Fillers[rng.Next(Fillers.Length)] : null,
            rng.NextDouble() < 0.3 ? SignOffs[rng.Next(SignOffs.Length)] : null);
    }

    public string Apply(string text)
    {
        if (Exclaims) text = text.Replace(". ", "! ");
        return Lowercase ? text.ToLowerInvariant() : text;
    }
}
