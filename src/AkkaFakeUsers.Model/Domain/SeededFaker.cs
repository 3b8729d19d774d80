using Bogus;

namespace AkkaFakeUsers.Domain;

/// <summary>
/// A Bogus <see cref="Faker"/> per thread, reseeded for each use. Building a Faker constructs every Bogus data set
/// (about 1.5 ms: it was most of the CPU of creating 100k users); reseeding one gives the same values as a new
/// Faker with that seed. Use it synchronously: take it, draw from it, let it go before any await.
/// </summary>
public static class SeededFaker
{
    [ThreadStatic] private static Faker? _faker;

    public static Faker For(int seed)
    {
        var f = _faker ??= new Faker("en");
        f.Random = new Randomizer(seed);
        return f;
    }
}
