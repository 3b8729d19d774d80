using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Tests.Support;

namespace AkkaFakeUsers.Tests.Settings;

/// <summary>Behaviour profiles (afu.profile): a named layer below --config, env and flags.</summary>
public class ProfileTests
{
    private static AfuSettings Load(IDictionary<string, string>? env = null, string? file = null, Dictionary<string, (string, string)>? cli = null) =>
        SettingsLoader.Load(file, (System.Collections.IDictionary)(env ?? new Dictionary<string, string>()), cli ?? new Dictionary<string, (string, string)>());

    [Fact]
    public void Seed_is_the_default_profile_and_keeps_the_documented_defaults()
    {
        var s = Load();
        Assert.Equal("seed", s.Profile);
        Assert.Equal(TimeSpan.FromSeconds(60), s.PostInterval);
        Assert.Equal(0.7, s.Reactions.InteractionProbability);
        Assert.False(s.Sessions.Scrolls);
        Assert.False(s.Behaviour.CreatorsOrOff.Enabled);
        Assert.Equal(0.02, s.Feed.RandomShare);
        // the seed profile's layer is empty: the same settings as no layer at all
        var named = Load(cli: new() { ["afu.profile"] = ("seed", "--profile") });
        Assert.Equal((s.Reactions, s.Sessions, s.Behaviour.Activity, s.Behaviour.CreatorsOrOff, s.PostInterval, s.Feed.MaxPostAge),
            (named.Reactions, named.Sessions, named.Behaviour.Activity, named.Behaviour.CreatorsOrOff, named.PostInterval, named.Feed.MaxPostAge));
    }

    [Fact]
    public void The_calibrated_profile_sets_posting_sessions_reactions_and_the_random_share_from_its_file()
    {
        var s = Load(cli: new() { ["afu.profile"] = ("calibrated", "--profile") });
        Assert.Equal("calibrated", s.Profile);
        var file = Akka.Configuration.ConfigurationFactory.ParseString(Profiles.Hocon("calibrated"));
        Assert.Equal(file.GetTimeSpan("afu.posting.interval"), s.PostInterval);
        Assert.Equal(file.GetDouble("afu.reactions.interaction-probability"), s.Reactions.InteractionProbability);
        Assert.Equal(file.GetDouble("afu.feed.random-share"), s.Feed.RandomShare);
        Assert.True(s.Sessions.Scrolls);
        Assert.Equal(DwellModel.LogNormal, s.Sessions.Dwell!.Model);
        Assert.True(s.Behaviour.CreatorsOrOff.Enabled);
        // chosen by env or in --config too
        Assert.Equal("calibrated", Load(new Dictionary<string, string> { ["AFU_PROFILE"] = "calibrated" }).Profile);
        using var dir = new TempDir();
        var conf = dir.File("p.conf");
        File.WriteAllText(conf, "afu.profile = calibrated");
        Assert.True(Load(file: conf).Sessions.Scrolls);
    }

    [Fact]
    public void An_explicit_setting_wins_over_the_profile_from_config_env_or_flag()
    {
        using var dir = new TempDir();
        var conf = dir.File("mine.conf");
        File.WriteAllText(conf, "afu.sessions.interval = 3h\nafu.sessions.scroll.enabled = off");
        var cli = new Dictionary<string, (string, string)> { ["afu.profile"] = ("calibrated", "--profile") };
        var s = Load(new Dictionary<string, string> { ["AFU__FEED__RANDOM_SHARE"] = "0.1" }, conf, cli);
        Assert.Equal(TimeSpan.FromHours(3), s.Sessions.Interval);
        Assert.False(s.Sessions.Scrolls);
        Assert.Equal(0.1, s.Feed.RandomShare);
        Assert.True(s.Behaviour.CreatorsOrOff.Enabled); // what the file does not set still comes from the profile
    }

    [Fact]
    public async Task An_unknown_profile_exits_2_naming_the_allowed_ones()
    {
        var ex = Assert.Throws<SettingsException>(() => Load(cli: new() { ["afu.profile"] = ("realistic", "--profile") }));
        Assert.Contains("afu.profile (--profile) = 'realistic': unknown behaviour profile; allowed: seed, calibrated", ex.Message);
        Assert.Contains("(env AFU_PROFILE)", Assert.Throws<SettingsException>(() => Load(new Dictionary<string, string> { ["AFU_PROFILE"] = "x" })).Message);

        var err = new StringWriter();
        Assert.Equal(2, await AfuApp.RunAsync(["run", "--profile", "realistic", "--duration", "1s"], new StringWriter(), err, CancellationToken.None, TestEnv.Isolated()));
        Assert.Contains("allowed: seed, calibrated", err.ToString());
    }

    [Fact]
    public void Every_profile_file_sets_only_declared_keys_with_valid_values()
    {
        foreach (var name in Profiles.Names)
        {
            var cli = new Dictionary<string, (string, string)> { ["afu.profile"] = (name, "--profile") };
            Assert.Equal(name, Load(cli: cli).Profile); // loads without an error
            var config = Akka.Configuration.ConfigurationFactory.ParseString(Profiles.Hocon(name));
            if (!config.HasPath("afu")) continue;
            foreach (var key in Leaves(config.GetConfig("afu"), "afu"))
                Assert.True(AkkaFakeUsers.Configuration.SettingsCatalog.Find(key) is not null, $"hocon/profiles/{name}.conf sets {key}, which is no setting");
        }
    }

    private static IEnumerable<string> Leaves(Akka.Configuration.Config c, string prefix) =>
        c.AsEnumerable().SelectMany(kv => kv.Value.IsObject() ? Leaves(c.GetConfig(kv.Key), $"{prefix}.{kv.Key}") : [$"{prefix}.{kv.Key}"]);
}
