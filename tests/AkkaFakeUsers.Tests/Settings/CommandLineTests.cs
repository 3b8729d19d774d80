using AkkaFakeUsers.Configuration;
using AkkaFakeUsers.Host;
using AkkaFakeUsers.Simulation;

namespace AkkaFakeUsers.Tests.Settings;

/// <summary>The afu command line (System.CommandLine) and the one mapping from failures to exit codes.</summary>
public class CommandLineTests
{
    [Fact]
    public async Task Help_lists_every_settings_flag_with_the_key_it_sets_and_exits_0()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, await AfuApp.RunAsync(["help"], stdout, new StringWriter(), CancellationToken.None));
        var help = stdout.ToString();
        foreach (var s in SettingsCatalog.Flags) Assert.Contains($"--{s.Flag} <{s.FlagValue}>", help);
        foreach (var s in SettingsCatalog.Flags) Assert.Contains($"(sets {s.Key})", help);
        foreach (var c in new[] { "run", "export", "dataset", "inspect", "--duration", "--format", "--token", "Exit codes" }) Assert.Contains(c, help);
    }

    [Theory]
    [InlineData("run", "--duration")]
    [InlineData("export", "--format")]
    [InlineData("dataset", "--compare-data-dir")]
    [InlineData("inspect", "--token")]
    public async Task A_commands_help_shows_that_command_only(string command, string ownOption)
    {
        // an option only this command has, for each command: none but the asked command's may show
        var only = new Dictionary<string, string> { ["run"] = "--duration", ["export"] = "--format", ["dataset"] = "--compare-data-dir", ["inspect"] = "--token" };
        foreach (var args in new[] { new[] { command, "--help" }, [command, "-h"], ["help", command] })
        {
            var stdout = new StringWriter();
            Assert.Equal(0, await AfuApp.RunAsync(args, stdout, new StringWriter(), CancellationToken.None));
            var help = stdout.ToString();
            Assert.Matches($@"Usage:\s+\S+ {command} \[", help); // the program's name: afu, or the test host's in process
            Assert.Contains(ownOption, help);
            foreach (var (other, option) in only.Where(o => o.Key != command))
            {
                Assert.DoesNotContain(option, help);
                Assert.DoesNotMatch($@"\S+ {other} \[", help);
            }
        }
        if (command == "run") Assert.Contains("--users <N>", (await Help("run", "--help")));
    }

    private static async Task<string> Help(params string[] args)
    {
        var stdout = new StringWriter();
        await AfuApp.RunAsync(args, stdout, new StringWriter(), CancellationToken.None);
        return stdout.ToString();
    }

    [Fact]
    public async Task Help_for_an_unknown_command_is_refused_and_an_inspection_commands_help_goes_to_the_node()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, await AfuApp.RunAsync(["help", "runn"], new StringWriter(), stderr, CancellationToken.None));
        Assert.Contains("unknown command 'runn'", stderr.ToString());
        var inspect = AfuCommandLine.Parse(["inspect", "sim", "users", "--help"]);
        Assert.Equal("inspect", inspect.Command);
        Assert.Equal(["sim", "users", "--help"], inspect.Positional);
    }

    [Fact]
    public void Settings_flags_reach_their_keys_and_inspection_switches_pass_through_untouched()
    {
        var run = AfuCommandLine.Parse(["run", "--users", "12", "--time-scale=30", "--llm", "builtin", "--duration", "5s"]);
        Assert.Equal(("12", "30", "builtin", "5s"), (run.Flag("users"), run.Flag("time-scale"), run.Flag("llm"), run.Flag("duration")));
        var settings = CommandSettings.Load(run, new Dictionary<string, string>());
        Assert.Equal((12, 30.0), (settings.UserCount, settings.TimeScale));

        var max = CommandSettings.Load(AfuCommandLine.Parse(["run", "--time-scale", "max", "--sim-duration", "4d"]), new Dictionary<string, string>());
        Assert.Equal((double.PositiveInfinity, TimeSpan.FromDays(4), "max"), (max.TimeScale, max.ClockSettings.RunFor, max.TimeScaleText));
        // max starts at a fixed instant (reproducible); a finite scale at the real time; an explicit start wins in both
        Assert.Equal(AfuSettings.DiscreteEpoch, max.StartAt(DateTime.UtcNow));
        var now = new DateTime(2030, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        Assert.Equal(now, settings.StartAt(now));
        var started = CommandSettings.Load(run, new Dictionary<string, string> { ["AFU__SIMULATION__START"] = "2026-03-02T06:00:00Z" });
        Assert.Equal(new DateTime(2026, 3, 2, 6, 0, 0, DateTimeKind.Utc), started.StartAt(now));

        var inspect = AfuCommandLine.Parse(["inspect", "--port", "9110", "sim", "users", "--interest", "tech", "-n", "5"]);
        Assert.Equal("9110", inspect.Flag("port"));
        Assert.Equal(["sim", "users", "--interest", "tech", "-n", "5"], inspect.Positional);
    }

    [Theory]
    [InlineData("--time-scale", "fast", "afu.simulation.time-scale", "or max")]
    [InlineData("--time-scale", "0", "afu.simulation.time-scale", "or max")]
    [InlineData("--sim-duration", "soon", "afu.simulation.sim-duration", "duration such as")]
    public void A_bad_time_scale_or_simulated_span_is_refused_naming_the_key_and_what_is_allowed(string flag, string value, string key, string allowed)
    {
        var ex = Assert.Throws<SettingsException>(() => CommandSettings.Load(AfuCommandLine.Parse(["run", flag, value]), new Dictionary<string, string>()));
        var message = string.Join("\n", ex.Errors);
        Assert.Contains(key, message);
        Assert.Contains(allowed, message);
    }

    [Fact]
    public void A_start_that_is_no_date_is_refused_naming_the_key()
    {
        var ex = Assert.Throws<SettingsException>(() => CommandSettings.Load(AfuCommandLine.Parse(["run"]),
            new Dictionary<string, string> { ["AFU__SIMULATION__START"] = "yesterday-ish" }));
        Assert.Contains("afu.simulation.start", Assert.Single(ex.Errors));
        Assert.Contains("2026-01-01T00:00:00Z", ex.Errors[0]);
    }

    [Fact]
    public void Every_failure_maps_to_an_exit_code_and_a_message_without_a_stack_trace()
    {
        Assert.Equal(2, ExitCodes.For(new UsageException("--x: bad"), "run").Code);
        var (code, lines) = ExitCodes.For(new SettingsException(["a", "b"]), "run");
        Assert.Equal((2, 3), (code, lines.Count));
        var unexpected = ExitCodes.For(new InvalidOperationException("the disk fell off"), "export");
        Assert.Equal(1, unexpected.Code);
        Assert.Equal("afu export: failed: InvalidOperationException: the disk fell off", Assert.Single(unexpected.Lines));
        Assert.Equal(1, ExitCodes.For(new IOException("no space"), "dataset").Code);
    }
}
