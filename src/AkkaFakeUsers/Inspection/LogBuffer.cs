using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace AkkaFakeUsers.Inspection;

/// <summary>The last log lines of one actor system, kept in memory for <c>log peek</c>.</summary>
public sealed class LogBuffer
{
    private static readonly ConcurrentDictionary<string, LogBuffer> BySystem = new();
    private readonly string[] _lines;
    private long _next;

    private LogBuffer(int capacity) => _lines = new string[capacity];

    public static LogBuffer For(string systemName) => BySystem.GetOrAdd(systemName, _ => new LogBuffer(1000));

    public void Add(string line)
    {
        var i = Interlocked.Increment(ref _next) - 1;
        _lines[i % _lines.Length] = line;
    }

    public IReadOnlyList<string> Last(int n)
    {
        var end = Interlocked.Read(ref _next);
        var start = Math.Max(0, end - Math.Min(n, _lines.Length));
        var list = new List<string>();
        for (var i = start; i < end; i++) list.Add(_lines[i % _lines.Length]);
        return list;
    }
}

/// <summary>An Akka logger (akka.loggers) that copies every log event into the system's <see cref="LogBuffer"/>.</summary>
public sealed class RingBufferLoggerActor : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public RingBufferLoggerActor()
    {
        var buffer = LogBuffer.For(Context.System.Name);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => buffer.Add($"{e.Timestamp:O} {e.LogLevel().ToString().Replace("Level", "").ToUpperInvariant(),-7} {e.LogSource} {e.Message}{(e.Cause is null ? "" : " | " + e.Cause.Message)}"));
    }
}

/// <summary>
/// Prints warnings and errors to stderr (the run's console), one line each: a cause is given as its innermost type and
/// message, its stack trace only with <c>AFU_DEBUG=1</c>. <see cref="RingBufferLoggerActor"/> keeps INFO and up for <c>log peek</c>.
/// </summary>
public sealed class ConsoleWarningLoggerActor : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public ConsoleWarningLoggerActor()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            if (e.LogLevel() < Akka.Event.LogLevel.WarningLevel) return;
            Console.Error.WriteLine($"[{e.LogLevel().ToString().Replace("Level", "").ToUpperInvariant()}][{e.Timestamp:O}][{e.LogSource}] {e.Message}{Observability.ConsoleCause.Suffix(e.Cause)}");
        });
    }
}
