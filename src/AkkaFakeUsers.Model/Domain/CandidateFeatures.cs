namespace AkkaFakeUsers.Domain;

/// <summary>
/// What a feed policy may know about one candidate post for one reader at serve time. Every policy scores from these,
/// so the feed computes them once per candidate, and the learned policy is trained on the same vector.
/// </summary>
/// <param name="Match">Interest-match score of the post for the reader (<see cref="Matching.Score"/>).</param>
/// <param name="Likes">Likes the post had when served (as this node's feed saw them).</param>
/// <param name="AgeHours">Simulated hours since the post was created.</param>
/// <param name="Followed">The reader follows the author.</param>
/// <param name="Trending">The post's subtopic was trending when it was written.</param>
public readonly record struct CandidateFeatures(double Match, int Likes, double AgeHours, bool Followed, bool Trending)
{
    public const int Width = 6;

    /// <summary>The vector the learned policy is trained and scored on: bias, match, log likes, age (days, capped at 2), followed, trending.</summary>
    public void Fill(Span<double> x)
    {
        x[0] = 1;
        x[1] = Match;
        x[2] = Math.Log(1 + Likes);
        x[3] = Math.Min(AgeHours, 48) / 24;
        x[4] = Followed ? 1 : 0;
        x[5] = Trending ? 1 : 0;
    }
}
