using Akka.Actor;
using Akka.Hosting;
using AkkaFakeUsers.Observability;

namespace AkkaFakeUsers.Hosting;

public static class ActorRegistryExtensions
{
    /// <summary>
    /// Asks the registered actor for its status; null when it is not registered yet, does not answer in time, or
    /// fails. A failure is never hidden: it is counted in <c>afu_status_ask_failures_total{actor}</c> (when
    /// <paramref name="metrics"/> is given) and reported to <paramref name="warn"/>.
    /// </summary>
    public static async Task<TReply?> TryAskAsync<TKey, TReply>(this ActorRegistry registry, object message, TimeSpan timeout,
        NodeMetrics? metrics = null, Action<string>? warn = null) where TReply : class
    {
        if (!registry.TryGet<TKey>(out var actor))
        {
            // not started yet (or this node does not host it): counted, as a scrape then lacks its families
            metrics?.AskFailures.WithLabels(typeof(TKey).Name).Inc();
            return null;
        }
        try
        {
            return await actor.Ask<TReply>(message, timeout);
        }
        catch (Exception ex)
        {
            metrics?.AskFailures.WithLabels(typeof(TKey).Name).Inc();
            warn?.Invoke($"status of {typeof(TKey).Name} unavailable: {ex.GetType().Name}: {ex.Message}");
            return null;
        }
    }
}
