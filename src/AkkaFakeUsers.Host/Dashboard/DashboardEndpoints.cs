using System.Net;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Inspection;
using AkkaFakeUsers.Hosting;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Observability;
using AkkaFakeUsers.Simulation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AkkaFakeUsers.Host.Dashboard;

/// <summary>
/// The web dashboard: a page and its script and style, served from the binary (no asset from the internet), and a JSON
/// API that reads and steers through <see cref="SimulationOperations"/> and the same actors as the inspection port.
/// Off loopback it asks for the inspection token (<see cref="DashboardAuth"/>); every change (POST) must carry the
/// page's CSRF token in a header, which a page of another origin cannot send.
/// </summary>
public static class DashboardEndpoints
{
    public const string CsrfHeader = "X-AFU-CSRF";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(WebApplication app, AfuSettings settings, SimulationOperations ops, InspectionContext ctx, NodeMetrics metrics)
    {
        var log = Logging.GetLogger(ctx.System, "dashboard");
        var auth = new DashboardAuth(settings);
        var csrf = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        var assets = new DashboardAssets();

        app.Use(async (http, next) =>
        {
            var h = http.Response.Headers;
            h["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
            h["X-Content-Type-Options"] = "nosniff";
            h["X-Frame-Options"] = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            h["Cache-Control"] = "no-store";
            await next(http);
        });

        app.MapGet("/login", (HttpContext http) => auth.Required ? Results.Content(assets.Login(null), "text/html; charset=utf-8") : Results.Redirect("/"));
        app.MapPost("/login", async (HttpContext http) =>
        {
            if (!SameOrigin(http)) return Results.StatusCode(403);
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync() : null;
            var session = await auth.LoginAsync(form?["token"].ToString() ?? "", http.Connection.RemoteIpAddress ?? IPAddress.None, http.RequestAborted);
            if (session is null) return Results.Content(assets.Login("wrong token"), "text/html; charset=utf-8", statusCode: 401);
            http.Response.Cookies.Append(DashboardAuth.Cookie, session, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true });
            return Results.Redirect("/");
        });

        app.MapGet("/", (HttpContext http) => auth.Allows(http) ? Results.Content(assets.Index(csrf), "text/html; charset=utf-8") : Results.Redirect("/login"));
        app.MapGet("/static/{file}", (string file) => assets.Static(file) is { } a ? Results.Bytes(a.Bytes, a.ContentType) : Results.NotFound());
        app.MapGet("/favicon.ico", () => Results.Bytes(assets.Static("favicon.svg")!.Value.Bytes, "image/svg+xml"));

        var api = app.MapGroup("/api");
        api.AddEndpointFilter(async (fc, next) =>
        {
            var http = fc.HttpContext;
            if (!auth.Allows(http)) return Results.Json(new { error = "log in first (/login)" }, statusCode: 401);
            if (HttpMethods.IsPost(http.Request.Method) && (!CsrfOk(http, csrf) || !SameOrigin(http)))
                return Results.Json(new { error = $"missing or wrong {CsrfHeader} header, or a request from another site" }, statusCode: 403);
            try
            {
                return await next(fc);
            }
            catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException or OperationCanceledException)
            {
                return Results.Json(new { error = $"the node did not answer in time: {ex.Message}" }, statusCode: 503);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return Results.Json(new { error = $"{ex.GetType().Name}: {ex.Message}" }, statusCode: 500);
            }
        });

        api.MapGet("/overview", async (CancellationToken ct) =>
        {
            var status = ops.StatusAsync(ct);
            // as for /metrics: an actor that does not answer leaves its panel empty, counted and logged
            var llm = ctx.Registry.TryAskAsync<LlmGatewayActor, LlmStatus>(GetLlmStatus.Instance, AskTimeout, metrics, m => log.Warning("dashboard: {0}", m));
            var feed = ctx.Registry.TryAskAsync<FeedActor, FeedStatus>(GetFeedStatus.Instance, AskTimeout, metrics, m => log.Warning("dashboard: {0}", m));
            var interests = ops.InterestBalanceAsync(ct);
            var cluster = Cluster.Get(ctx.System);
            var state = cluster.State;
            var l = await llm;
            var f = await feed;
            return Results.Json(new
            {
                status = await status,
                llm = l is null ? null : new
                {
                    l.Primary, l.Model, l.Requests, l.Successes, l.Failures, l.SuccessRate, l.Fallbacks, l.FallbacksByReason, l.Breaker, l.QueueDepth, l.InFlight,
                    l.LatencyP50Ms, l.LatencyP95Ms, l.LatencyP99Ms,
                },
                feed = f is null ? null : new { f.Pool, f.Slates, f.Impressions, f.SlatesByPolicy, f.Policy },
                interests = await interests,
                cluster = new
                {
                    self = cluster.SelfAddress.ToString(),
                    leader = state.Leader?.ToString(),
                    members = state.Members.OrderBy(m => m.Address.ToString()).Select(m => new { address = m.Address.ToString(), status = m.Status.ToString(), roles = m.Roles.ToArray() }),
                    unreachable = state.Unreachable.Select(m => m.Address.ToString()),
                },
            }, Json);
        });

        api.MapGet("/posts", async (int? limit, CancellationToken ct) =>
            Results.Json(await ops.NewestPostsAsync(Math.Clamp(limit ?? 20, 1, 100), 20, ct), Json));

        api.MapGet("/users", async (string? interest, int? top, CancellationToken ct) =>
        {
            if (interest is { Length: > 0 } && !InterestCatalog.TryGet(interest, out _))
                return Results.Json(new { error = $"unknown interest '{interest}'; allowed: {string.Join(", ", InterestCatalog.Names)}" }, statusCode: 400);
            return Results.Json(await ops.UsersAsync(interest is { Length: > 0 } ? interest : null, Math.Clamp(top ?? 20, 1, 200), ct), Json);
        });

        api.MapGet("/user", async (string? name, CancellationToken ct) =>
        {
            if (!ValidName(name)) return Results.Json(new { error = "name must be a username or id (letters, digits, _ and -, at most 64)" }, statusCode: 400);
            var u = await ops.UserAsync(name!, 20, 50, ct);
            if (u is null) return Results.Json(new { error = $"no user named '{name}'" }, statusCode: 404);
            var p = u.State?.Profile;
            return Results.Json(new
            {
                u.Id, u.InPopulation, u.Target,
                profile = p is null ? null : new
                {
                    p.Username, p.DisplayName, p.Bio, interests = p.Interests.Select(i => new { i.Interest, i.Weight, subtopics = i.FavoriteSubtopics }),
                    persona = new { p.Persona.Tone, p.Persona.EmojiRate, p.Persona.HashtagRate }, p.ActivityFactor,
                },
                counters = u.State?.Counters,
                paused = u.State?.Paused,
                u.Posts, u.Reactions,
            }, Json);
        });

        api.MapPost("/pause", async (CancellationToken ct) => Outcome(await ops.PauseAsync(true, ct)));
        api.MapPost("/resume", async (CancellationToken ct) => Outcome(await ops.PauseAsync(false, ct)));
        api.MapPost("/scale", async (HttpContext http, CancellationToken ct) =>
        {
            var body = await Body(http, ct);
            if (body is null || !body.Value.TryGetProperty("count", out var c) || c.ValueKind != JsonValueKind.Number || !c.TryGetInt32(out var n) || n < 0 || n > SimulationOperations.MaxPopulation)
                return Results.Json(new { ok = false, message = $"count must be a whole number from 0 to {SimulationOperations.MaxPopulation}" }, statusCode: 400);
            return Outcome(await ops.ScaleAsync(n, ct));
        });
        api.MapPost("/post", async (HttpContext http, CancellationToken ct) =>
        {
            var body = await Body(http, ct);
            var name = body is { } b && b.TryGetProperty("name", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (!ValidName(name)) return Results.Json(new { ok = false, message = "name must be a username or id (letters, digits, _ and -, at most 64)" }, statusCode: 400);
            return Outcome(await ops.PostNowAsync(name!, ct));
        });
    }

    private static IResult Outcome(OperationResult r) => Results.Json(new { ok = r.Ok, message = r.Message }, Json, statusCode: r.Ok ? 200 : 409);

    private static bool ValidName(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-');

    /// <summary>A small JSON object body, or null when absent or not JSON (the caller answers 400).</summary>
    private static async Task<JsonElement?> Body(HttpContext http, CancellationToken ct)
    {
        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true) return null;
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, default, ct);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool CsrfOk(HttpContext http, string csrf) =>
        http.Request.Headers.TryGetValue(CsrfHeader, out var v) && v.Count == 1 &&
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(v.ToString()), System.Text.Encoding.ASCII.GetBytes(csrf));

    /// <summary>No request from another site: the browser's Sec-Fetch-Site, else Origin against Host.</summary>
    private static bool SameOrigin(HttpContext http)
    {
        var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site is "cross-site" or "same-site") return false;
        var origin = http.Request.Headers.Origin.ToString();
        return origin.Length == 0 || origin == "null" && site == "same-origin" ||
               Uri.TryCreate(origin, UriKind.Absolute, out var o) && string.Equals(o.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
