using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Tests.Feed;

public class CandidatePoolTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private static PostPublished Post(string author, int n, string interest, DateTime at) =>
        new($"{author}/post-{n}", author, n, "text", interest, "s", at, "builtin", "v");

    [Fact]
    public void Retrieval_takes_followed_authors_first_then_the_readers_interests_and_is_capped()
    {
        var pool = new CandidatePool(10_000, TimeSpan.FromHours(6));
        for (var i = 0; i < 2000; i++) pool.Add(Post($"user-{i % 100}", i, i % 2 == 0 ? "food" : "cars", Now.AddSeconds(-i)));
        var into = new List<PoolPost>();
        pool.Retrieve("user-1", ["food"], new HashSet<string> { "user-7" }, Now, 40, into);
        Assert.Equal(40, into.Count);
        Assert.Equal(into.Count, into.Select(p => p.Post.PostId).Distinct().Count());
        Assert.Equal("user-7", into[0].Post.UserId);
        Assert.DoesNotContain(into, p => p.Post.UserId == "user-1");
        Assert.True(into.Count(p => p.Post.Interest == "food") >= 20);
        // the same state and request give the same list
        var again = new List<PoolPost>();
        pool.Retrieve("user-1", ["food"], new HashSet<string> { "user-7" }, Now, 40, again);
        Assert.Equal(into.Select(p => p.Post.PostId), again.Select(p => p.Post.PostId));
    }

    [Fact]
    public void Posts_the_reader_opened_or_hid_are_not_candidates_again_but_merely_liked_marks_of_other_kinds_do_not_count()
    {
        var pool = new CandidatePool(1000, TimeSpan.FromHours(6));
        for (var i = 0; i < 4; i++) pool.Add(Post("user-2", i, "food", Now.AddMinutes(-i)));
        var seen = new Dictionary<string, ReactionMark>
        {
            ["user-2/post-0"] = new(Now, Viewed: true, Liked: false, Commented: false),
            ["user-2/post-1"] = new(Now, Viewed: false, Liked: false, Commented: false, Hid: true),
            ["user-2/post-2"] = new(Now, Viewed: false, Liked: false, Commented: true), // a reply mark kept under a post id
        };
        var into = new List<PoolPost>();
        pool.Retrieve("user-1", ["food"], new HashSet<string>(), Now, 10, into, seen);
        Assert.Equal(["user-2/post-2", "user-2/post-3"], into.Select(p => p.Post.PostId).Order());
    }

    [Fact]
    public void The_most_liked_posts_are_candidates_even_outside_the_readers_interests_and_leave_with_eviction()
    {
        var pool = new CandidatePool(300, TimeSpan.FromHours(6));
        for (var i = 0; i < 300; i++) pool.Add(Post($"user-{10 + i % 7}", i, i < 100 ? "cars" : "food", Now.AddSeconds(-300 + i)));
        for (var l = 0; l < 5; l++) pool.Like("user-10/post-0"); // the oldest post, about cars
        for (var l = 0; l < 3; l++) pool.Like("user-12/post-2");
        var into = new List<PoolPost>();
        pool.Retrieve("user-1", ["food"], new HashSet<string>(), Now, 40, into);
        var ids = into.Select(p => p.Post.PostId).ToList();
        Assert.Contains("user-10/post-0", ids);
        Assert.True(ids.IndexOf("user-10/post-0") < ids.IndexOf("user-12/post-2"), "most liked first");
        // evicted by capacity: gone from every index
        pool.Add(Post("user-3", 999, "food", Now));
        Assert.False(pool.Contains("user-10/post-0"));
        pool.Retrieve("user-1", ["food"], new HashSet<string>(), Now, 40, into);
        Assert.DoesNotContain(into, p => p.Post.PostId == "user-10/post-0");
        Assert.Contains(into, p => p.Post.PostId == "user-12/post-2");
    }

    [Fact]
    public void The_pool_keeps_at_most_its_capacity_and_drops_posts_past_the_max_age()
    {
        var pool = new CandidatePool(100, TimeSpan.FromHours(1));
        for (var i = 0; i < 300; i++) pool.Add(Post("user-2", i, "food", Now.AddMinutes(-300 + i)));
        Assert.Equal(100, pool.Count);
        Assert.False(pool.Contains("user-2/post-0"));
        var into = new List<PoolPost>();
        pool.Retrieve("user-1", ["food"], new HashSet<string>(), Now, 500, into);
        Assert.All(into, p => Assert.True(p.Post.CreatedAt >= Now.AddHours(-1)));
        Assert.Equal(60, pool.Count); // minutes -60..-1
    }
}
