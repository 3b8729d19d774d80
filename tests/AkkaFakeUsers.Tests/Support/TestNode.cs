using Akka.Actor;
using Akka.Hosting;
using AkkaFakeUsers.Hosting;
using AkkaFakeUsers.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaFakeUsers.Tests.Support;

/// <summary>An actor system wired like production (serializer + Akka.Persistence.Sql on SQLite), without cluster, for actor tests.</summary>
public sealed class TestNode : IAsyncDisposable
{
    private readonly IHost _host;

    private TestNode(IHost host, ActorSystem system)
    {
        _host = host;
        System = system;
    }

    public ActorSystem System { get; }

    /// <param name="hocon">Configuration that wins over the node's own (e.g. another journal class).</param>
    public static async Task<TestNode> StartAsync(AfuSettings settings, string? hocon = null)
    {
        Directory.CreateDirectory(settings.DataDir);
        var host = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(s => s.AddAkka("afu-test", (b, _) =>
            {
                b.AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend)
                    .WithAfuSerialization()
                    .WithAfuPersistence(settings);
                if (hocon is not null) b.AddHocon(hocon, HoconAddMode.Prepend);
            }))
            .Build();
        await host.StartAsync();
        return new TestNode(host, host.Services.GetRequiredService<ActorSystem>());
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
