using Prometheus;

namespace AkkaFakeUsers.Observability;

/// <summary>
/// This node's Prometheus instruments (prometheus-net), in a registry of its own so two nodes in one process (tests)
/// never share counts. What is measured where it happens lives here (LLM call latency, queue wait, failed status
/// asks); what the actors already count is copied in before each scrape by <c>Hosting.MetricsCollector</c>.
/// Rates are left to PromQL: every count is a counter, every level a gauge, every duration a histogram.
/// </summary>
public sealed class NodeMetrics
{
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();
    private readonly IMetricFactory _f;

    public NodeMetrics()
    {
        _f = Metrics.WithCustomRegistry(Registry);
        LlmLatency = _f.CreateHistogram("afu_llm_latency_seconds", "Duration of successful calls to the primary generator (Ollama, or the built-in one with --llm builtin).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 18) });
        LlmQueueWait = _f.CreateHistogram("afu_llm_queue_wait_seconds", "Time a text request waited in the gateway before its call started.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 18) });
        AskFailures = _f.CreateCounter("afu_status_ask_failures_total", "Asks for an actor's status (for metrics or the dashboard) that failed or timed out, by actor.",
            new CounterConfiguration { LabelNames = ["actor"] });
    }

    public Histogram LlmLatency { get; }
    public Histogram LlmQueueWait { get; }
    public Counter AskFailures { get; }

    public Counter Counter(string name, string help, params string[] labels) => _f.CreateCounter(name, help, new CounterConfiguration { LabelNames = labels });
    public Gauge Gauge(string name, string help, params string[] labels) => _f.CreateGauge(name, help, new GaugeConfiguration { LabelNames = labels });

    /// <summary>The Prometheus text exposition of every family.</summary>
    public async Task<string> ExportAsync(CancellationToken ct)
    {
        using var ms = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(ms, ct);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}
