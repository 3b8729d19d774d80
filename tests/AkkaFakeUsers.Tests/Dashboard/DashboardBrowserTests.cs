using System.Net;
using System.Text.RegularExpressions;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Tests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Dashboard;

/// <summary>One running node (10 users, SQLite) and one headless Chromium for the dashboard tests of a class.</summary>
public sealed class DashboardNode : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private Task<int> _run = null!;
    public TempDir Dir { get; } = new();
    public StringWriter Log { get; } = new();
    public Uri Url { get; private set; } = null!;
    public ChromeDriver? Browser { get; private set; }
    public string DbPath => Path.Combine(Dir.Path, "afu.db");
    public static string Screenshots => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        _run = AfuApp.RunAsync(["run", "--users", "10", "--seed", "8", "--data-dir", Dir.Path, "--time-scale", "20", "--llm", "builtin"],
            Log, Log, _stop.Token, TestEnv.Isolated());
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && Regex.Match(Log.ToString(), @"dashboard at (http://\S+)") is not { Success: true }) await Task.Delay(100);
        Url = new Uri(Regex.Match(Log.ToString(), @"dashboard at (http://\S+)").Groups[1].Value);
        if (!File.Exists(ChromiumFactAttribute.Chromium)) return; // the tests skip (or fail under ./build.sh test)
        var options = new ChromeOptions { BinaryLocation = ChromiumFactAttribute.Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1700", "--disable-gpu");
        options.SetLoggingPreference(LogType.Browser, OpenQA.Selenium.LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromiumFactAttribute.Driver)!, Path.GetFileName(ChromiumFactAttribute.Driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        Browser = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        Directory.CreateDirectory(Screenshots);
    }

    public async Task DisposeAsync()
    {
        Browser?.Quit();
        Browser?.Dispose();
        await _stop.CancelAsync();
        await _run;
        Dir.Dispose();
    }
}

/// <summary>The web dashboard in a real headless Chromium (Debian's, driven by Selenium) against a running node.</summary>
[Collection("end-to-end")]
public sealed class DashboardBrowserTests(DashboardNode node, ITestOutputHelper output) : IClassFixture<DashboardNode>
{
    private ChromeDriver B => node.Browser ?? throw new InvalidOperationException("no browser");

    private WebDriverWait Wait(double seconds = 20)
    {
        // the page re-renders its lists every few seconds: an element found a moment ago may be replaced
        var wait = new WebDriverWait(B, TimeSpan.FromSeconds(seconds)) { PollingInterval = TimeSpan.FromMilliseconds(200) };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        return wait;
    }

    /// <summary>Reads values from the page in one script (atomic with respect to its re-rendering).</summary>
    private IReadOnlyList<string> Texts(string css) =>
        ((IReadOnlyCollection<object>)((IJavaScriptExecutor)B).ExecuteScript($"return [...document.querySelectorAll('{css}')].map(e => e.textContent)")!)
            .Select(o => o?.ToString() ?? "").ToList();

    private string? Attribute(string css, string name) =>
        ((IJavaScriptExecutor)B).ExecuteScript($"const e = document.querySelector('{css}'); return e ? e.getAttribute('{name}') : null")?.ToString();

    private long Number(string id) => long.TryParse(B.FindElement(By.Id(id)).Text.Replace(",", ""), out var n) ? n : -1;

    private long Sql(string sql)
    {
        using var db = new Db(node.DbPath);
        return db.Scalar(sql);
    }

    private void Screenshot(string name)
    {
        var path = Path.Combine(DashboardNode.Screenshots, name + ".png");
        B.GetScreenshot().SaveAsFile(path);
        output.WriteLine($"screenshot: {path}");
    }

    /// <summary>
    /// Console messages at SEVERE (errors, failed loads, CSP violations) since the last call, but for the refusals a test
    /// asked for on purpose (the browser reports every 4xx answer to a fetch as a failed load).
    /// </summary>
    private List<string> ConsoleErrors(params string[] expectedRefusals) =>
        B.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= OpenQA.Selenium.LogLevel.Severe).Select(e => e.Message)
            .Where(m => !expectedRefusals.Any(r => Regex.IsMatch(m, $@"/api/{r} - Failed to load resource: the server responded with a status of 4\d\d"))).ToList();

    private void Open(string hash = "")
    {
        B.Navigate().GoToUrl(new Uri(node.Url, "/" + hash));
        // textContent, not Text: on the user page the overview's figures are hidden (Selenium's Text is what is visible)
        Wait().Until(d => long.TryParse(((IJavaScriptExecutor)d).ExecuteScript("return document.getElementById('posts-total').textContent")?.ToString()?.Replace(",", ""), out _));
    }

    private string Message() => Wait().Until(d => d.FindElement(By.Id("message")).Text is { Length: > 1 } t && t != "…" ? t : null)!;

    private void Click(string id)
    {
        ((IJavaScriptExecutor)B).ExecuteScript("document.getElementById('message').textContent = ''");
        B.FindElement(By.Id(id)).Click();
    }

    [ChromiumFact]
    public void The_page_loads_without_console_errors_and_its_counts_and_rates_move_while_the_simulation_runs()
    {
        Open();
        var posts = Number("posts-total");
        var views = Number("views-total");
        Wait(30).Until(_ => Number("posts-total") > posts && Number("views-total") > views);
        Wait(30).Until(d => double.TryParse(d.FindElement(By.Id("posts-rate")).Text, out var r) && r > 0);
        // the LLM panel, the interest balance (from the users table) and the node list are filled
        Assert.Matches(@"^builtin", B.FindElement(By.Id("llm-primary")).Text);
        Assert.Matches(@"^\d+(\.\d)?$", B.FindElement(By.Id("llm-p95")).Text);
        Assert.Equal("closed", B.FindElement(By.Id("breaker")).Text);
        Assert.Equal(5, B.FindElements(By.CssSelector("#interest-balance .bar")).Count);
        // users per listed interest, as the users table holds them (the page's figure is at most 10 s old)
        long Listed() => Texts("#interest-balance .bar .count").Sum(c => long.Parse(c.Replace(",", "")));
        const string perInterest = "SELECT COUNT(*) FROM users u, json_each('[\"' || replace(u.interests, ',', '\",\"') || '\"]')";
        Wait(30).Until(_ => Listed() == Sql(perInterest));
        // the clock: the configured scale (with the effective one and what holds it when behind) and the simulated time covered
        Assert.Matches(@"^x20( \(effective (x[\d.,]+|\?)(, held by .+)?\))?$", B.FindElement(By.Id("clock-scale")).Text);
        Assert.Matches(@"^\d\d:\d\d:\d\d simulated · now \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", B.FindElement(By.Id("clock-detail")).Text);
        Assert.Contains("(this node)", B.FindElement(By.Id("nodes")).Text);
        Assert.Contains("Up", B.FindElement(By.Id("nodes")).Text);
        // newest posts with their comment threads, as in the tables
        Wait(30).Until(d => d.FindElements(By.CssSelector("#posts-list > li.post")).Count > 0);
        var id = Attribute("#posts-list > li.post", "data-id");
        Assert.Equal(1, Sql($"SELECT COUNT(*) FROM posts WHERE id = '{id}'"));
        Wait(45).Until(d => d.FindElements(By.CssSelector("#posts-list li.comment")).Count > 0 || Sql("SELECT COUNT(*) FROM user_interactions WHERE type = 'comment' AND post_id IN (SELECT id FROM posts ORDER BY created_at DESC LIMIT 20)") == 0);
        Screenshot("dashboard-overview");
        var errors = ConsoleErrors();
        Assert.True(errors.Count == 0, "console errors:\n" + string.Join("\n", errors));
    }

    [ChromiumFact]
    public void Pause_stops_posting_in_the_tables_post_now_still_works_and_resume_restarts_it()
    {
        Open();
        Click("btn-pause");
        Assert.StartsWith("paused:", Message());
        Wait().Until(d => d.FindElement(By.Id("state")).Text == "paused");
        Thread.Sleep(2000); // what was in flight lands
        var before = Sql("SELECT COUNT(*) FROM posts");
        Thread.Sleep(4000);
        Assert.Equal(before, Sql("SELECT COUNT(*) FROM posts"));

        // the manual trigger: one user posts now, while everyone else stays paused
        var user = new Db(node.DbPath).Strings("SELECT username FROM users ORDER BY id LIMIT 1")[0];
        var userId = new Db(node.DbPath).Strings($"SELECT id FROM users WHERE username = '{user}'")[0];
        var his = Sql($"SELECT COUNT(*) FROM posts WHERE author_id = '{userId}'");
        B.FindElement(By.Id("post-input")).Clear();
        B.FindElement(By.Id("post-input")).SendKeys(user);
        Click("btn-post");
        Assert.Contains("is writing a post now", Message());
        Wait().Until(_ => Sql($"SELECT COUNT(*) FROM posts WHERE author_id = '{userId}'") == his + 1);
        Assert.Equal(before + 1, Sql("SELECT COUNT(*) FROM posts"));
        Screenshot("dashboard-paused");

        // a name nobody has: an error, shown, nothing written
        B.FindElement(By.Id("post-input")).Clear();
        B.FindElement(By.Id("post-input")).SendKeys("nobody_here_1");
        Click("btn-post");
        Assert.Contains("no user named 'nobody_here_1'", Message());

        Click("btn-resume");
        Assert.StartsWith("resumed:", Message());
        Wait(30).Until(_ => Sql("SELECT COUNT(*) FROM posts") > before + 1);
        Wait().Until(d => d.FindElement(By.Id("state")).Text == "running");
        var errors = ConsoleErrors("post");
        Assert.True(errors.Count == 0, "console errors:\n" + string.Join("\n", errors));
    }

    [ChromiumFact]
    public void Scale_grows_the_population_and_the_new_users_appear_in_the_tables()
    {
        Open();
        var input = B.FindElement(By.Id("scale-input"));
        input.Clear();
        input.SendKeys("14");
        Click("btn-scale");
        Assert.StartsWith("population 10 -> 14", Message());
        Wait(30).Until(_ => Sql("SELECT COUNT(*) FROM users") == 14);
        Wait().Until(d => d.FindElement(By.Id("population")).Text == "14");
        input = B.FindElement(By.Id("scale-input"));
        input.Clear();
        input.SendKeys("-3");
        Click("btn-scale");
        Assert.Contains("count must be a whole number", Message());
        Assert.Equal(14, Sql("SELECT COUNT(*) FROM users"));
        var errors = ConsoleErrors("scale");
        Assert.True(errors.Count == 0, "console errors:\n" + string.Join("\n", errors));
    }

    [ChromiumFact]
    public void A_users_page_shows_profile_interests_posts_and_reactions()
    {
        Wait(30).Until(_ => Sql("SELECT COUNT(*) FROM user_interactions WHERE user_id = 'user-2'") > 0 && Sql("SELECT COUNT(*) FROM posts WHERE author_id = 'user-2'") > 0);
        var username = new Db(node.DbPath).Strings("SELECT username FROM users WHERE id = 'user-2'")[0];
        var interests = new Db(node.DbPath).Strings("SELECT interests FROM users WHERE id = 'user-2'")[0];
        Open("#/user/" + username);
        try
        {
            Wait().Until(d => d.FindElement(By.Id("user-name")).Text.StartsWith(username + " (user-2)"));
        }
        catch (WebDriverTimeoutException)
        {
            Screenshot("dashboard-user-failed");
            output.WriteLine($"url {B.Url}; user-name '{B.FindElement(By.Id("user-name")).Text}'; bio '{B.FindElement(By.Id("user-bio")).Text}'; console: {string.Join(" | ", ConsoleErrors())}");
            throw;
        }
        Assert.False(B.FindElement(By.Id("overview-page")).Displayed);
        Assert.Contains("FAKE_USER|interests:" + interests, B.FindElement(By.Id("user-bio")).Text);
        var profile = B.FindElement(By.CssSelector("#user-profile td[data-key='interests']")).Text;
        foreach (var i in interests.Split(',')) Assert.Contains(i, profile);
        Wait().Until(d => d.FindElements(By.CssSelector("#user-posts > li.post")).Count > 0 && d.FindElements(By.CssSelector("#user-reactions > li")).Count > 0);
        Assert.All(B.FindElements(By.CssSelector("#user-posts > li.post")), p => Assert.Equal(1, Sql($"SELECT COUNT(*) FROM posts WHERE author_id = 'user-2' AND id = '{p.GetAttribute("data-id")}'")));
        Screenshot("dashboard-user");
        // a post's author link from the overview leads to the same kind of page
        Open();
        Wait(30).Until(d => d.FindElements(By.CssSelector("#posts-list .post-head a")).Count > 0);
        B.FindElement(By.CssSelector("#posts-list .post-head a")).Click();
        Wait().Until(d => d.FindElement(By.Id("user-page")).Displayed && d.FindElement(By.Id("user-name")).Text.Contains("(user-"));
        var errors = ConsoleErrors();
        Assert.True(errors.Count == 0, "console errors:\n" + string.Join("\n", errors));
    }

    [ChromiumFact]
    public async Task A_post_without_the_pages_csrf_token_or_from_another_site_is_refused_and_changes_nothing()
    {
        using var http = new HttpClient { BaseAddress = node.Url };
        var noToken = await http.PostAsync("api/pause", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        // the token as the page carries it, but sent from another site (as a hostile page's fetch would be marked)
        Open();
        var csrf = B.FindElement(By.CssSelector("meta[name='afu-csrf']")).GetAttribute("content");
        var cross = new HttpRequestMessage(HttpMethod.Post, "api/pause") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        cross.Headers.Add("X-AFU-CSRF", csrf);
        cross.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(cross)).StatusCode);
        Assert.Equal("running", B.FindElement(By.Id("state")).Text);
        // bad bodies get 400 with a reason, never a crash
        var bad = new HttpRequestMessage(HttpMethod.Post, "api/scale") { Content = new StringContent("{\"count\": \"lots\"}", System.Text.Encoding.UTF8, "application/json") };
        bad.Headers.Add("X-AFU-CSRF", csrf);
        var badAnswer = await http.SendAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, badAnswer.StatusCode);
        Assert.Contains("count must be a whole number", await badAnswer.Content.ReadAsStringAsync());
        var garbage = new HttpRequestMessage(HttpMethod.Post, "api/post") { Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json") };
        garbage.Headers.Add("X-AFU-CSRF", csrf);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(garbage)).StatusCode);
        var hostile = await http.GetAsync("api/user?name=" + Uri.EscapeDataString("x' OR 1=1 --"));
        Assert.Equal(HttpStatusCode.BadRequest, hostile.StatusCode);
        Assert.Equal("nosniff", (await http.GetAsync("/")).Headers.GetValues("X-Content-Type-Options").Single());
    }
}
