using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Tests.Domain;

public class ContentTests
{
    private static readonly BuiltInGenerator Gen = new();

    private static ContentRequest PostRequest(int i, long seed = 7)
    {
        var profile = ProfileRules.Create(seed, 1 + i % 300, InterestMix.Default);
        var rng = DeterministicRandom.For(seed, "post", profile.UserId, i);
        var (interest, sub) = Users.PostTopics.Choose(profile, rng);
        return new ContentRequest(TextKind.Post, profile.UserId, interest, sub, profile.Persona, rng.Next());
    }

    [Fact]
    public void Built_in_posts_are_50_to_500_chars_varied_and_on_topic()
    {
        var requests = Enumerable.Range(0, 1000).Select(i => PostRequest(i)).ToList();
        var posts = requests.Select(r => Gen.Generate(r).Text).ToList();
        Assert.All(posts, p => Assert.InRange(p.Length, ContentRules.PostMin, ContentRules.PostMax));
        Assert.Equal(1000, posts.Distinct().Count());
        // each post names its subtopic
        Assert.All(requests.Zip(posts), x => Assert.Contains(x.Item1.Subtopic, x.Item2));
    }

    [Fact]
    public void Built_in_text_is_reproducible_and_labelled()
    {
        var r = PostRequest(12);
        var a = Gen.Generate(r);
        var b = Gen.Generate(r);
        Assert.Equal(a, b);
        Assert.Equal("builtin", a.GeneratedBy);
        Assert.NotEqual(a.Text, Gen.Generate(r with { Seed = r.Seed + 1 }).Text);
    }

    [Fact]
    public void Comments_are_short_and_about_the_post()
    {
        var post = "Spent 12 hours on ramen today and the broth still surprises me. #ramen";
        var persona = new Persona("casual", 0.5, 0.5);
        var comments = Enumerable.Range(0, 300)
            .Select(i => Gen.Generate(new ContentRequest(TextKind.Comment, "user-2", "food", "ramen", persona, i, post, "user-1")).Text)
            .ToList();
        Assert.All(comments, c => Assert.True(ContentRules.IsValidComment(c), c));
        var words = new[] { "ramen", "broth", "hours", "surprises", "Spent", "today", "recipe", "flavor", "kitchen", "dish", "restaurant", "taste", "spicy", "dough", "menu", "brunch", "seasoning", "You put it better" };
        var about = comments.Count(c => words.Any(w => c.Contains(w, StringComparison.OrdinalIgnoreCase)));
        Assert.True(about >= comments.Count * 0.9, $"{about}/{comments.Count} comments refer to the post or its topic");
        Assert.True(comments.Distinct().Count() > 100);
    }

    [Theory]
    [InlineData("First sentence. Second sentence is here. Third one is very long indeed.", 45, "First sentence. Second sentence is here.")]
    [InlineData("short", 10, "short")]
    public void Cut_at_sentence_keeps_whole_sentences(string text, int max, string expected)
    {
        Assert.Equal(expected, ContentRules.CutAtSentence(text, max));
    }

    [Fact]
    public void Cut_without_sentence_end_cuts_at_a_word_and_stays_within_the_limit()
    {
        var text = string.Join(' ', Enumerable.Repeat("word", 200));
        var cut = ContentRules.CutAtSentence(text, 500);
        Assert.True(cut.Length <= 500);
        Assert.EndsWith("…", cut);
        Assert.DoesNotContain("wor…", cut);
    }

    [Fact]
    public void Distinct_n_counts_unique_ngrams()
    {
        Assert.Equal(1.0, ContentRules.DistinctN(["a b c"], 2));
        Assert.Equal(0.5, ContentRules.DistinctN(["a b", "a b"], 2));
    }
}
