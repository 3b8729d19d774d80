using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace AkkaFakeUsers.Inspection;

/// <summary>
/// The node's token and who keeps getting it wrong, for every door that asks for it (the inspection port, the
/// dashboard's login): a candidate is compared as SHA-256 digests in constant time (neither its content nor its
/// length leaks), and an address that gave <c>lockoutAfter</c> wrong tokens within <c>lockout</c> is locked out for
/// <c>lockout</c>.
/// </summary>
public sealed class TokenGuard(string token, int lockoutAfter, TimeSpan lockout)
{
    private readonly byte[] _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    private readonly ConcurrentDictionary<IPAddress, Failures> _failures = new();

    /// <summary>Whether a token is set at all (no token: nothing is asked).</summary>
    public bool Required { get; } = token.Length > 0;

    public int LockoutAfter => lockoutAfter;

    public TimeSpan Lockout => lockout;

    public bool Matches(string candidate) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(candidate)), _tokenHash);

    /// <returns>Until when the address is locked out, or null.</returns>
    public DateTime? LockedUntil(IPAddress address, DateTime now) =>
        _failures.TryGetValue(address, out var f) ? f.LockedUntil(now) : null;

    /// <summary>Counts a wrong token from the address.</summary>
    /// <returns>true when this failure locked the address out.</returns>
    public bool RecordFailure(IPAddress address, DateTime now) =>
        _failures.GetOrAdd(address, _ => new Failures()).Add(now, lockoutAfter, lockout);

    /// <summary>Wrong tokens from one address within the lock-out window.</summary>
    private sealed class Failures
    {
        private readonly Queue<DateTime> _times = new();
        private DateTime _lockedUntil = DateTime.MinValue;

        public DateTime? LockedUntil(DateTime now)
        {
            lock (_times) return _lockedUntil > now ? _lockedUntil : null;
        }

        public bool Add(DateTime now, int limit, TimeSpan window)
        {
            lock (_times)
            {
                _times.Enqueue(now);
                while (_times.Count > 0 && _times.Peek() < now - window) _times.Dequeue();
                if (_times.Count < limit || _lockedUntil > now) return false;
                _lockedUntil = now + window;
                _times.Clear();
                return true;
            }
        }
    }
}
