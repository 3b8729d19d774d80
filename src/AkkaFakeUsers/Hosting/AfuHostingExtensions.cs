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
    public const string UserShardTypeName = "user";
    public const int ShardCount = 100;

    /// <summary>Everything a node runs: the actor system with cluster, persistence, users, feed, gateway, manager and projection.</summary>
    /// <param name="known">Users the journal held at start (<see cref="KnownUsers.LoadAsync"/>): new ones skip recovery. Default: all recover.</param>
    /// <param name="resumeAfter">The newest simulated instant in the store (<see cref="TrainingStore.NewestPostAtAsync"/>): the clock starts after it.</param>
    public static IServiceCollection AddAkkaFakeUsers(this IServiceCollection services, AfuSettings settings, IContentGenerator primaryGenerator, TrainingStore store,
        KnownUsers? known = null, DateTime? resumeAfter = null)
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
                .WithLlmGateway(settings, primaryGenerator, nodeMetrics, gatewayLoad)
                .WithSimulationClock(settings, clock, gatewayLoad)
                .WithFeed(settings, clock)
                .WithFakeUsers(settings, clock, metrics, known ?? KnownUsers.Unknown)
                .WithSimulationManager(settings, clock)
                .WithTrainingProjection(store)
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

    /// <summary>
    /// The gateway under a back-off supervisor: should it ever crash (its failures are normally messages), it is
    /// restarted after 1 s, 2 s, 4 s… up to 30 s; requests sent to the supervisor are forwarded to it.
    /// </summary>
    public static AkkaConfigurationBuilder WithLlmGateway(this AkkaConfigurationBuilder builder, AfuSettings settings, IContentGenerator primary,
        Observability.NodeMetrics? metrics = null, GatewayLoad? load = null) =>
        builder.WithActors((system, registry) =>
        {
            var gateway = Props.Create(() => new LlmGateway(primary, settings.Llm, metrics, load));
            var supervised = Akka.Pattern.BackoffSupervisor.Props(
                Akka.Pattern.Backoff.OnFailure(gateway, "gateway", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, -1));
            registry.Register<LlmGateway>(system.ActorOf(supervised, "llm-gateway"));
        });

    /// <summary>
    /// The node's clock driver: releases the due work of the node's schedule as simulated time advances, holds the clock
    /// while the node is behind (released work not done, the LLM queue half full), and keeps within the max skew of the
    /// other nodes' clocks. As fast as it can, it starts once the manager's first sweep created the population.
    /// </summary>
    public static AkkaConfigurationBuilder WithSimulationClock(this AkkaConfigurationBuilder builder, AfuSettings settings, SimulationClock clock, GatewayLoad? load = null) =>
        builder.WithActors((system, registry) =>
        {
            var gauges = load is null ? Array.Empty<BacklogGauge>() : [new BacklogGauge("LLM queue", () => load.Waiting, Math.Max(1, settings.Llm.MaxQueue / 2))];
            var driver = system.ActorOf(Props.Create(() => new ClockDriver(clock, settings.ClockSettings, DistributedPubSub.Get(system).Mediator, gauges,
                new[] { FeedTopics.Posts, FeedTopics.Likes, FeedTopics.Comments }, true)), "sim-clock");
            registry.Register<ClockDriver>(driver);
        });

    public static AkkaConfigurationBuilder WithFeed(this AkkaConfigurationBuilder builder, AfuSettings settings, SimulationClock? clock = null) =>
        builder.WithActors((system, registry) =>
        {
            var mediator = DistributedPubSub.Get(system).Mediator;
            var f = settings.Feed;
            var learned = new LearnedModel();
            var serving = new FeedServing(settings.Seed, PolicyMix.From(f.Policies, f.Exploration, learned), f.Exploration, f.Candidates, f.RandomShare,
                f.PoolSize, f.MaxPostAge, f.Shadows.Select(s => PolicySpec.From(s, f.Exploration, learned)).ToArray(), learned, f.PerSlate);
            Func<IActorRef?> users = () => registry.TryGet<FakeUser>(out var region) ? region : null;
            var feed = system.ActorOf(Props.Create(() => new FeedActor(mediator, serving, f.LearnedRefresh, clock, users)), "feed");
            registry.Register<FeedActor>(feed);
        });

    /// <summary>The "user" shard region: users spread over the nodes, hand-off stops them behind in-flight persists.</summary>
    public static AkkaConfigurationBuilder WithFakeUsers(this AkkaConfigurationBuilder builder, AfuSettings settings, SimulationClock clock, UserMetrics metrics, KnownUsers known) =>
        builder.WithShardRegion<FakeUser>(UserShardTypeName,
            (system, registry, _) =>
            {
                FakeUserDeps? deps = null;
                return entityId =>
                {
                    deps ??= new FakeUserDeps(settings.UserRules(), clock, metrics, registry.Get<LlmGateway>(), registry.Get<FeedActor>(), DistributedPubSub.Get(system).Mediator, known,
                        settings.SleepAfter > TimeSpan.Zero ? registry.Get<FakeUser>() : null);
                    // Not Props.Create(() => new FakeUser(…)): Akka compiles each argument of such an expression into a
                    // DynamicMethod, two per user, which the finalizer thread then has to destroy (in `bench persistence` 400 such
                    // methods made that thread 43% of all sampled CPU).
                    return Props.Create<FakeUser>(entityId, deps);
                };
            },
            new UserMessageExtractor(ShardCount),
            new ShardOptions
            {
                Role = Role,
                RememberEntities = false,
                ShouldPassivateIdleEntities = false,
                HandOffStopMessage = StopUser.Instance,
                StateStoreMode = StateStoreMode.DData,
            })
            .WithActors((system, registry) =>
            {
                // users sleep: those the journal holds start asleep, each recovering when its first timer falls due
                if (settings.SleepAfter <= TimeSpan.Zero || known.Count == 0) return;
                var sw = System.Diagnostics.Stopwatch.StartNew();
                var n = SleepingPopulation.Restore(known, settings.TargetUserCount, settings.UserRules(), clock.Schedule, registry.Get<FakeUser>(), clock.Now);
                system.Log.Info("{0} users of the journal start asleep, their first timers planned ({1:0} ms); each recovers when one falls due", n, sw.Elapsed.TotalMilliseconds);
            });

    public static AkkaConfigurationBuilder WithSimulationManager(this AkkaConfigurationBuilder builder, AfuSettings settings, SimulationClock clock) =>
        builder.WithSingleton<SimulationManager>("simulation-manager",
            (system, registry, _) => Props.Create(() => new SimulationManager(registry.Get<FakeUser>(), settings.TargetUserCount, settings.EnsureBatch, settings.EnsureInterval,
                settings.Behaviour.Joining, clock, DistributedPubSub.Get(system).Mediator, settings.SleepAfter > TimeSpan.Zero)),
            new ClusterSingletonOptions { Role = Role });

    public static AkkaConfigurationBuilder WithTrainingProjection(this AkkaConfigurationBuilder builder, TrainingStore store) =>
        builder.WithSingleton<ProjectionActor>("training-projection",
            (_, _, _) => Props.Create(() => new ProjectionActor(store)),
            new ClusterSingletonOptions { Role = Role });
}

/// <summary>Routes <see cref="IUserMessage"/>s to the user's shard by its id.</summary>
public sealed class UserMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message switch
    {
        IUserMessage m => m.UserId,
        Scheduled { Owner: { } owner } => owner, // a sleeping user's timer: it wakes the user
        WakeUp w => w.Owner,
        _ => null,
    };
}
