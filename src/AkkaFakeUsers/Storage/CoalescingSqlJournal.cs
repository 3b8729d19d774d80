using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;

namespace AkkaFakeUsers.Storage;

/// <summary>
/// The Akka.Persistence.Sql journal, writing every persist that waits in one transaction.
/// <para>
/// Akka.Persistence.Sql batches rows only while a write is in progress. Microsoft.Data.Sqlite has no real async I/O:
/// each write completes before the next persist reaches the write queue, so on SQLite every event was its own
/// transaction (about 2,000 events/s however many users persisted at once). Here the journal actor keeps the writes that
/// arrive while <c>parallelism</c> writes are in flight and hands them over as one write of up to <c>batch-size</c>
/// rows: one transaction, one multi-row insert. Each persist still gets its own result (an event that cannot be
/// serialized is rejected alone); a failed transaction fails every persist in it, and none of them was acknowledged.
/// </para>
/// </summary>
public sealed class CoalescingSqlJournal : SqlWriteJournal
{
    private sealed record Pending(IImmutableList<AtomicWrite> Writes, int Rows, TaskCompletionSource<IImmutableList<Exception>?> Done);

    private sealed record BatchWritten(IReadOnlyList<Pending> Batch);

    private readonly int _maxInFlight;
    private readonly int _maxRows;
    private readonly Queue<Pending> _pending = new();
    // The newest unfinished write of each persistence id: its highest sequence number is read after that write ends.
    private readonly Dictionary<string, Task> _unfinished = new();
    private int _inFlight;

    public CoalescingSqlJournal(Config journalConfig) : base(journalConfig)
    {
        _maxInFlight = Math.Max(1, journalConfig.GetInt("parallelism", 1));
        _maxRows = Math.Max(1, journalConfig.GetInt("batch-size", 100));
    }

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToImmutableList();
        var pending = new Pending(writes, writes.Sum(w => ((IImmutableList<IPersistentRepresentation>)w.Payload).Count),
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
        return await base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
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
                write = base.WriteMessagesAsync(batch.Count == 1 ? batch[0].Writes : batch.SelectMany(p => p.Writes).ToList(), CancellationToken.None);
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
