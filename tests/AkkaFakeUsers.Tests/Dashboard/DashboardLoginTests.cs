using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Tests.Support;

namespace AkkaFakeUsers.Tests.Dashboard;

/// <summary>With a token (required off loopback) the dashboard asks for it before it shows or changes anything.</summary>
[Collection("end-to-end")]
public sealed class DashboardLoginTests
{
    [Fact]
    public async Task A_node_with_a_token_serves_nothing_before_login_delays_wrong_tokens_and_lets_the_right_one_in()
    {
        using var dir = new TempDir();
        using var stop = new CancellationTokenSource();
        var log = new StringWriter();
        const string token = "a-dashboard-token-of-32-characters";
        var run = AfuApp.RunAsync(["run", "--users", "3", "--data-dir", dir.Path, "--llm", "builtin"], log, log, stop.Token,
            TestEnv.Isolated(("AFU_INSPECTION_TOKEN", token)));
        try
        {
            var url = "";
            for (var i = 0; i < 300 && url.Length == 0; i++, await Task.Delay(100)) url = Regex.Match(log.ToString(), @"dashboard at (http://\S+)").Groups[1].Value;
            var cookies = new CookieContainer();
            using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(url) };

            var page = await http.GetAsync("/");
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/login", page.Headers.Location!.ToString());
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("api/overview")).StatusCode);
            Assert.Contains("inspection token", await http.GetStringAsync("login"));

            var sw = Stopwatch.StartNew();
            var wrong = await http.PostAsync("login", new FormUrlEncodedContent([new("token", "not-the-token")]));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(900), $"a wrong token was answered after {sw.Elapsed}");
            Assert.Contains("wrong token", await wrong.Content.ReadAsStringAsync());
            // a login posted from another site is refused
            var cross = new HttpRequestMessage(HttpMethod.Post, "login") { Content = new FormUrlEncodedContent([new("token", token)]) };
            cross.Headers.Add("Origin", "http://evil.example");
            Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(cross)).StatusCode);

            var right = await http.PostAsync("login", new FormUrlEncodedContent([new("token", token)]));
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
            var cookie = right.Headers.GetValues("Set-Cookie").Single();
            Assert.Contains("httponly", cookie.ToLowerInvariant());
            Assert.Contains("samesite=strict", cookie.ToLowerInvariant());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/overview")).StatusCode);
            // the session does not replace the CSRF token for changes
            Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync("api/pause", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run);
        }
    }
}
