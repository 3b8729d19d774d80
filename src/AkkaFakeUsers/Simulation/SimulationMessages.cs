using AkkaFakeUsers.Serialization;

namespace AkkaFakeUsers.Simulation;

/// <summary>Change the population at run time (sim scale N). Replies <see cref="SimulationStatus"/>.</summary>
public sealed record ScalePopulation(int Target) : IAfuSerializable;

/// <summary>Stop (true) or restart (false) every user's timers (sim pause / sim resume, and the drain before shutdown). Replies once every user was told.</summary>
public sealed record SetPaused(bool Paused) : IAfuSerializable;

public sealed record GetSimulationStatus : IAfuSerializable
{
    public static readonly GetSimulationStatus Instance = new();
}

public sealed record SimulationStatus(int Target, bool Paused, int SweepPosition, long Sweeps) : IAfuSerializable;
