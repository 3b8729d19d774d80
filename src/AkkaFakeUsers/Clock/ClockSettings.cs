using AkkaFakeUsers.Configuration;

namespace AkkaFakeUsers.Clock;

/// <summary>How a node's clock runs (afu.simulation and afu.clock in simulation.conf).</summary>
/// <param name="Scale">Simulated seconds per real second; <see cref="double.PositiveInfinity"/> = max.</param>
/// <param name="RunFor">Simulated span after which the run ends (zero = no end).</param>
/// <param name="MaxSkew">No node's clock runs further ahead of the slowest node's.</param>
/// <param name="Step">As fast as it can: the work due within this simulated span from the next due time is one batch.</param>
/// <param name="MaxBatch">As fast as it can: at most this many pieces of due work in one batch.</param>
/// <param name="MaxBacklog">Paced: the clock holds while more pieces of released work than this are not yet done.</param>
/// <param name="StallTimeout">Work that made no progress for this long (real time) is given up on, with a warning.</param>
/// <param name="MaxLag">Paced: the clock holds while the oldest work not done was released more than this (simulated) before now.</param>
public sealed record ClockSettings(double Scale, TimeSpan RunFor, TimeSpan MaxSkew, TimeSpan Step, int MaxBatch, long MaxBacklog, TimeSpan StallTimeout,
    TimeSpan MaxLag)
{
    public static ClockSettings Paced(double scale) =>
        new(scale, TimeSpan.Zero, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 256, 1000, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30));

    /// <summary>afu.clock and afu.simulation.sim-duration, as the catalog declares them, at <paramref name="scale"/>.</summary>
    public static ClockSettings Read(SettingsReader r, double scale) => new(
        Scale: scale,
        RunFor: r.Duration(SettingsCatalog.SimDuration),
        MaxSkew: r.Duration(SettingsCatalog.ClockMaxSkew),
        Step: r.Duration(SettingsCatalog.ClockStep),
        MaxBatch: r.Int(SettingsCatalog.ClockMaxBatch),
        MaxBacklog: r.Int(SettingsCatalog.ClockMaxBacklog),
        StallTimeout: r.Duration(SettingsCatalog.ClockStallTimeout),
        MaxLag: r.Duration(SettingsCatalog.ClockMaxLag));
}
