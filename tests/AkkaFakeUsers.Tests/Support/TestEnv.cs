namespace AkkaFakeUsers.Tests.Support;

public static class TestEnv
{
    /// <summary>Settings env for an in-process run that touches nothing shared: any free inspection port, no outside variables.</summary>
    public static Dictionary<string, string> Isolated(params (string Key, string Value)[] more)
    {
        var env = new Dictionary<string, string> { ["AFU_INSPECTION_PORT"] = "0", ["AFU__HEALTH__PORT"] = "0" };
        foreach (var (k, v) in more) env[k] = v;
        return env;
    }
}
