using Akka.Cluster.Hosting.SBR;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using AkkaFakeUsers.Clock;
using AkkaFakeUsers.Domain;
using AkkaFakeUsers.Feed;
using AkkaFakeUsers.Inspection;
using AkkaFakeUsers.Llm;
using AkkaFakeUsers.Serialization;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using AkkaFakeUsers.Users;
using LinqToDB;
using Microsoft.Extensions.DependencyInjection;

namespace AkkaFakeUsers.Hosting;

/// <summary>The wiring of each feature onto the "afu" actor system, one extension method a feature.</summary>
public static class AfuHostingExtensions
{
    public const string ActorSystemName = "afu";

    /// <summary>The cluster role every node has; users, pub/sub and the singletons live on nodes of this role.</summary>
    public const string Role = "afu";

    /// <summary>Everything a node runs: the actor system with cluster, persistence, users, feed, gateway, manager and projection.</summary>
    /// <param name="known">Users the journal held at start (<see cref="KnownUsers.LoadAsync"/>): new ones skip recovery. Default: all recover.</param>
    /// <param name="resumeAfter">The newest simulated instant in the store (<see cref="TrainingStore.NewestPostAtAsync"/>): the clock starts after it.</param>
    public static IServiceCollection AddAkkaFakeUsers(this IServiceCollection services, AfuSettings settings, IContentGenerator primaryGenerator, TrainingStore store,
        KnownUsers? known = null, DateTime? resumeAfter = null, WarmPool? warm = null)
    {
        var clock = new SimulationClock(settings.TimeScale, settings.StartAt(DateTime.UtcNow, resumeAfter), settings.ClockSettings.RunFor);
        var gatewayLoad = new GatewayLoad();
        var metrics = new UserMetrics();
        var nodeMetrics = new Observability.NodeMetrics();
        var drain = new DrainReport();
        services.AddSingleton(nodeMetrics);
        // built on first use (the health endpoint, the dashboard), once the actor system runs
        services.AddSingleton(sp => new MetricsCollector(nodeMetrics, sp.GetRequiredService<ActorSystem>(), sp.GetRequiredService<ActorRegistry>(), metrics,
            sp.GetRequiredService<SimulationOperations>(), settings));
        services.AddSingleton(drain);
        services.AddSingleton(settings);
        services.AddSingleton(clock);
        services.AddSingleton<ISimClock>(clock);
        services.AddSingleton(metrics);
        services.AddSingleton(store);
        services.AddAkka(ActorSystemName, (builder, _) =>
        {
            builder
                .AddHocon(SettingsLoader.EmbeddedConf("akka.conf"), HoconAddMode.Prepend)
                .WithAfuSerialization()
                .WithAfuCluster(settings)
                .WithAfuPersistence(settings, store.CreatesTables)
                .WithLlmGateway(settings.Llm, primaryGenerator, nodeMetrics, gatewayLoad)
                .WithSimulationClock(settings.ClockSettings, clock,
                    [new BacklogGauge("LLM queue", () => gatewayLoad.Waiting, Math.Max(1, settings.Llm.MaxQueue / 2))],
                    [FeedTopics.Posts, FeedTopics.Likes, FeedTopics.Comments])
                .WithFeed(settings.Feed, settings.Seed, clock, warm)
                .WithFakeUsers(settings.UserRules(), clock, metrics, known ?? KnownUsers.Unknown, settings.TargetUserCount, r => r.Get<FeedActor>(), Role)
                .WithSimulationManager(settings, clock, Role)
                .WithTrainingProjection(store, Role)
                .WithDrainOnShutdown(drain, clock.Schedule);
        });
        // What the inspection port and the dashboard read and steer through (built on first use, once the actor system runs).
        services.AddSingleton(sp => new InspectionContext(sp.GetRequiredService<ActorSystem>(), sp.GetRequiredService<ActorRegistry>(),
            metrics, settings, store, DateTime.UtcNow));
        services.AddSingleton(sp => new SimulationOperations(sp.GetRequiredService<InspectionContext>()));
        // After AddAkka: started once the actor system runs, stopped before it.
        services.AddSingleton<InspectionHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<InspectionHostedService>());
        return services;
    }

    public static AkkaConfigurationBuilder WithAfuSerialization(this AkkaConfigurationBuilder builder) =>
        builder.WithCustomSerializer("afu-json", [typeof(IAfuSerializable)], system => new AfuJsonSerializer(system));

    /// <summary>Remoting on the configured host/port, clustering with the configured seed nodes (or joining itself), and DistributedPubSub.</summary>
    public static AkkaConfigurationBuilder WithAfuCluster(this AkkaConfigurationBuilder builder, AfuSettings settings)
    {
        builder
            .WithRemoting(settings.Cluster.Hostname, settings.Cluster.Port,
                settings.Cluster.PublicHostname.Length > 0 ? settings.Cluster.PublicHostname : null)
            .WithClustering(new ClusterOptions
            {
                SeedNodes = settings.Cluster.SeedNodes.ToArray(),
                Roles = [Role],
                MinimumNumberOfMembers = settings.Cluster.MinMembers,
                // Keep-majority, set explicitly: after a partition or a crash the side with more nodes stays and downs the
                // rest (on a tie, the side with the lowest address), so a crashed node is downed and its shards and
                // singletons move without an operator. It needs no fixed cluster size (static-quorum would) and no lease
                // store (lease-majority would); keep-oldest would let one old node down a majority.
                SplitBrainResolver = new KeepMajorityOption(),
            })
            .WithDistributedPubSub(Role);
        if (settings.Cluster.SeedNodes.Count == 0)
        {
            builder.AddStartup((system, _) =>
            {
                var cluster = Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            });
        }
        return builder;
    }

    public static (string ConnectionString, string Provider) JournalConnection(AfuSettings settings) => settings.Storage switch
    {
        StorageKind.Sqlite => (StoreConnection.SqliteConnectionString(settings.SqlitePath), ProviderName.SQLiteMS),
        _ => (settings.PostgresConnectionString, ProviderName.PostgreSQL15),
    };

    /// <summary>
    /// SQLite has one writer at a time. Microsoft.Data.Sqlite opens a transaction of an unspecified (= serializable)
    /// isolation level with BEGIN IMMEDIATE, which takes the write lock even to read, and a connection that finds the lock
    /// taken sleeps 150 ms before trying again: every recovery query queued behind every write. Reads as deferred
    /// transactions (read-uncommitted is what maps to BEGIN DEFERRED; without a shared cache SQLite still reads only
    /// committed data, from a WAL snapshot) never take the lock, and one write at a time lets batches grow instead of
    /// colliding.
    /// </summary>
    private const string SqliteTransactions = """
        akka.persistence.journal.sql { read-isolation-level = read-uncommitted, parallelism = 1 }
        akka.persistence.snapshot-store.sql.read-isolation-level = read-uncommitted
        akka.persistence.query.journal.sql.read-isolation-level = read-uncommitted
        """;

    /// <summary>Journal + snapshots through Akka.Persistence.Sql (SQLite or PostgreSQL), events tagged for the projection.</summary>
    /// <param name="autoInitialize">false when the tables were created beforehand for a role that may not create tables.</param>
    public static AkkaConfigurationBuilder WithAfuPersistence(this AkkaConfigurationBuilder builder, AfuSettings settings, bool autoInitialize = true)
    {
        var (cs, provider) = JournalConnection(settings);
        if (settings.Storage == StorageKind.Sqlite)
            builder.AddHocon(SqliteTransactions, HoconAddMode.Prepend);
        builder.WithSqlPersistence(
            connectionString: cs,
            providerName: provider,
            autoInitialize: autoInitialize,
            // Csv, not TagTable: Akka.Persistence.Sql 1.5.73 reads tag-table tags with a correlated sub-query over the whole
            // tags table for every row (STRING_AGG ... FILTER), which made the projection slow down as the journal grew
            // (PostgreSQL: ~250 events/s at 60k events). With Csv a page is an index range scan on ordering.
            tagStorageMode: TagMode.Csv,
            journalBuilder: j => j.AddWriteEventAdapter<AfuTagger>("afu-tagger", [typeof(IUserEvent)]));
        // The journal writing waiting persists together (and on SQLite the snapshot store taking turns at the file): a fork
        // of the plugin's internals in AkkaFakeUsers.Persistence.Coalescing (see its README). After WithSqlPersistence,
        // so that its classes win over the ones the hosting wrote.
        return AkkaFakeUsers.Persistence.Coalescing.CoalescingJournalHosting.WithCoalescingSqlJournal(builder, provider);
    }

}
