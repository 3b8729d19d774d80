using System.Text.Json.Serialization;
using Bogus;

namespace AkkaFakeUsers.Domain;

/// <summary>How much a user cares about one interest (weights of a user sum to 1) and which of its subtopics they favour.</summary>
public sealed record InterestWeight(string Interest, double Weight, IReadOnlyList<string> FavoriteSubtopics);

/// <summary>Writing style: tone, how often the user adds emoji and hashtags.</summary>
public sealed record Persona(string Tone, double EmojiRate, double HashtagRate);

public sealed record UserProfile(
    string UserId,
    int Index,
    string Username,
    string DisplayName,
    IReadOnlyList<InterestWeight> Interests,
    Persona Persona,
    double ActivityFactor)
    // ActivityFactor: posting rate relative to the population mean (heavy-tailed, see Activity.RateFactor).
{
    [JsonIgnore] public string Bio => ProfileRules.Bio(Interests.Select(i => i.Interest));
    [JsonIgnore] public string PrimaryInterest => Interests[0].Interest;
    [JsonIgnore] public IEnumerable<string> InterestNames => Interests.Select(i => i.Interest);
}

/// <summary>Pure rules that make a user's profile: id, Bogus-made username, 1-3 weighted interests, bio marker, persona.</summary>
public static class ProfileRules
{
    public const string BioMarker = "FAKE_USER";
    public static readonly string[] Tones = ["casual", "enthusiastic", "analytical", "snarky", "wholesome"];

    public static string UserId(int index) => $"user-{index}";

    public static bool TryParseIndex(string userId, out int index)
    {
        index = 0;
        return userId.StartsWith("user-", StringComparison.Ordinal) && int.TryParse(userId.AsSpan(5), out index) && index > 0;
    }

    /// <summary><c>FAKE_USER|interests:sports,tech</c> (interests by descending weight).</summary>
    public static string Bio(IEnumerable<string> interests) => $"{BioMarker}|interests:{string.Join(",", interests)}";

    /// <summary>
    /// Makes the profile of user number <paramref name="index"/> deterministically from the seed.
    /// The username is <c>{primary interest}_{word}_{index}</c> (e.g. <c>sports_fan_123</c>): unique by construction.
    /// </summary>
    public static UserProfile Create(long seed, int index, InterestMix mix, ActivitySettings? activity = null)
    {
        if (index <= 0) throw new ArgumentOutOfRangeException(nameof(index), "user index starts at 1");
        var rng = DeterministicRandom.For(seed, "profile", index.ToString());
        var faker = SeededFaker.For(rng.Next());

        var count = PickCount(rng, mix.InterestsPerUser);
        var chosen = PickWeightedDistinct(rng, mix.Enabled, mix.Weights, count);

        // Dirichlet-like weights, sorted so the primary interest comes first.
        var raw = chosen.Select(_ => -Math.Log(1 - rng.NextDouble())).ToArray();
        var total = raw.Sum();
        var interests = chosen
            .Select((name, i) => (name, w: raw[i] / total))
            .OrderByDescending(x => x.w)
            .Select(x =>
            {
                var subs = InterestCatalog.Get(x.name).Subtopics;
                var favs = subs.OrderBy(_ => rng.Next()).Take(1 + rng.Next(2)).ToArray();
                return new InterestWeight(x.name, Math.Round(x.w, 4), favs);
            })
            .ToArray();

        var primary = InterestCatalog.Get(interests[0].Interest);
        var word = faker.PickRandom(primary.Nouns.ToArray());
        var username = $"{primary.Name}_{word}_{index}";
        var persona = new Persona(
            faker.PickRandom(Tones),
            Math.Round(rng.NextDouble() * 0.8, 2),
            Math.Round(rng.NextDouble() * 0.9, 2));
        var rate = Activity.RateFactor(activity ?? new ActivitySettings(), seed, index);
        return new UserProfile(UserId(index), index, username, faker.Name.FullName(), interests, persona, rate);
    }

    private static int PickCount(Random rng, IReadOnlyList<double> distribution)
    {
        var total = distribution.Sum();
        var x = rng.NextDouble() * total;
        for (var i = 0; i < distribution.Count; i++)
        {
            x -= distribution[i];
            if (x < 0) return i + 1;
        }
        return distribution.Count;
    }

    private static List<string> PickWeightedDistinct(Random rng, IReadOnlyList<string> names, IReadOnlyDictionary<string, double> weights, int count)
    {
        var pool = names.ToList();
        var picked = new List<string>();
        while (picked.Count < count && pool.Count > 0)
        {
            var total = pool.Sum(n => weights.GetValueOrDefault(n, 1.0));
            var x = rng.NextDouble() * total;
            var idx = 0;
            for (; idx < pool.Count - 1; idx++)
            {
                x -= weights.GetValueOrDefault(pool[idx], 1.0);
                if (x < 0) break;
            }
            picked.Add(pool[idx]);
            pool.RemoveAt(idx);
        }
        return picked;
    }
}

/// <summary>Which interests exist in this run, how popular each is, and how many interests a user has (P(1), P(2), P(3)).</summary>
public sealed record InterestMix(IReadOnlyList<string> Enabled, IReadOnlyDictionary<string, double> Weights, IReadOnlyList<double> InterestsPerUser)
{
    public static InterestMix Default { get; } = new(
        InterestCatalog.Names.ToArray(),
        InterestCatalog.Names.ToDictionary(n => n, _ => 1.0),
        [0.4, 0.4, 0.2]);
}
