using Akka.Actor;
using Akka.Hosting;

namespace AkkaFakeUsers.Hosting;

public static class ActorRegistryExtensions
{
    /// <summary>Asks the registered actor; null when it is not registered yet, does not answer in time, or fails (status displays).</summary>
    public static async Task<TReply?> TryAskAsync<TKey, TReply>(this ActorRegistry registry, object message, TimeSpan timeout) where TReply : class
    {
        try
        {
            return registry.TryGet<TKey>(out var actor) ? await actor.Ask<TReply>(message, timeout) : null;
        }
        catch (Exception)
        {
            return null;
        }
    }
}
