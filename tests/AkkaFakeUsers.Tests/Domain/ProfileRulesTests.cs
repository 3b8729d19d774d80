using System.Text.RegularExpressions;
using AkkaFakeUsers.Domain;

namespace AkkaFakeUsers.Tests.Domain;

public class ProfileRulesTests
{
    private static readonly Regex UsernameShape = new(@"^(sports|tech|anime|cars|food)_[a-z]+_\d+$");

    [Fact]
    public void Usernames_follow_the_seed_style_and_are_unique()
    {
        var profiles = Enumerable.Range(1, 2000).Select(i => ProfileRules.Create(7, i, InterestMix.Default)).ToList();
        Assert.All(profiles, p => Assert.Matches(UsernameShape, p.Username));
        Assert.Equal(profiles.Count, profiles.Select(p => p.Username).Distinct().Count());
        Assert.All(profiles, p => Assert.StartsWith(p.PrimaryInterest + "_", p.Username));
    }

    [Fact]
    public void Users_have_one_to_three_distinct_weighted_interests_from_the_catalog()
    {
        var profiles = Enumerable.Range(1, 1000).Select(i => ProfileRules.Create(3, i, InterestMix.Default)).ToList();
        foreach (var p in profiles)
        {
            Assert.InRange(p.Interests.Count, 1, 3);
            Assert.Equal(p.Interests.Count, p.Interests.Select(i => i.Interest).Distinct().Count());
            Assert.All(p.Interests, i => Assert.Contains(i.Interest, InterestCatalog.Names));
            Assert.InRange(p.Interests.Sum(i => i.Weight), 0.99, 1.01);
            Assert.Equal(p.Interests.Max(i => i.Weight), p.Interests[0].Weight);
            Assert.All(p.Interests, i => Assert.All(i.FavoriteSubtopics, s => Assert.Contains(s, InterestCatalog.Get(i.Interest).Subtopics)));
        }
        // The configured mix P(1)=0.4, P(2)=0.4, P(3)=0.2 shows in the population.
        var three = profiles.Count(p => p.Interests.Count == 3) / 1000.0;
        var one = profiles.Count(p => p.Interests.Count == 1) / 1000.0;
        Assert.InRange(three, 0.15, 0.25);
        Assert.InRange(one, 0.35, 0.45);
        // Every interest is somebody's.
        Assert.Equal(5, profiles.SelectMany(p => p.InterestNames).Distinct().Count());
    }

    [Fact]
    public void Bio_carries_the_marker_and_interests_in_weight_order()
    {
        var p = ProfileRules.Create(11, 42, InterestMix.Default);
        Assert.Equal("FAKE_USER|interests:" + string.Join(",", p.Interests.Select(i => i.Interest)), p.Bio);
        Assert.Equal("FAKE_USER|interests:sports,tech", ProfileRules.Bio(["sports", "tech"]));
    }

    [Fact]
    public void Profiles_are_reproducible_from_the_seed_and_differ_across_seeds()
    {
        var a = ProfileRules.Create(99, 5, InterestMix.Default);
        var b = ProfileRules.Create(99, 5, InterestMix.Default);
        Assert.Equal(a.Username, b.Username);
        Assert.Equal(a.Interests.Select(i => (i.Interest, i.Weight)), b.Interests.Select(i => (i.Interest, i.Weight)));
        var differing = Enumerable.Range(1, 50).Count(i =>
            ProfileRules.Create(1, i, InterestMix.Default).Bio != ProfileRules.Create(2, i, InterestMix.Default).Bio);
        Assert.True(differing > 10, $"only {differing} of 50 profiles differ between seeds");
    }

    [Fact]
    public void Only_enabled_interests_are_used()
    {
        var mix = new InterestMix(["food", "cars"], new Dictionary<string, double>(), [0.2, 0.8]);
        var profiles = Enumerable.Range(1, 200).Select(i => ProfileRules.Create(5, i, mix));
        Assert.All(profiles, p => Assert.All(p.InterestNames, n => Assert.Contains(n, new[] { "food", "cars" })));
    }

    [Fact]
    public void User_ids_round_trip_to_their_index()
    {
        Assert.Equal("user-17", ProfileRules.UserId(17));
        Assert.True(ProfileRules.TryParseIndex("user-17", out var i));
        Assert.Equal(17, i);
        Assert.False(ProfileRules.TryParseIndex("user-x", out _));
        Assert.False(ProfileRules.TryParseIndex("admin-3", out _));
    }
}
