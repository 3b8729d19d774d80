using AkkaFakeUsers.Configuration;
using System.Text.RegularExpressions;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Tests.Design;

namespace AkkaFakeUsers.Tests.Settings;

/// <summary>Each setting is declared once (<see cref="SettingsCatalog"/>); the shipped file, docs/configuration.md and the loader agree with it.</summary>
public class SettingsCatalogTests
{
    private static string Root => NamespaceDependencyTests.RepoRoot();

    [Fact]
    public void The_shipped_simulation_conf_is_the_catalog_rendered()
    {
        var path = Path.Combine(Root, "hocon", "simulation.conf");
        if (Environment.GetEnvironmentVariable("AFU_WRITE_CONF") == "1") File.WriteAllText(path, SettingsCatalog.Hocon());
        Assert.Equal(SettingsCatalog.Hocon(), File.ReadAllText(path));
    }

    [Fact]
    public void The_configuration_docs_settings_table_is_the_catalog_table()
    {
        var path = Path.Combine(Root, "docs", "configuration.md");
        if (Environment.GetEnvironmentVariable("AFU_WRITE_DOCS") == "1")
            File.WriteAllText(path, Regex.Replace(File.ReadAllText(path), "<!-- settings-table:start -->\n.*?<!-- settings-table:end -->",
                "<!-- settings-table:start -->\n" + SettingsCatalog.MarkdownTable().Replace("$", "$$") + "<!-- settings-table:end -->", RegexOptions.Singleline));
        var doc = File.ReadAllText(path);
        var m = Regex.Match(doc, "<!-- settings-table:start -->\n(.*?)<!-- settings-table:end -->", RegexOptions.Singleline);
        Assert.True(m.Success, "docs/configuration.md has no <!-- settings-table:start --> … <!-- settings-table:end --> block");
        Assert.Equal(SettingsCatalog.MarkdownTable(), m.Groups[1].Value);
    }

    [Fact]
    public void Every_declared_setting_is_read_by_the_loader_and_every_key_read_is_declared()
    {
        // the loader and the sections that read themselves (LlmSettings.Read, FeedSettings.Read, ModelSettingsReader, …)
        var loader = string.Join("\n", Directory.GetFiles(Path.Combine(Root, "src", "AkkaFakeUsers"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && Path.GetFileName(f) != "SettingsCatalog.cs")
            .Select(File.ReadAllText)
            .Where(t => t.Contains("SettingsReader", StringComparison.Ordinal)));
        var used = Regex.Matches(loader, @"SettingsCatalog\.(\w+)").Select(m => m.Groups[1].Value).ToHashSet();
        var declared = typeof(SettingsCatalog).GetFields().Where(f => f.FieldType == typeof(Setting)).Select(f => f.Name).ToList();
        Assert.DoesNotContain(declared, d => !used.Contains(d));
        Assert.DoesNotMatch(@"r\.(?!Fail\b)\w+\(""afu\.", loader); // no key spelled out at a read (a message to Fail may name one)
        Assert.Equal(SettingsCatalog.All.Count, SettingsCatalog.All.Select(s => s.Key).Distinct().Count());
        // the named variables of the seed and the contract
        foreach (var env in new[] { "OLLAMA_HOST", "OLLAMA_MODEL", "FAKE_USER_COUNT_MIN", "FAKE_USER_COUNT_MAX", "POST_GENERATION_INTERVAL", "INTERACTION_PROBABILITY",
                     "AFU_STORAGE", "AFU_POSTGRES", "AFU_DATA_DIR", "AFU_SEED", "AFU_INSPECTION_HOST", "AFU_INSPECTION_PORT", "AFU_INSPECTION_TOKEN", "AFU_SEED_NODES",
                     "AFU_LLM_MAX_IN_FLIGHT" })
            Assert.Contains(env, SettingsCatalog.NamedEnvVars.Keys);
    }

    [Fact]
    public void Each_declared_default_loads_and_each_declared_flag_overrides_its_key()
    {
        var defaults = SettingsLoader.Load(null, new Dictionary<string, string>(), new Dictionary<string, (string, string)>());
        Assert.Equal(TimeSpan.FromSeconds(60), defaults.PostInterval);
        Assert.Equal(0.7, defaults.Reactions.InteractionProbability);
        // a value outside a declared range is refused with the key and the source named
        foreach (var s in SettingsCatalog.All.Where(s => s.Kind is SettingKind.Int or SettingKind.Double && s.Max < 1e6))
        {
            var bad = (s.Max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var ex = Assert.Throws<SettingsException>(() => SettingsLoader.Load(null, new Dictionary<string, string> { [s.GenericEnv] = bad }, new Dictionary<string, (string, string)>()));
            Assert.Contains(ex.Errors, e => e.Contains($"{s.Key} (env {s.GenericEnv})"));
        }
        Assert.Equal(["seed", "data-dir", "storage", "profile", "users", "feed-policy", "time-scale", "sim-duration", "llm"], SettingsCatalog.Flags.Select(f => f.Flag));
    }

    [Fact]
    public void Generic_env_names_follow_the_key()
    {
        Assert.Equal("AFU__FEED__RANDOM_SHARE", SettingsCatalog.RandomShare.GenericEnv);
        Assert.Equal("AFU__BEHAVIOUR__DAILY_CURVE__CHRONOTYPE_HOURS", SettingsCatalog.ChronotypeHours.GenericEnv);
    }
}
