using System.CommandLine;
using AkkaFakeUsers.Bench;

// Each benchmark declares its options and their defaults here; System.CommandLine parses them.
var root = new RootCommand("AkkaFakeUsers benchmarks: each prints its figures and writes them to OUT/NAME.json.");

Command Bench(string name, string description, Func<BenchOptions, Task<int>> run, params Option[] options)
{
    var command = new Command(name, description) { new Option<string>("--out") { Description = "Directory for the results file.", DefaultValueFactory = _ => "bench-results" } };
    foreach (var o in options) command.Add(o);
    command.SetAction((result, _) => run(new BenchOptions(result)));
    root.Add(command);
    return command;
}

Option<int> Int(string name, int fallback, string description) => new("--" + name) { Description = description, DefaultValueFactory = _ => fallback };
Option<string?> Text(string name, string? fallback, string description) => new("--" + name) { Description = description, DefaultValueFactory = _ => fallback };

Bench("llm-gateway", "The gateway against an Ollama-compatible server with P slots: efficiency against P/L, 503s, a naive client beside it.", LlmGatewayBench.RunAsync,
    Int("parallel", 4, "The server's parallel slots (P) and the gateway's max-in-flight."),
    Int("server-queue", 16, "Requests the server queues beyond its slots before answering 503."),
    Int("requests", 400, "Requests per run."),
    Int("latency-ms", 200, "The server's time per text (L), first run."),
    Int("latency-ms-2", 100, "The server's time per text, second run."),
    Int("users", 60, "Busy share: users asking for their next text as soon as the last came back."),
    Int("seconds", 20, "Busy share: measured seconds per run (after 2 s of warm-up)."));
Bench("persistence", "Journal writes per second from many writers, the projection alone and together, and plain-insert baselines.", PersistenceBench.RunAsync,
    Int("writers", 300, "Persistent actors writing at once."),
    Int("seconds", 10, "Measured seconds per phase."),
    Int("warmup", 5, "Seconds of writing before measuring."),
    Int("together", 10, "Seconds of writers and projection together (0 = skip)."),
    Text("stores", "sqlite,postgres", "Stores to measure, comma-separated."),
    Text("postgres", null, "PostgreSQL connection string (default AFU_TEST_POSTGRES)."),
    Text("journal", "default", "The journal class: default (what a node runs on that store), stock (Akka.Persistence.Sql's SqlWriteJournal) or coalescing (CoalescingSqlJournal)."));
Bench("scale", "Creates N users on one node, then restarts it: time to create, RSS, time until all are live again (awake or asleep), and a while of activity: wake-ups/s, share awake.", ScaleBench.RunAsync,
    Text("users", "10000,50000,100000", "Population sizes, comma-separated."),
    Text("stores", "sqlite,postgres", "Stores to measure, comma-separated."),
    Text("postgres", null, "PostgreSQL connection string (default AFU_TEST_POSTGRES)."),
    Int("timeout-s", 300, "Give up on one size after this many seconds."),
    Text("sleep-after", "1h", "afu.users.sleep-after for the run (0 = users never sleep: every user a live actor, as before)."),
    Int("active-s", 30, "Seconds of activity after the restart (posting every hour, sessions every 2 h, x60): wake-ups/s and share awake (0 = skip)."));

Bench("feed", "One node's feed serving slates to R readers from a pool of P posts: slates/s and request latency p50/p99, per policy.", FeedBench.RunAsync,
    Int("users", 100_000, "Readers (users asking for slates)."),
    Int("pool", 20_000, "Recent posts in the candidate pool."),
    Int("candidates", 200, "Candidates retrieved and scored per slate (afu.feed.candidates)."),
    Int("in-flight", 16, "Requests outstanding at once (closed loop)."),
    Int("seconds", 10, "Measured seconds per policy (after 2 s of warm-up)."));

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 || parsed.CommandResult.Command == root)
{
    foreach (var e in parsed.Errors) Console.Error.WriteLine($"bench: {e.Message}");
    if (parsed.Errors.Count == 0) Console.Error.WriteLine("bench: name a benchmark (llm-gateway, persistence, scale, feed); --help lists their options");
    return 2;
}
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 2;
}
