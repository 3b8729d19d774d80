using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Tests.Domain;

public class SessionsTests
{
    private static readonly ReactionSettings R = new();

    private static double[] ExaminedShare(SessionSettings s, int sessions = 20_000, double score = 0.8)
    {
        var slots = Enumerable.Repeat(new SlotView(score, false), 10).ToArray();
        var examined = new double[10];
        var rng = new Random(3);
        for (var n = 0; n < sessions; n++)
        {
            var o = Sessions.Examine(s, R, slots, rng);
            for (var i = 0; i < 10; i++) examined[i] += o[i].Examined ? 1 : 0;
        }
        return examined.Select(e => e / sessions).ToArray();
    }

    [Fact]
    public void Cascade_examination_falls_with_position_and_flat_examination_does_not()
    {
        var cascade = ExaminedShare(SessionSettings.Default);
        for (var i = 1; i < 10; i++) Assert.True(cascade[i] < cascade[i - 1], $"position {i + 1}: {cascade[i]:F3} >= {cascade[i - 1]:F3}");
        Assert.InRange(cascade[0], 0.99, 1.0);
        // without stopping, position i is examined with decay^(i-1); stopping after engagements lowers the later ones further
        Assert.True(cascade[4] < Math.Pow(0.8, 4));

        var flat = ExaminedShare(SessionSettings.Default with { Examination = ExaminationModel.Flat });
        Assert.All(flat, f => Assert.InRange(f, 0.6 - 0.02, 0.6 + 0.02));
    }

    [Fact]
    public void Hides_are_likelier_the_worse_the_match_and_only_of_posts_not_opened()
    {
        var s = SessionSettings.Default;
        Assert.True(Sessions.HideProbability(s, R, 0.05) > 5 * Sessions.HideProbability(s, R, 0.9));
        var rng = new Random(1);
        var slots = Enumerable.Repeat(new SlotView(0.0, false), 10).ToArray();
        var all = Enumerable.Range(0, 5000).SelectMany(_ => Sessions.Examine(s with { HideBase = 0.5 }, R, slots, rng)).ToList();
        Assert.Contains(all, o => o.Hid);
        Assert.All(all.Where(o => o.Hid), o => Assert.True(o.Examined && !o.Viewed && !o.Liked));
        Assert.All(all.Where(o => o.Liked || o.Commented), o => Assert.True(o.Viewed));
    }

    [Fact]
    public void An_already_opened_post_is_not_opened_again_and_outcomes_are_reproducible()
    {
        var s = SessionSettings.Default with { Examination = ExaminationModel.Flat, FlatExamination = 1 };
        var certain = new ReactionSettings(InteractionProbability: 1, LikeBase: 1, LikeSlope: 0);
        var o = Sessions.Examine(s, certain, [new SlotView(1, true), new SlotView(1, false)], new Random(2));
        Assert.Equal((true, false, false), (o[0].Examined, o[0].Viewed, o[0].Liked));
        Assert.Equal((true, true, true), (o[1].Examined, o[1].Viewed, o[1].Liked));
        Assert.InRange(o[0].DwellMs, 300, 1500);
        Assert.InRange(o[1].DwellMs, 3000, 60_000);

        var slots = Enumerable.Range(0, 10).Select(i => new SlotView(i / 10.0, false)).ToArray();
        Assert.Equal(Sessions.Examine(SessionSettings.Default, R, slots, DeterministicRandom.For(7, "session", "s1")),
            Sessions.Examine(SessionSettings.Default, R, slots, DeterministicRandom.For(7, "session", "s1")));
    }
}
