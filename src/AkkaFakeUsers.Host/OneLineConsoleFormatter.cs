using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace AkkaFakeUsers.Host;

/// <summary>
/// The console format of <c>afu run</c>'s host logs: one line per entry, an exception as its innermost type and message;
/// the stack trace only with <c>AFU_DEBUG=1</c>.
/// </summary>
public sealed class OneLineConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "afu-one-line";

    public override void Write<TState>(in LogEntry<TState> entry, Microsoft.Extensions.Logging.IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = entry.Formatter(entry.State, entry.Exception);
        var level = entry.LogLevel switch
        {
            LogLevel.Critical => "crit", LogLevel.Error => "fail", LogLevel.Warning => "warn", LogLevel.Information => "info", _ => "dbug",
        };
        textWriter.WriteLine($"{level}: {entry.Category}: {message.ReplaceLineEndings(" ")}{Observability.ConsoleCause.Suffix(entry.Exception)}");
    }
}
