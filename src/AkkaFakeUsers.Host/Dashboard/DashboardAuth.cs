using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using AkkaFakeUsers.Inspection;
using AkkaFakeUsers.Simulation;
using Microsoft.AspNetCore.Http;

namespace AkkaFakeUsers.Host.Dashboard;

/// <summary>
/// The dashboard's login whenever the node has an inspection token (always when bound off loopback): the token,
/// checked by the same <see cref="TokenGuard"/> rules as the inspection port (constant-time digest compare, 10 wrong
/// tokens from one address within a minute lock it out for a minute), buys a random session id in an HttpOnly,
/// SameSite=Strict cookie valid for 12 hours. A wrong token is answered after 1 s. Without a token (loopback only) no
/// login is asked.
/// </summary>
public sealed class DashboardAuth(AfuSettings settings)
{
    public const string Cookie = "afu_session";
    private static readonly TimeSpan SessionLife = TimeSpan.FromHours(12);
    private readonly TokenGuard _token = new(settings.Inspection.Token, InspectionLimits.Default.LockoutAfter, InspectionLimits.Default.Lockout);
    private readonly ConcurrentDictionary<string, DateTime> _sessions = new();

    /// <summary>Whenever a token is set, as on the inspection port (the settings insist on one off loopback).</summary>
    public bool Required => _token.Required;

    public bool Allows(HttpContext http)
    {
        if (!Required) return true;
        return http.Request.Cookies.TryGetValue(Cookie, out var id) && id is not null && _sessions.TryGetValue(id, out var until) && until > DateTime.UtcNow;
    }

    /// <returns>A new session id, or null for a wrong token (after the delay) or a locked-out address.</returns>
    public async Task<string?> LoginAsync(string token, IPAddress from, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        if (_token.LockedUntil(from, now) is not null) return null;
        if (token.Length > 0 && _token.Matches(token))
        {
            var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
            _sessions[id] = now + SessionLife;
            foreach (var (k, v) in _sessions) if (v < now) _sessions.TryRemove(k, out _);
            return id;
        }
        _token.RecordFailure(from, now);
        await Task.Delay(InspectionLimits.Default.WrongTokenDelay, ct);
        return null;
    }
}
