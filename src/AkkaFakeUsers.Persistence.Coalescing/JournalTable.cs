// Part of a fork of Akka.Persistence.Sql 1.5.73 internals: every plugin type and member used here is listed in this
// project's README.md, which ForkedPluginSurfaceTests (tests/AkkaFakeUsers.Tests/Storage) holds to the compiled code.
using Akka.Persistence.Sql.Config;
using LinqToDB;

namespace AkkaFakeUsers.Persistence.Coalescing;

/// <summary>
/// What our own SQL against the plugin's journal table needs from its settings: which database it is on (only the two
/// this project runs on) and the table's and columns' quoted names. Shared by the row writer and the highest-sequence reader.
/// </summary>
internal static class JournalTable
{
    /// <summary>True on PostgreSQL, false on SQLite (Microsoft.Data.Sqlite), null on any other database.</summary>
    public static bool? IsPostgres(JournalConfig config)
    {
        var provider = config.ProviderName ?? "";
        if (provider == ProviderName.SQLiteMS) return false;
        if (provider.StartsWith(ProviderName.PostgreSQL, StringComparison.OrdinalIgnoreCase)) return true;
        return null;
    }

    /// <summary>The journal table's name, with its schema when one is set, quoted.</summary>
    public static string Name(JournalConfig config)
    {
        var table = Quote(config.TableConfig.EventJournalTable.Name);
        return string.IsNullOrEmpty(config.TableConfig.SchemaName) ? table : $"{Quote(config.TableConfig.SchemaName)}.{table}";
    }

    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
