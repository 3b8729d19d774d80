// Over 300 lines: a fork is one operation (plan the cut, check the target, copy journal and snapshots, warm the feed) on two dialects; split, its steps would only call each other.
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace AkkaFakeUsers.Storage;

/// <summary>Bad input to a fork (no source, no journal, a time outside it, a target that is not empty): exit 2, nothing written.</summary>
public sealed class ForkRefusedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The store a fork copies from: a SQLite run's data dir (its afu.db), or a PostgreSQL database (<c>postgres:</c> + a connection string).</summary>
public sealed record ForkSource(SqlDialect Dialect, string ConnectionString, string Name)
{
    public const string PostgresPrefix = "postgres:";

    public static ForkSource Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ForkRefusedException("--fork-from needs a data dir or postgres:CONNECTION-STRING");
        if (text.StartsWith(PostgresPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var cs = text[PostgresPrefix.Length..];
            try
            {
                _ = new NpgsqlConnectionStringBuilder(cs);
            }
            catch (Exception ex)
            {
                throw new ForkRefusedException($"--fork-from postgres:…: not an Npgsql connection string ({ex.Message})", ex);
            }
            return new ForkSource(SqlDialect.Postgres, cs, $"postgres:{StoragePreparer.SafeTarget(cs)}");
        }
        var path = Path.GetFullPath(text);
        var file = Directory.Exists(path) ? Path.Combine(path, "afu.db") : path;
        if (!Directory.Exists(path) && !File.Exists(path)) throw new ForkRefusedException($"--fork-from {text}: no such data dir");
        if (!File.Exists(file)) throw new ForkRefusedException($"--fork-from {text}: no afu.db in it (not the data dir of a SQLite run)");
        // read-only: a fork never writes to its source
        var cs2 = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 60 }.ToString();
        return new ForkSource(SqlDialect.Sqlite, cs2, Directory.Exists(path) ? text : file);
    }

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (Dialect == SqlDialect.Sqlite)
        {
            var c = new SqliteConnection(ConnectionString);
            c.Open();
            return c;
        }
        var p = new NpgsqlConnection(ConnectionString);
        await p.OpenAsync(ct);
        return p;
    }
}

/// <summary>
/// What a fork copies: per persistence id the highest sequence number kept (<see cref="ForkCut"/>), and the counts
/// the start line reports.
/// </summary>
/// <param name="Posts">The posts the fork keeps, by id, with their instants; <paramref name="Likes"/>: the likes it keeps (post id, instant). They warm the fork's feed.</param>
public sealed record ForkPlan(ForkSource Source, DateTime At, DateTime First, DateTime Last, IReadOnlyDictionary<string, long> KeptUpTo,
    long Events, long SourceEvents, long HeldBack, IReadOnlyDictionary<string, DateTime>? Posts = null, IReadOnlyList<(string PostId, DateTime At)>? Likes = null)
{
    /// <summary>Users with at least one event kept.</summary>
    public int Users => KeptUpTo.Count(k => k.Value > 0);

    /// <summary>Events stamped after the instant, dropped.</summary>
    public long After => SourceEvents - Events - HeldBack;
}

/// <summary>What the copy wrote.</summary>
public sealed record ForkCopied(long Events, long Snapshots, long SnapshotsDropped);

/// <summary>
/// <c>afu run --fork-from SOURCE --at TIME</c>: a new store from a copy of SOURCE's journal as it was at the simulated
/// instant TIME. Journal rows are copied as they are (persistence id, sequence number, tags, payload, manifest,
/// serializer, writer, wall-clock <c>created</c>) in the source's order; the target numbers them 1..N itself (its
/// identity or autoincrement column, whose counter thus stays consistent), so the projection reads them without
/// gaps. Snapshots are copied only when taken at a sequence number the cut keeps (a later one is dropped: recovery
/// replays the events instead). The training tables start empty with no projection offset: the projection writes
/// them from the copied journal, the same pure mapping that wrote the source's, so they hold exactly the cut.
/// Nothing else of a run is stored: the node's clock, schedule, ledger, feed pool and sleep records live in memory,
/// and in the journal mode this project configures (tags as CSV, no delete-compatibility mode) the plugin keeps no
/// metadata or tag table; highest sequence numbers are read from the journal itself (<c>HighestSequenceNrReader</c>).
/// </summary>
public static class StoreFork
{
    private const string JournalColumns = "created, deleted, persistence_id, sequence_number, message, tags, manifest, identifier, writer_uuid";
    private const string SnapshotColumns = "persistence_id, sequence_number, created, snapshot, manifest, serializer_id";

    /// <summary>The serializer id of <c>AfuJsonSerializer</c> (the runtime's; not referenced here to keep Storage below Serialization's actor code).</summary>
    private const int AfuSerializerId = 7301;

    /// <summary>Reads the source (never writes it) and decides the cut.</summary>
    /// <param name="at">ISO-8601 UTC (2026-01-01T06:00:00Z) or a duration after the source's first event (6h, 90m).</param>
    public static async Task<ForkPlan> PlanAsync(ForkSource source, string at, CancellationToken ct)
    {
        DbConnection c;
        try
        {
            c = await source.OpenAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ForkRefusedException($"--fork-from {source.Name}: cannot open it ({FirstLine(ex.Message)})", ex);
        }
        await using (c)
        {
            var db = new StoreConnection(source.Dialect, source.ConnectionString);
            if (!await db.TableExistsAsync(c, "journal", ct))
                throw new ForkRefusedException($"--fork-from {source.Name}: it holds no journal (no run has written there)");

            // one user's events at a time, in sequence order (the journal's unique index on both)
            var perUser = new Dictionary<string, List<CutEvent>>(StringComparer.Ordinal);
            var first = DateTime.MaxValue;
            var last = DateTime.MinValue;
            long total = 0;
            await using (var cmd = StoreConnection.Command(c, null,
                             "SELECT persistence_id, sequence_number, manifest, identifier, message FROM journal ORDER BY persistence_id, sequence_number"))
            {
                cmd.CommandTimeout = 3600;
                await using var r = await cmd.ExecuteReaderAsync(ct);
                string? pid = null;
                var batch = new List<(string, byte[])>();
                long expected = 1;
                void Flush()
                {
                    if (pid is null) return;
                    var events = ForkCut.Describe(batch);
                    perUser[pid] = events;
                    foreach (var e in events)
                    {
                        if (e.At < first) first = e.At;
                        if (e.At > last) last = e.At;
                    }
                    batch.Clear();
                }
                while (await r.ReadAsync(ct))
                {
                    var id = r.GetString(0);
                    var seq = Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture);
                    if (id != pid)
                    {
                        Flush();
                        pid = id;
                        expected = 1;
                    }
                    if (seq != expected)
                        throw new ForkRefusedException($"--fork-from {source.Name}: {id} has no event {expected} (its sequence jumps to {seq}): not a journal this simulation wrote");
                    expected++;
                    var serializer = r.IsDBNull(3) ? 0 : Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture);
                    if (serializer != AfuSerializerId)
                        throw new ForkRefusedException($"--fork-from {source.Name}: {id} event {seq} was written by serializer {serializer}, not this simulation's ({AfuSerializerId})");
                    batch.Add((r.IsDBNull(2) ? "" : r.GetString(2), (byte[])r.GetValue(4)));
                    total++;
                }
                Flush();
            }
            if (total == 0) throw new ForkRefusedException($"--fork-from {source.Name}: its journal is empty");

            var when = ParseAt(at, first, last);
            var kept = new Dictionary<string, long>(StringComparer.Ordinal);
            var posts = new Dictionary<string, DateTime>(StringComparer.Ordinal);
            var likes = new List<(string, DateTime)>();
            long events = 0, heldBack = 0;
            foreach (var (pid, list) in perUser)
            {
                var k = ForkCut.Keep(list, when);
                kept[pid] = k;
                events += k;
                for (var i = 0; i < k; i++)
                {
                    if (list[i].Post is { } post) posts[post] = list[i].At;
                    if (list[i].Liked is { } liked) likes.Add((liked, list[i].At));
                }
                for (var i = k; i < list.Count; i++)
                    if (list[i].At <= when) heldBack++;
            }
            return new ForkPlan(source, when, first, last, kept, events, total, heldBack, posts, likes);
        }
    }

    /// <summary>
    /// TIME as an instant: ISO-8601 in UTC (<c>2026-01-01T06:00:00Z</c>) or a duration after the source's first event
    /// (<c>6h</c>, <c>90m</c>, <c>1d</c>); between the source's first and last event.
    /// </summary>
    public static DateTime ParseAt(string text, DateTime first, DateTime last)
    {
        var t = text.Trim();
        DateTime at;
        if (t.Length > 0 && char.IsDigit(t[0]) && t.Contains('T') && t.Contains('-'))
        {
            if (!t.EndsWith('Z') || !DateTime.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out at))
                throw new ForkRefusedException($"--at '{text}': an instant must be ISO-8601 in UTC, ending in Z (2026-01-01T06:00:00Z)");
            at = DateTime.SpecifyKind(at, DateTimeKind.Utc);
        }
        else if (t.Length > 0 && char.IsLetter(t[^1]) && Configuration.Durations.TryParse(t, out var after))
            at = first + after;
        else
            throw new ForkRefusedException($"--at '{text}': give an ISO-8601 UTC instant (2026-01-01T06:00:00Z) or a duration after the source's first event with its unit (6h, 90m, 1d)");
        if (at < first || at > last)
            throw new ForkRefusedException($"--at {at:yyyy-MM-dd'T'HH:mm:ss'Z'}: outside the source, whose events run from {first:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} to {last:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}");
        return at;
    }

    /// <summary>
    /// Refuses a target that is not empty (its journal or training tables hold rows), reading only: a SQLite target
    /// that does not exist yet is not created here.
    /// </summary>
    public static async Task EnsureEmptyTargetAsync(SqlDialect dialect, string connectionString, string sqlitePath, string where, CancellationToken ct)
    {
        if (dialect == SqlDialect.Sqlite && !File.Exists(sqlitePath)) return;
        var db = new StoreConnection(dialect, dialect == SqlDialect.Sqlite
            ? new SqliteConnectionStringBuilder { DataSource = sqlitePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()
            : connectionString);
        DbConnection c;
        try
        {
            c = dialect == SqlDialect.Sqlite ? OpenPlain(db.ConnectionString) : await db.OpenAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StorageUnavailableException($"cannot open {where}: {FirstLine(ex.Message)}", ex);
        }
        await using (c)
        {
            foreach (var table in new[] { "journal", "snapshot" }.Concat(TrainingSchema.Tables))
            {
                if (!await db.TableExistsAsync(c, table, ct)) continue;
                await using var cmd = StoreConnection.Command(c, null, $"SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT 1) x");
                if (Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) > 0)
                    throw new ForkRefusedException(table == "journal"
                        ? $"the fork's own store, {where}, already holds a journal: a fork starts a new store (give an empty or new --data-dir, or an empty database)"
                        : $"the fork's own store, {where}, is not empty (its {table} table has rows): a fork starts a new store");
            }
        }
    }

    private static SqliteConnection OpenPlain(string cs)
    {
        var c = new SqliteConnection(cs);
        c.Open();
        return c;
    }

    /// <summary>
    /// The feed's candidate pool as it stood at the fork's instant: the posts the fork keeps from the last
    /// <paramref name="maxAge"/> before it (at most <paramref name="poolSize"/>, the newest), read from the source's posts
    /// table, and the kept likes of those posts, so the fork's first slates rank from the same pool the source's did
    /// rather than from an empty one. Posts the source's projection never wrote are left out.
    /// </summary>
    public static async Task<(IReadOnlyList<AkkaFakeUsers.Users.PostPublished> Posts, IReadOnlyList<(string PostId, DateTime At)> Likes)> WarmPoolAsync(ForkPlan plan, TimeSpan maxAge, int poolSize, CancellationToken ct)
    {
        var from = plan.At - maxAge;
        var wanted = (plan.Posts ?? new Dictionary<string, DateTime>()).Where(p => p.Value >= from && p.Value <= plan.At)
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(poolSize).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var posts = new List<AkkaFakeUsers.Users.PostPublished>();
        await using (var c = await plan.Source.OpenAsync(ct))
        {
            var db = new StoreConnection(plan.Source.Dialect, plan.Source.ConnectionString);
            if (wanted.Count > 0 && await db.TableExistsAsync(c, "posts", ct))
            {
                var json = plan.Source.Dialect == SqlDialect.Postgres ? "metadata::text" : "metadata";
                await using var cmd = StoreConnection.Command(c, null, $"SELECT id, author_id, content, interest, subtopic, created_at, {json} FROM posts WHERE created_at >= @from");
                StoreConnection.AddParam(cmd, "@from", db.TimeValue(from.AddSeconds(-1)));
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    var id = r.GetString(0);
                    if (!wanted.Contains(id)) continue;
                    using var meta = System.Text.Json.JsonDocument.Parse(r.GetString(6));
                    var m = meta.RootElement;
                    string Text(string name) => m.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString()! : "";
                    double? Number(string name) => m.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Number ? v.GetDouble() : null;
                    posts.Add(new AkkaFakeUsers.Users.PostPublished(id, r.GetString(1), AkkaFakeUsers.Users.PostIds.SeqOf(id), r.GetString(2), r.GetString(3), r.GetString(4),
                        plan.Posts![id], Text("generated_by"), Text("model_version"),
                        m.TryGetProperty("trending", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.True, Number("appeal"), Number("author_quality")));
                }
            }
        }
        var ids = posts.Select(p => p.PostId).ToHashSet(StringComparer.Ordinal);
        var likes = (plan.Likes ?? []).Where(l => ids.Contains(l.PostId)).OrderBy(l => l.At).ThenBy(l => l.PostId, StringComparer.Ordinal).ToList();
        return (posts.OrderBy(p => p.CreatedAt).ThenBy(p => p.PostId, StringComparer.Ordinal).ToList(), likes);
    }

    /// <summary>Copies the cut into the (empty, prepared) target: journal and snapshot rows in one transaction.</summary>
    public static async Task<ForkCopied> CopyAsync(ForkPlan plan, TrainingStore target, CancellationToken ct)
    {
        await using var src = await plan.Source.OpenAsync(ct);
        await using var dst = await target.OpenAsync(ct);
        var postgres = target.Dialect == SqlDialect.Postgres;
        if (target.CreatesTables)
            foreach (var ddl in postgres ? JournalSchema.PostgresStatements : JournalSchema.SqliteStatements)
                await StoreConnection.ExecAsync(dst, ddl, ct);
        await using var tx = await dst.BeginTransactionAsync(ct);
        long events = 0, snapshots = 0, dropped = 0;

        bool Keeps(string pid, long seq) => plan.KeptUpTo.TryGetValue(pid, out var k) && seq <= k;

        // the journal, in the source's order
        await using (var read = StoreConnection.Command(src, null, $"SELECT {JournalColumns} FROM journal ORDER BY ordering"))
        {
            read.CommandTimeout = 3600;
            await using var r = await read.ExecuteReaderAsync(ct);
            if (postgres)
            {
                await using var copy = await ((NpgsqlConnection)dst).BeginBinaryImportAsync($"COPY journal ({JournalColumns}) FROM STDIN (FORMAT BINARY)", ct);
                while (await r.ReadAsync(ct))
                {
                    if (!Keeps(r.GetString(2), Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture))) continue;
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(Convert.ToBoolean(r.GetValue(1), CultureInfo.InvariantCulture), NpgsqlDbType.Boolean, ct);
                    await copy.WriteAsync(r.GetString(2), NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync((byte[])r.GetValue(4), NpgsqlDbType.Bytea, ct);
                    await WriteText(copy, r, 5, ct);
                    await WriteText(copy, r, 6, ct);
                    if (r.IsDBNull(7)) await copy.WriteNullAsync(ct);
                    else await copy.WriteAsync(Convert.ToInt32(r.GetValue(7), CultureInfo.InvariantCulture), NpgsqlDbType.Integer, ct);
                    await WriteText(copy, r, 8, ct);
                    events++;
                }
                await copy.CompleteAsync(ct);
            }
            else
            {
                await using var insert = StoreConnection.Command(dst, tx,
                    $"INSERT INTO journal ({JournalColumns}) VALUES ({string.Join(", ", Enumerable.Range(0, 9).Select(i => "@p" + i))})");
                for (var i = 0; i < 9; i++) StoreConnection.AddParam(insert, "@p" + i, DBNull.Value);
                while (await r.ReadAsync(ct))
                {
                    if (!Keeps(r.GetString(2), Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture))) continue;
                    insert.Parameters[0].Value = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture);
                    insert.Parameters[1].Value = Convert.ToBoolean(r.GetValue(1), CultureInfo.InvariantCulture);
                    for (var i = 2; i < 9; i++) insert.Parameters[i].Value = r.GetValue(i);
                    await insert.ExecuteNonQueryAsync(ct);
                    events++;
                }
            }
        }

        // snapshots the cut keeps (taken at a sequence number at or before the user's last kept event)
        var db = new StoreConnection(plan.Source.Dialect, plan.Source.ConnectionString);
        if (await db.TableExistsAsync(src, "snapshot", ct))
        {
            await using var read = StoreConnection.Command(src, null, $"SELECT {SnapshotColumns} FROM snapshot ORDER BY persistence_id, sequence_number");
            await using var r = await read.ExecuteReaderAsync(ct);
            await using var insert = StoreConnection.Command(dst, tx,
                $"INSERT INTO snapshot ({SnapshotColumns}) VALUES ({string.Join(", ", Enumerable.Range(0, 6).Select(i => "@p" + i))})");
            for (var i = 0; i < 6; i++) StoreConnection.AddParam(insert, "@p" + i, DBNull.Value);
            while (await r.ReadAsync(ct))
            {
                if (!Keeps(r.GetString(0), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)))
                {
                    dropped++;
                    continue;
                }
                insert.Parameters[0].Value = r.GetString(0);
                insert.Parameters[1].Value = Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture);
                insert.Parameters[2].Value = Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture);
                insert.Parameters[3].Value = r.IsDBNull(3) ? DBNull.Value : (byte[])r.GetValue(3);
                insert.Parameters[4].Value = r.IsDBNull(4) ? DBNull.Value : r.GetString(4);
                insert.Parameters[5].Value = r.IsDBNull(5) ? DBNull.Value : Convert.ToInt32(r.GetValue(5), CultureInfo.InvariantCulture);
                await insert.ExecuteNonQueryAsync(ct);
                snapshots++;
            }
        }
        await tx.CommitAsync(ct);
        if (events != plan.Events)
            throw new InvalidOperationException($"the fork copied {events} journal events where the cut holds {plan.Events}: did the source change meanwhile?");
        return new ForkCopied(events, snapshots, dropped);
    }

    private static Task WriteText(NpgsqlBinaryImporter copy, DbDataReader r, int i, CancellationToken ct) =>
        r.IsDBNull(i) ? copy.WriteNullAsync(ct) : copy.WriteAsync(r.GetString(i), NpgsqlDbType.Text, ct);

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
