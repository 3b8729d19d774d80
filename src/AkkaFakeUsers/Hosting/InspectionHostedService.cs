using System.Net;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using AkkaFakeUsers.Inspection;
using AkkaFakeUsers.Simulation;
using AkkaFakeUsers.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using AkkaFakeUsers.Users;

namespace AkkaFakeUsers.Hosting;

/// <summary>The inspection port could not be opened (address in use, bad address): fatal for `afu run`.</summary>
public sealed class InspectionPortException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Runs the inspection server next to the actor system (started after it, stopped before it).</summary>
public sealed class InspectionHostedService(IServiceProvider services) : IHostedService, IAsyncDisposable
{
    private InspectionServer? _server;

    public IPEndPoint? EndPoint => _server?.EndPoint;

    /// <summary>The palettes every node registers (the Petabridge.Cmd-style registration).</summary>
    public static void RegisterDefaults(CommandRegistry cmd, InspectionContext ctx) => cmd
        .RegisterCommandPalette(new ActorPalette(ctx))
        .RegisterCommandPalette(new ClusterPalette(ctx))
        .RegisterCommandPalette(new LogPalette(ctx))
        .RegisterCommandPalette(new SimPalette(ctx))
        .RegisterCommandPalette(new LlmPalette(ctx))
        .RegisterCommandPalette(new FeedPalette(ctx));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolved here, not in the constructor: the actor system exists once Akka's hosted service has started.
        var settings = services.GetRequiredService<AfuSettings>();
        var ctx = services.GetRequiredService<InspectionContext>();
        var commands = new CommandRegistry();
        RegisterDefaults(commands, ctx);
        foreach (var configure in services.GetServices<Action<CommandRegistry>>()) configure(commands);
        var address = settings.Inspection.Host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(settings.Inspection.Host);
        var akkaLog = Akka.Event.Logging.GetLogger(ctx.System, "inspection");
        _server = new InspectionServer(address, settings.Inspection.Port, settings.Inspection.Token, commands, m => akkaLog.Warning(m),
            InspectionLimits.Default with
            {
                MaxConnections = settings.Inspection.MaxConnections,
                IdleTimeout = settings.Inspection.IdleTimeout ?? InspectionLimits.Default.IdleTimeout,
            });
        try
        {
            _server.Start();
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new InspectionPortException(
                $"cannot open the inspection port {settings.Inspection.Host}:{settings.Inspection.Port} ({ex.SocketErrorCode}): another afu run? " +
                "set AFU_INSPECTION_PORT (0 = any free port)", ex);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null) await _server.DisposeAsync();
        _server = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
