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
        var (interest, sub) = PostTopics.Choose(profile, rng);
        return new ContentRequest(TextKind.Post, profile.UserId, interest, sub, profile.Persona, rng.Next());
    }

    [Fact]
    public void Built_in_posts_are_50_to_500_chars_varied_and_on_topic()
    {
        var requests = Enumerable.Range(0, 5000).Select(i => PostRequest(i)).ToList();
        var posts = requests.Select(r => Gen.Generate(r).Text).ToList();
        Assert.All(posts, p => Assert.InRange(p.Length, ContentRules.PostMin, ContentRules.PostMax));
        Assert.Equal(5000, posts.Distinct().Count()); // zero exact duplicates
        var distinct2 = ContentRules.DistinctN(posts, 2);
        Assert.True(distinct2 >= 0.5, $"distinct-2 {distinct2:F3} over 5,000 posts");
        // each post names its subtopic, and a keyword classifier recovers the intended interest for >= 90%
        Assert.All(requests.Zip(posts), x => Assert.Contains(x.Item1.Subtopic, x.Item2, StringComparison.OrdinalIgnoreCase));
        var recovered = requests.Zip(posts).Count(x => TopicClassifier.Classify(x.Item2) == x.Item1.Interest);
        Assert.True(recovered >= 0.9 * posts.Count, $"classifier recovered {recovered}/{posts.Count}");
        // every interest is written about, and the lengths spread (not one template length)
        Assert.Equal(InterestCatalog.Names.Count, requests.Select(r => r.Interest).Distinct().Count());
        Assert.True(posts.Select(p => p.Length / 50).Distinct().Count() >= 5, "post lengths fall in at least 5 bands of 50 chars");
    }

    [Fact]
    public void The_classifier_tells_interests_apart_and_abstains_without_evidence()
    {
        Assert.Equal("food", TopicClassifier.Classify("Made miso ramen last night and the broth came out silky."));
        Assert.Equal("cars", TopicClassifier.Classify("Took the Porsche to the track and the turbo pulled hard."));
        Assert.Null(TopicClassifier.Classify("What a lovely day it is."));
    }

    [Fact]
    public void Users_keep_their_own_style_across_posts()
    {
        var styles = Enumerable.Range(1, 400).Select(i => UserStyle.For($"user-{i}")).ToList();
        Assert.Equal(UserStyle.For("user-7"), UserStyle.For("user-7"));
        Assert.Contains(styles, s => s.Lowercase);
        Assert.Contains(styles, s => !s.Lowercase);
        Assert.True(styles.Select(s => s.SignOff).Distinct().Count() >= 5);
        var lower = Enumerable.Range(1, 400).First(i => UserStyle.For($"user-{i}").Lowercase);
        var persona = new Persona("enthusiastic", 0, 0);
        for (var k = 0; k < 20; k++)
        {
            var text = Gen.Generate(new ContentRequest(TextKind.Post, $"user-{lower}", "cars", "JDM", persona, k)).Text;
            Assert.Equal(text.ToLowerInvariant(), text);
        }
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
        // about the post: it quotes the post, or its words are food words (keyword classifier)
        var postWords = post.Split(' ').Select(w => w.Trim('.', '#')).Where(w => w.Length > 3).ToArray();
        var about = comments.Count(c => postWords.Any(w => c.Contains(w, StringComparison.OrdinalIgnoreCase)) || TopicClassifier.Classify(c) == "food");
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

    [Fact]
    public void A_post_written_with_more_effort_is_longer_and_one_without_an_effort_is_written_as_before()
    {
        var persona = new Persona("casual", 0, 0);
        double MeanLength(double? effort) => Enumerable.Range(0, 300)
            .Average(k => Gen.Generate(new ContentRequest(TextKind.Post, $"user-{k}", "food", "ramen", persona, k, Effort: effort)).Text.Length);
        var (low, high) = (MeanLength(0.1), MeanLength(0.9));
        Assert.True(high > low * 1.3, $"mean length at effort 0.9: {high:F0}, at 0.1: {low:F0}");
        Assert.All(Enumerable.Range(0, 50), k =>
        {
            var t = Gen.Generate(new ContentRequest(TextKind.Post, $"user-{k}", "tech", "GPUs", persona, k, Effort: 1.0)).Text;
            Assert.InRange(t.Length, ContentRules.PostMin, ContentRules.PostMax);
        });
        var plain = new ContentRequest(TextKind.Post, "user-1", "cars", "JDM", persona, 3);
        Assert.Equal(Gen.Generate(plain).Text, Gen.Generate(plain with { Effort = null }).Text);
    }
}
