using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace AkkaFakeUsers.Persistence.Coalescing;

/// <summary>
/// Takes turns, in arrival order, among this process's writers of one SQLite file (the journal's row writer and the
/// projection). SQLite lets one transaction write at a time; a writer that finds the file locked is made to retry by
/// Microsoft.Data.Sqlite every 150 ms, and a journal writing back to back wins almost every retry, so under full load
/// the projection fell ever further behind. Waiting here instead hands the file to each writer in turn, with no sleep.
/// SQLite's own locking still guards against other processes.
/// </summary>
public static class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="write"/> on a pool thread (SQLite calls block) once it is this caller's turn at the file.</summary>
    public static async Task RunAsync(string connectionString, Action write, CancellationToken ct)
    {
        var gate = Gates.GetOrAdd(KeyFor(connectionString), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await Task.Run(write, ct).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private static string KeyFor(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return source is "" or ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? source : Path.GetFullPath(source);
    }
}
