namespace AkkaFakeUsers.Domain;

/// <summary>
/// Seeds for reproducible decisions. Every decision draws from a <see cref="Random"/> seeded by
/// (run seed, purpose, subject ids), so the outcome does not depend on message arrival order:
/// with a fixed <c>--seed</c> the same user reacts the same way to the same post in every run.
/// </summary>
public static class DeterministicRandom
{
    public static Random For(long seed, string purpose, string subject) => new(Seed(seed, purpose, subject));

    public static Random For(long seed, string purpose, string subject, long n) => new(Seed(seed, purpose, subject + "#" + n));

    /// <summary>FNV-1a 64 over the parts, folded to a non-negative int (stable across processes, unlike string.GetHashCode).</summary>
    public static int Seed(long seed, string purpose, string subject)
    {
        unchecked
        {
            ulong h = 14695981039346656037UL;
            void Mix(ulong v) { h ^= v; h *= 1099511628211UL; }
            Mix((ulong)seed);
            foreach (var c in purpose) Mix(c);
            Mix(0xFF);
            foreach (var c in subject) Mix(c);
            // final avalanche (splitmix64)
            h ^= h >> 30; h *= 0xbf58476d1ce4e5b9UL; h ^= h >> 27; h *= 0x94d049bb133111ebUL; h ^= h >> 31;
            return (int)(h & 0x7FFFFFFF);
        }
    }
}
