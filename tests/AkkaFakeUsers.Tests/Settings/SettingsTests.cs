using AkkaFakeUsers.Configuration;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Tests.Support;
using AkkaFakeUsers.Llm;

namespace AkkaFakeUsers.Tests.Settings;

public class SettingsTests
{
    private static readonly Dictionary<string, (string, string)> NoCli = new();

    private static AfuSettings Load(Dictionary<string, string>? env = null, string? file = null, Dictionary<string, (string, string)>? cli = null) =>
        SettingsLoader.Load(file, env ?? new Dictionary<string, string>(), cli ?? NoCli);

    private static string Error(Dictionary<string, string>? env = null, string? file = null, Dictionary<string, (string, string)>? cli = null)
    {
        var ex = Assert.Throws<SettingsException>(() => Load(env, file, cli));
        return string.Join("\n", ex.Errors);
    }

    [Fact]
    public void Defaults_match_the_documented_values()
    {
        var s = Load();
        Assert.Equal(5, s.UserCountMin);
        Assert.Equal(10, s.UserCountMax);
        Assert.Equal(TimeSpan.FromSeconds(60), s.PostInterval);
        Assert.Equal(0.7, s.Reactions.InteractionProbability);
        Assert.Equal("http://localhost:11434", s.Llm.OllamaHost);
        Assert.Equal("gemma3:270m", s.Llm.Model);
        Assert.Equal(StorageKind.Sqlite, s.Storage);
        Assert.Equal(LlmMode.Auto, s.Llm.Mode);
        Assert.Equal(1, s.Llm.MaxInFlight);
        Assert.Equal(9110, s.Inspection.Port);
        Assert.InRange(s.TargetUserCount, 5, 10);
    }

    [Theory]
    [InlineData("[popular, random]", "popular,random")]
    [InlineData("popular, random", "popular,random")]
    [InlineData("[]", "")]
    [InlineData("", "")]
    public void A_list_from_an_env_var_may_be_written_with_or_without_brackets(string value, string expected)
    {
        var s = Load(new Dictionary<string, string> { ["AFU__FEED__SHADOW_POLICIES"] = value });
        Assert.Equal(expected, string.Join(",", s.Feed.Shadows.Select(x => x.Name)));
    }

    [Fact]
    public void External_policies_are_read_per_name_with_defaults_and_every_mistake_is_named()
    {
        var file = Path.Combine(Path.GetTempPath(), $"afu-ext-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, """
            afu.feed.policies = "interest=0.5, external:ranker=0.5"
            afu.feed.external { ranker { url = "http://127.0.0.1:8000/score", timeout = 2s, fallback = popular, max-in-flight = 4 } }
            """);
        try
        {
            var ranker = Load(file: file).Feed.Externals!["ranker"];
            Assert.Equal(("http://127.0.0.1:8000/score", TimeSpan.FromSeconds(2), "popular", 4, 5, TimeSpan.FromSeconds(10)),
                (ranker.Url, ranker.Timeout, ranker.Fallback, ranker.MaxInFlight, ranker.BreakerFailures, ranker.BreakerReset));
            // from env alone, with the defaults
            var env = Load(new Dictionary<string, string> { ["AFU__FEED__POLICIES"] = "external:m", ["AFU__FEED__EXTERNAL__M__URL"] = "http://127.0.0.1:1/s" }).Feed.Externals!["m"];
            Assert.Equal((TimeSpan.FromMilliseconds(50), "interest", 32), (env.Timeout, env.Fallback, env.MaxInFlight));
            var errors = Error(new Dictionary<string, string>
            {
                ["AFU__FEED__POLICIES"] = "external:m, external:other", ["AFU__FEED__EXTERNAL__M__URL"] = "ftp://x", ["AFU__FEED__EXTERNAL__M__FALLBACK"] = "external:m",
                ["AFU__FEED__EXTERNAL__M__TIMEOUT"] = "soon", ["AFU__FEED__EXTERNAL__M__COLOUR"] = "red",
            });
            Assert.Contains("afu.feed.external.m.url", errors);
            Assert.Contains("afu.feed.external.m.fallback = 'external:m': must be a built-in policy", errors);
            Assert.Contains("afu.feed.external.m.timeout", errors);
            Assert.Contains("afu.feed.external.m.colour: unknown key", errors);
            Assert.Contains("external:other is named in afu.feed.policies or afu.feed.shadow-policies but afu.feed.external.other.url is not set", errors);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Seed_env_vars_override_the_file()
    {
        var s = Load(new Dictionary<string, string>
        {
            ["OLLAMA_HOST"] = "http://ollama:11434",
            ["OLLAMA_MODEL"] = "llama3.2:1b",
            ["FAKE_USER_COUNT_MIN"] = "20",
            ["FAKE_USER_COUNT_MAX"] = "30",
            ["POST_GENERATION_INTERVAL"] = "15",
            ["INTERACTION_PROBABILITY"] = "0.4",
            ["AFU_STORAGE"] = "postgres",
            ["AFU_POSTGRES"] = "Host=db;Database=afu;Username=u;Password=p",
            ["AFU_LLM_MAX_IN_FLIGHT"] = "3",
            ["AFU_SEED_NODES"] = "akka.tcp://afu@a:4053, akka.tcp://afu@b:4053",
            ["AFU__FEED__CANDIDATES"] = "12",
        });
        Assert.Equal("http://ollama:11434", s.Llm.OllamaHost);
        Assert.Equal("llama3.2:1b", s.Llm.Model);
        Assert.InRange(s.TargetUserCount, 20, 30);
        Assert.Equal(TimeSpan.FromSeconds(15), s.PostInterval);
        Assert.Equal(0.4, s.Reactions.InteractionProbability);
        Assert.Equal(StorageKind.Postgres, s.Storage);
        Assert.Equal(3, s.Llm.MaxInFlight);
        Assert.Equal(["akka.tcp://afu@a:4053", "akka.tcp://afu@b:4053"], s.Cluster.SeedNodes);
        Assert.Equal(12, s.Feed.Candidates);
    }

    [Fact]
    public void Precedence_is_cli_then_env_then_config_file_then_defaults()
    {
        using var dir = new TempDir();
        var file = dir.File("my.conf");
        File.WriteAllText(file, "afu.users.count-max = 40\nafu.users.count-min = 33\nafu.feed.candidates = 7\nafu.seed = 5");
        var fromFile = Load(file: file);
        Assert.Equal(33, fromFile.UserCountMin);
        Assert.Equal(7, fromFile.Feed.Candidates);
        var envWins = Load(new Dictionary<string, string> { ["FAKE_USER_COUNT_MIN"] = "35", ["AFU_SEED"] = "6" }, file);
        Assert.Equal(35, envWins.UserCountMin);
        Assert.Equal(6, envWins.Seed);
        var cliWins = Load(new Dictionary<string, string> { ["AFU_SEED"] = "6" }, file, new Dictionary<string, (string, string)> { ["afu.seed"] = ("9", "--seed") });
        Assert.Equal(9, cliWins.Seed);
        Assert.Equal(40, cliWins.UserCountMax); // untouched keys keep the file's value
        Assert.Equal(TimeSpan.FromSeconds(60), cliWins.PostInterval); // and the built-in default
    }

    [Fact]
    public void Negative_count_names_the_key_and_the_env_var()
    {
        var e = Error(new Dictionary<string, string> { ["FAKE_USER_COUNT_MIN"] = "-3" });
        Assert.Contains("afu.users.count-min", e);
        Assert.Contains("FAKE_USER_COUNT_MIN", e);
        Assert.Contains("must be a whole number >= 0", e);
    }

    [Fact]
    public void Min_greater_than_max_is_refused()
    {
        var e = Error(new Dictionary<string, string> { ["FAKE_USER_COUNT_MIN"] = "12", ["FAKE_USER_COUNT_MAX"] = "4" });
        Assert.Contains("count-min (12", e);
        Assert.Contains("count-max (4", e);
        Assert.Contains("min must be <= max", e);
    }

    [Fact]
    public void Unknown_interest_is_refused_with_the_allowed_list()
    {
        using var dir = new TempDir();
        var file = dir.File("bad.conf");
        File.WriteAllText(file, "afu.interests.enabled = [sports, golf]");
        var e = Error(file: file);
        Assert.Contains("unknown interest 'golf'", e);
        Assert.Contains("sports, tech, anime, cars, food", e);
        File.WriteAllText(file, "afu.interests.weights { knitting = 2 }");
        Assert.Contains("afu.interests.weights.knitting", Error(file: file));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("often")]
    public void Probability_outside_0_1_is_refused(string value)
    {
        var e = Error(new Dictionary<string, string> { ["INTERACTION_PROBABILITY"] = value });
        Assert.Contains("afu.reactions.interaction-probability (env INTERACTION_PROBABILITY)", e);
        Assert.Contains("[0, 1]", e);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("10 parsecs")]
    [InlineData("0")]
    public void Unparsable_duration_is_refused(string value)
    {
        var e = Error(new Dictionary<string, string> { ["POST_GENERATION_INTERVAL"] = value });
        Assert.Contains("afu.posting.interval (env POST_GENERATION_INTERVAL)", e);
        Assert.Contains("duration such as", e);
    }

    [Fact]
    public void Broken_hocon_file_is_refused_with_its_path()
    {
        using var dir = new TempDir();
        var file = dir.File("broken.conf");
        File.WriteAllText(file, "afu { users { count-min = 3 ");
        var e = Error(file: file);
        Assert.Contains(file, e);
        Assert.Contains("not valid HOCON", e);
        Assert.Contains("line 1: '{' is never closed", e);
        Assert.Contains("file not found", Error(file: dir.File("missing.conf")));
    }

    [Theory]
    [InlineData("afu { users = [1, 2 }", "does not match")]
    [InlineData("afu.users.count-min = = 3", "a value is missing")]
    [InlineData("afu {\n  model = \"gemma\n}", "line 2: string is not closed")]
    [InlineData("afu { } }", "closes nothing")]
    public void Hocon_lint_finds_what_the_parser_lets_through(string text, string expected)
    {
        var problem = HoconLint.Check(text);
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Hocon_lint_accepts_the_shipped_files()
    {
        Assert.Null(HoconLint.Check(SettingsCatalog.Hocon()));
        Assert.Null(HoconLint.Check(File.ReadAllText(Path.Combine(AkkaFakeUsers.Tests.Design.NamespaceDependencyTests.RepoRoot(), "hocon", "simulation.conf"))));
        Assert.Null(HoconLint.Check(SettingsLoader.EmbeddedConf("akka.conf")));
        Assert.Null(HoconLint.Check("a = \"x # not a comment\" # comment { \nb = [1, 2] // c ]"));
    }

    [Fact]
    public void All_errors_are_reported_at_once()
    {
        var ex = Assert.Throws<SettingsException>(() => Load(new Dictionary<string, string>
        {
            ["INTERACTION_PROBABILITY"] = "2",
            ["AFU_STORAGE"] = "mongodb",
            ["AFU_LLM_MAX_IN_FLIGHT"] = "0",
        }));
        Assert.Equal(3, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.Contains("sqlite, postgres"));
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("45", 45)]
    [InlineData("1.5 minutes", 90)]
    public void Durations_parse(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var d));
        Assert.Equal(seconds, d.TotalSeconds, 6);
    }

    [Fact]
    public async Task Bad_settings_exit_2_before_any_actor_or_file_is_created()
    {
        using var dir = new TempDir();
        var dataDir = Path.Combine(dir.Path, "never");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new Dictionary<string, string> { ["AFU__REACTIONS__LIKE_SLOPE"] = "7" };
        var code = await AfuApp.RunAsync(["run", "--data-dir", dataDir, "--duration", "5s"], stdout, stderr, CancellationToken.None, env);
        Assert.Equal(2, code);
        Assert.Contains("afu.reactions.like-slope (env AFU__REACTIONS__LIKE_SLOPE)", stderr.ToString());
        Assert.False(Directory.Exists(dataDir));
        Assert.Equal("", stdout.ToString());
    }

    [Theory]
    [InlineData(new[] { "run", "--users", "-4" }, "--users '-4'")]
    [InlineData(new[] { "run", "--users", "many" }, "--users 'many'")]
    [InlineData(new[] { "run", "--duration", "forever" }, "--duration 'forever'")]
    [InlineData(new[] { "run", "--colour", "red" }, "unknown option --colour")]
    [InlineData(new[] { "run", "--seed" }, "--seed needs a value")]
    [InlineData(new[] { "fly" }, "unknown command 'fly'")]
    [InlineData(new[] { "run", "--storage", "oracle" }, "sqlite, postgres")]
    [InlineData(new[] { "run", "--llm", "gpt" }, "auto, ollama, builtin")]
    [InlineData(new[] { "export", "--out", "x" }, "--format is required")]
    [InlineData(new[] { "export", "--format", "xml", "--out", "x" }, "--format 'xml': must be csv, parquet, mind, obd, obd-slate or recbole")]
    [InlineData(new[] { "export", "--format", "csv" }, "--out DIR is required")]
    [InlineData(new[] { "export", "--format", "csv", "--out", "x", "--users", "3" }, "unknown option --users")]
    public async Task Bad_arguments_exit_2_with_a_specific_message(string[] args, string expected)
    {
        var stderr = new StringWriter();
        var code = await AfuApp.RunAsync(args, new StringWriter(), stderr, CancellationToken.None);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr.ToString());
    }
}
