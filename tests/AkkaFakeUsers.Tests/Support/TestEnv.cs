namespace AkkaFakeUsers.Tests.Support;

public static class TestEnv
{
    /// <summary>
    /// Tests that count posts in a short run switch the daily curve off: with it on, a run that happens to fall in the
    /// simulated night (UTC) posts a tenth as much, and CI runs at any hour. The realism tests switch it back on.
    /// </summary>
    public const string DailyCurve = "AFU__BEHAVIOUR__DAILY_CURVE__ENABLED";

    /// <summary>Settings env for an in-process run that touches nothing shared: any free inspection port, no outside variables.</summary>
    public static Dictionary<string, string> Isolated(params (string Key, string Value)[] more)
    {
        var env = new Dictionary<string, string> { ["AFU_INSPECTION_PORT"] = "0", ["AFU__HEALTH__PORT"] = "0", ["AFU_DASHBOARD_PORT"] = "0", [DailyCurve] = "off" };
        foreach (var (k, v) in more) env[k] = v;
        return env;
    }
}
