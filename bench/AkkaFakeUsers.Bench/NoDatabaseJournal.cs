using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Serialization;

namespace AkkaFakeUsers.Bench;

/// <summary>
/// `bench persistence`'s upper bound for any journal behind Akka.Persistence on this machine: the same writers, the
/// same event adapter (tagger) and serializer, every event serialized to the bytes a row would hold, and then nothing
/// stored (acknowledged at once). What one Persist per event costs in the actors and the journal actor alone: a real
/// journal does all of this and its database's work besides, so it cannot write faster than this.
/// </summary>
public sealed class NoDatabaseJournal : AsyncWriteJournal
{
    private readonly Akka.Serialization.Serialization _serialization = Context.System.Serialization;
    private long _bytes;

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        foreach (var write in messages)
        foreach (var p in (IImmutableList<IPersistentRepresentation>)write.Payload)
        {
            var payload = p.Payload is Tagged t ? t.Payload : p.Payload;
            var serializer = _serialization.FindSerializerFor(payload);
            _bytes += serializer.ToBinary(payload).Length + Akka.Serialization.Serialization.ManifestFor(serializer, payload).Length;
        }
        return Task.FromResult<IImmutableList<Exception>>(null!);
    }

    protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<IPersistentRepresentation> recoveryCallback) => Task.CompletedTask;

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken) => Task.FromResult(0L);
}
