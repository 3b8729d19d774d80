using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AkkaFakeUsers.Simulation;
using Microsoft.AspNetCore.Http;

namespace AkkaFakeUsers.Host.Dashboard;

/// <summary>
/// The dashboard's login whenever the node has an inspection token (always when bound off loopback): the token (compared as SHA-256 digests in constant
/// time) buys a random session id in an HttpOnly, SameSite=Strict cookie valid for 12 hours. A wrong token is answered
/// after 1 s; 10 wrong tokens from one address within a minute lock it out for a minute. Without a token (loopback
/// only) no login is asked.
/// </summary>
public sealed class DashboardAuth(AfuSettings settings)
{
    public const string Cookie = "afu_session";
    private static readonly TimeSpan SessionLife = TimeSpan.FromHours(12);
    private readonly byte[] _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(settings.Inspection.Token));
    private readonly ConcurrentDictionary<string, DateTime> _sessions = new();
    private readonly ConcurrentDictionary<IPAddress, (int Count, DateTime Since, DateTime LockedUntil)> _failures = new();

    /// <summary>Whenever a token is set, as on the inspection port (the settings insist on one off loopback).</summary>
    public bool Required { get; } = settings.Inspection.Token.Length > 0;

    public bool Allows(HttpContext http)
    {
        if (!Required) return true;
        return http.Request.Cookies.TryGetValue(Cookie, out var id) && id is not null && _sessions.TryGetValue(id, out var until) && until > DateTime.UtcNow;
    }

    /// <returns>A new session id, or null for a wrong token (after the delay) or a locked-out address.</returns>
    public async Task<string?> LoginAsync(string token, IPAddress from, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        if (_failures.TryGetValue(from, out var f) && f.LockedUntil > now) return null;
        if (token.Length > 0 && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), _tokenHash))
        {
            var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
            _sessions[id] = now + SessionLife;
            foreach (var (k, v) in _sessions) if (v < now) _sessions.TryRemove(k, out _);
            return id;
        }
        _failures.AddOrUpdate(from, _ => (1, now, DateTime.MinValue), (_, old) =>
        {
            var (count, since) = now - old.Since > TimeSpan.FromMinutes(1) ? (1, now) : (old.Count + 1, old.Since);
            return (count, since, count >= 10 ? now + TimeSpan.FromMinutes(1) : old.LockedUntil);
        });
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        return null;
    }
}
