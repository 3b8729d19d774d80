namespace AkkaFakeUsers.Llm;

/// <summary>The gateway's queue length, readable from any thread (the simulation clock holds while it is long).</summary>
public sealed class GatewayLoad
{
    private int _waiting;

    public int Waiting => Volatile.Read(ref _waiting);

    internal void Set(int waiting) => Volatile.Write(ref _waiting, waiting);
}
