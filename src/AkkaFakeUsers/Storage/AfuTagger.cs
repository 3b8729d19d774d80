using Akka.Persistence.Journal;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Storage;

/// <summary>Tags every user event "afu" so the projection can read them all with EventsByTag.</summary>
public sealed class AfuTagger : IWriteEventAdapter
{
    public const string Tag = "afu";
    private static readonly string[] Tags = [Tag];

    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => evt is IUserEvent ? new Tagged(evt, Tags) : evt;
}
