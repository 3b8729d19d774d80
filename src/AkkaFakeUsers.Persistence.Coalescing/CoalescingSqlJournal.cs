// Part of a fork of Akka.Persistence.Sql 1.5.73 internals: every plugin type and member used here is listed in this
// project's README.md, which ForkedPluginSurfaceTests (tests/AkkaFakeUsers.Tests/Storage) holds to the compiled code.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Journal;
using Akka.Persistence.Sql.Journal.Dao;
using Akka.Persistence.Sql.Journal.Types;

namespace AkkaFakeUsers.Persistence.Coalescing;

/// <summary>
/// The Akka.Persistence.Sql journal, writing every persist that waits in one transaction.
/// <para>
/// Akka.Persistence.Sql batches rows only while a write is in progress. Microsoft.Data.Sqlite has no real async I/O:
/// each write completes before the next persist reaches the write queue, so on SQLite every event was its own
/// transaction (about 2,000 events/s however many users persisted at once). Here the journal actor keeps the writes that
/// arrive while <c>parallelism</c> writes are in flight and hands them over as one write of up to <c>batch-size</c>
/// rows in one transaction. Each persist still gets its own result (an event that cannot be serialized is rejected
/// alone); a failed transaction fails every persist in it, and none of them was acknowledged.
/// </para>
/// <para>
/// The rows are made by the plugin's own serializer as the persists arrive (while earlier writes are in flight), so
/// they have the columns, tags, manifest and serializer id the plugin writes and its reads, recovery and queries are
/// unchanged; <see cref="JournalRowWriter"/> inserts them with the cheapest statement of the database (SQLite: one
/// prepared INSERT stepped per row; PostgreSQL: binary COPY). Where that writer does not know the table layout, the
/// plugin's own write path is used.
/// </para>
/// <para>
/// Reads of a persistence id's highest sequence number (every actor's start) go together too, one query per batch
/// (<see cref="HighestSequenceNrReader"/>), after that id's write in flight, if any.
/// </para>
/// </summary>
public sealed class CoalescingSqlJournal : SqlWriteJournal
{
    /// <param name="Serialized">Rows of each AtomicWrite (or why it cannot be stored), made on arrival while earlier writes are in flight; null when the plugin writes.</param>
    private sealed record Pending(IImmutableList<AtomicWrite> Writes, int Rows, List<Akka.Util.Try<JournalRow[]>>? Serialized,
        TaskCompletionSource<IImmutableList<Exception>?> Done);

    private sealed record BatchWritten(IReadOnlyList<Pending> Batch);

    private readonly int _maxInFlight;
    private readonly int _maxRows;
    private readonly Queue<Pending> _pending = new();
    // The newest unfinished write of each persistence id: its highest sequence number is read after that write ends.
    private readonly Dictionary<string, Task> _unfinished = new();
    private readonly JournalRowWriter? _rowWriter;
    private readonly HighestSequenceNrReader? _highest;
    private readonly ByteArrayJournalSerializer? _serializer;
    private readonly CancellationTokenSource _stopping = new();
    private int _inFlight;

    public CoalescingSqlJournal(Config journalConfig) : base(journalConfig)
    {
        _maxInFlight = Math.Max(1, journalConfig.GetInt("parallelism", 1));
        _maxRows = Math.Max(1, journalConfig.GetInt("batch-size", 100));
        var config = new JournalConfig(journalConfig.WithFallback(SqlPersistence.DefaultJournalConfiguration));
        _rowWriter = JournalRowWriter.For(config);
        _highest = HighestSequenceNrReader.For(config);
        if (_rowWriter is not null)
            _serializer = new ByteArrayJournalSerializer(config, Context.System.Serialization, config.PluginConfig.TagSeparator, Guid.NewGuid().ToString("N"));
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        base.PostStop();
    }

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToImmutableList();
        var pending = new Pending(writes, writes.Sum(w => ((IImmutableList<IPersistentRepresentation>)w.Payload).Count),
            _serializer?.Serialize(writes, DateTime.UtcNow.Ticks),
            new TaskCompletionSource<IImmutableList<Exception>?>(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending.Enqueue(pending);
        foreach (var w in writes) _unfinished[w.PersistenceId] = pending.Done.Task;
        Flush();
        return pending.Done.Task!;
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        if (_unfinished.TryGetValue(persistenceId, out var write))
            await write.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        // many actors starting at once (a population created or woken): their reads go together, one query per batch
        return _highest is null
            ? await base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken)
            : await _highest.ReadAsync(persistenceId, fromSequenceNr, _stopping.Token);
    }

    protected override bool ReceivePluginInternal(object message)
    {
        if (message is not BatchWritten written) return base.ReceivePluginInternal(message);
        _inFlight--;
        foreach (var pending in written.Batch)
        foreach (var w in pending.Writes)
            if (_unfinished.TryGetValue(w.PersistenceId, out var t) && t == pending.Done.Task) _unfinished.Remove(w.PersistenceId);
        Flush();
        return true;
    }

    /// <summary>Starts writes while fewer than <c>parallelism</c> are in flight, each taking what waits, up to batch-size rows.</summary>
    private void Flush()
    {
        while (_inFlight < _maxInFlight && _pending.Count > 0)
        {
            var batch = new List<Pending> { _pending.Dequeue() };
            var rows = batch[0].Rows;
            while (_pending.Count > 0 && rows + _pending.Peek().Rows <= _maxRows)
            {
                rows += _pending.Peek().Rows;
                batch.Add(_pending.Dequeue());
            }
            _inFlight++;
            Task<IImmutableList<Exception>> write;
            try
            {
                write = _rowWriter is null
                    ? base.WriteMessagesAsync(batch.Count == 1 ? batch[0].Writes : batch.SelectMany(p => p.Writes).ToList(), CancellationToken.None)
                    : WriteRowsAsync(batch);
            }
            catch (Exception e)
            {
                write = Task.FromException<IImmutableList<Exception>>(e);
            }
            var self = Self;
            write.ContinueWith(t =>
            {
                Complete(batch, t);
                self.Tell(new BatchWritten(batch));
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Inserts the rows of every AtomicWrite that could be serialized in one transaction; the others are rejected alone.</summary>
    private async Task<IImmutableList<Exception>> WriteRowsAsync(List<Pending> batch)
    {
        var rows = new List<JournalRow>(batch.Sum(p => p.Rows));
        var results = ImmutableList.CreateBuilder<Exception>();
        foreach (var serialized in batch.SelectMany(p => p.Serialized!))
        {
            if (serialized.Success.Value is { } ok) rows.AddRange(ok);
            results.Add(serialized.Failure.Value!); // null when serialized
        }
        await _rowWriter!.WriteAsync(rows, _stopping.Token);
        return results.ToImmutable();
    }

    private static void Complete(List<Pending> batch, Task<IImmutableList<Exception>> write)
    {
        if (write.IsFaulted || write.IsCanceled)
        {
            var error = write.Exception?.InnerExceptions.Count == 1 ? write.Exception.InnerException! : (Exception?)write.Exception ?? new TaskCanceledException();
            foreach (var p in batch) p.Done.TrySetException(error);
            return;
        }
        // One result per AtomicWrite, in order (null: all written).
        var results = write.Result;
        var offset = 0;
        foreach (var p in batch)
        {
            p.Done.TrySetResult(results?.Skip(offset).Take(p.Writes.Count).ToImmutableList());
            offset += p.Writes.Count;
        }
    }
}
