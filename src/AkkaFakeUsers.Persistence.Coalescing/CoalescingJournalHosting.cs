using Akka.Hosting;
using LinqToDB;

namespace AkkaFakeUsers.Persistence.Coalescing;

/// <summary>The one opt-in: puts an Akka.Persistence.Sql journal (and on SQLite its snapshot store) on this project's classes.</summary>
public static class CoalescingJournalHosting
{
    /// <summary>
    /// The journal at <paramref name="journalPath"/> becomes <see cref="CoalescingSqlJournal"/>; on SQLite
    /// (Microsoft.Data.Sqlite) the snapshot store at <paramref name="snapshotStorePath"/> becomes
    /// <see cref="GatedSqliteSnapshotStore"/>. Everything else (connection, tables, tags, adapters, reads, queries)
    /// stays the plugin's. Call it after <c>WithSqlPersistence</c>, so that these classes win over the ones it writes.
    /// </summary>
    /// <param name="providerName">The linq2db provider name given to <c>WithSqlPersistence</c>.</param>
    public static AkkaConfigurationBuilder WithCoalescingSqlJournal(this AkkaConfigurationBuilder builder, string providerName,
        string journalPath = "akka.persistence.journal.sql", string snapshotStorePath = "akka.persistence.snapshot-store.sql")
    {
        if (providerName == ProviderName.SQLiteMS)
            builder.AddHocon($"{snapshotStorePath}.class = \"{typeof(GatedSqliteSnapshotStore).AssemblyQualifiedName}\"", HoconAddMode.Prepend);
        return builder.AddHocon($"{journalPath}.class = \"{typeof(CoalescingSqlJournal).AssemblyQualifiedName}\"", HoconAddMode.Prepend);
    }
}
