namespace AkkaFakeUsers.Bench;

/// <summary>Process-wide GC counts and allocated bytes at one moment; subtract two to get a phase's figures.</summary>
public readonly record struct GcFigures(long AllocatedBytes, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
{
    public static GcFigures Take() =>
        new(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    public static GcFigures operator -(GcFigures a, GcFigures b) =>
        new(a.AllocatedBytes - b.AllocatedBytes, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Paused - b.Paused);
}
