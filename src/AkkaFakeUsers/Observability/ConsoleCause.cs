namespace AkkaFakeUsers.Observability;

/// <summary>
/// How a logged exception appears on the console, the same for Akka's log and the host's: one line, the innermost
/// cause's type and message; its stack trace (on the next lines) only with <c>AFU_DEBUG=1</c>.
/// </summary>
public static class ConsoleCause
{
    public static bool Stacks { get; } = Environment.GetEnvironmentVariable("AFU_DEBUG") == "1";

    /// <returns>"" without a cause, else the text to append to the log line.</returns>
    public static string Suffix(Exception? cause)
    {
        if (cause is null) return "";
        if (Stacks) return Environment.NewLine + cause;
        var inner = cause;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return $" ({inner.GetType().Name}: {inner.Message.ReplaceLineEndings(" ")})";
    }
}
