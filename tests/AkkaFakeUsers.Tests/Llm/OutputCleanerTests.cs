using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Tests.Llm;

public class OutputCleanerTests
{
    private const string Body = "Just watched the NBA finals recap and the defense in the fourth quarter was unreal. Who else stayed up?";

    [Theory]
    [InlineData("Sure! Here's a post:\n\n" + Body)]
    [InlineData("Here is a post about NBA:\n\"" + Body + "\"")]
    [InlineData("<start_of_turn>model\n**" + Body + "**<end_of_turn>")]
    [InlineData("Post: " + Body)]
    [InlineData("Okay, here's one: " + Body)]
    [InlineData("## " + Body + "\n\nLet me know if you want another version!")]
    public void Preambles_role_tags_markdown_and_quotes_are_stripped(string raw)
    {
        Assert.Equal(Body, OutputCleaner.Clean(raw, TextKind.Post));
    }

    [Fact]
    public void Hashtags_survive()
    {
        Assert.Equal(Body + " #NBA #Finals", OutputCleaner.Clean(Body + " #NBA #Finals", TextKind.Post));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   \n  ", "empty")]
    [InlineData("I'm sorry, but I can't help with creating social media posts that impersonate people.", "refused")]
    [InlineData("As an AI language model, I do not have personal opinions about the NBA finals or anything else.", "refused")]
    [InlineData("Go team!", "too short")]
    public void Empty_refusals_and_too_short_posts_are_rejected(string raw, string reason)
    {
        var ex = Assert.Throws<LlmCallException>(() => OutputCleaner.Clean(raw, TextKind.Post));
        Assert.Equal("invalid-output", ex.Kind);
        Assert.True(ex.Retryable);
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void Long_posts_are_cut_at_a_sentence_and_comments_bounded()
    {
        var raw = string.Join(" ", Enumerable.Repeat("This sentence talks about ramen broth and noodles.", 20));
        var post = OutputCleaner.Clean(raw, TextKind.Post);
        Assert.InRange(post.Length, 50, 500);
        Assert.EndsWith(".", post);
        var comment = OutputCleaner.Clean(raw, TextKind.Comment);
        Assert.InRange(comment.Length, 2, 280);
        Assert.Equal("Nice!", OutputCleaner.Clean("Sure! Here's a comment:\n\"Nice!\"", TextKind.Comment));
    }
}
