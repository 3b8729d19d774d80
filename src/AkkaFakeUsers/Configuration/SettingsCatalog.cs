// One declaration per setting, and everything derived from the list: 300+ lines because it is the list.
using System.Reflection;
using System.Text;

namespace AkkaFakeUsers.Configuration;

public enum SettingKind { String, Url, Long, Int, Double, Bool, Duration, Enum, StringList, DoubleList, Map }

/// <summary>
/// One setting: its key under <c>afu { … }</c>, kind and allowed range, default (as HOCON), named environment variable
/// and <c>afu run</c> flag, and what it means. <see cref="SettingsCatalog"/> declares every one; the loader, the
/// command line, <c>afu help</c>, the shipped hocon/simulation.conf and the table of docs/configuration.md all come from there.
/// </summary>
public sealed record Setting(string Key, SettingKind Kind, string Default, string Help)
{
    /// <summary>A documented variable of its own (the seed's names and AFU_*); every key also answers to <see cref="GenericEnv"/>.</summary>
    public string? Env { get; init; }

    /// <summary>The <c>afu run</c> (and export/dataset) flag without dashes, or null.</summary>
    public string? Flag { get; init; }

    /// <summary>What the flag's value is called in the usage text (N, DIR…).</summary>
    public string FlagValue { get; init; } = "X";

    public double Min { get; init; } = double.MinValue;
    public double Max { get; init; } = double.MaxValue;
    public bool AllowEmpty { get; init; }
    public bool AllowZero { get; init; }
    public IReadOnlyList<string> Allowed { get; init; } = [];

    /// <summary>AFU__SECTION__KEY: afu.feed.random-share is AFU__FEED__RANDOM_SHARE.</summary>
    public string GenericEnv => "AFU__" + string.Join("__", Key["afu.".Length..].Split('.').Select(p => p.Replace('-', '_').ToUpperInvariant()));
}

/// <summary>Every setting of <c>afu { … }</c>, in the order of the shipped simulation.conf.</summary>
public static class SettingsCatalog
{
    private static Setting S(string key, SettingKind kind, string def, string help) => new(key, kind, def, help);

    private static Setting Num(string key, string def, double min, double max, string help) => new(key, SettingKind.Double, def, help) { Min = min, Max = max };

    private static Setting Whole(string key, string def, int min, int max, string help) => new(key, SettingKind.Int, def, help) { Min = min, Max = max };

    public static readonly Setting Seed = new("afu.seed", SettingKind.Long, "0",
        "Run seed: the same seed with the built-in generator gives the same decisions. 0 = pick one at random (it is printed).")
        { Env = "AFU_SEED", Flag = "seed", FlagValue = "S", Min = 0 };
    public static readonly Setting DataDir = new("afu.data-dir", SettingKind.String, "\"./data\"",
        "Where the SQLite database (journal, snapshots, training tables) lives.") { Env = "AFU_DATA_DIR", Flag = "data-dir", FlagValue = "DIR" };
    public static readonly Setting Storage = new("afu.storage", SettingKind.Enum, "sqlite", "sqlite (embedded default) or postgres.")
        { Env = "AFU_STORAGE", Flag = "storage", FlagValue = "sqlite|postgres", Allowed = ["sqlite", "postgres"] };
    public static readonly Setting Profile = new("afu.profile", SettingKind.Enum, "seed",
        "Behaviour profile: a named layer of settings below --config, env and flags (hocon/profiles/NAME.conf). seed: the behaviour documented here (posting every 0-60 s, interaction probability 0.7); calibrated: posting, sessions and reactions set so the data's statistics fall in the ranges of published real logs (docs/fidelity.md, afu dataset fidelity).")
        { Env = "AFU_PROFILE", Flag = "profile", FlagValue = "seed|calibrated", Allowed = ["seed", "calibrated"] };
    public static readonly Setting PostgresConnection = new("afu.postgres.connection-string", SettingKind.String, "\"\"",
        "Npgsql connection string, e.g. Host=localhost;Database=afu;Username=afu;Password=…") { Env = "AFU_POSTGRES", AllowEmpty = true };

    public static readonly Setting UsersCountMin = new("afu.users.count-min", SettingKind.Int, "5",
        "The population is drawn (with the seed) between count-min and count-max, unless count > 0.") { Env = "FAKE_USER_COUNT_MIN", Min = 0 };
    public static readonly Setting UsersCountMax = new("afu.users.count-max", SettingKind.Int, "10", "Upper end of the drawn population.")
        { Env = "FAKE_USER_COUNT_MAX", Min = 0 };
    public static readonly Setting UsersCount = new("afu.users.count", SettingKind.Int, "0", "A fixed population; 0 = draw between count-min and count-max.")
        { Flag = "users", FlagValue = "N", Min = 0 };
    public static readonly Setting InterestsPerUser = new("afu.users.interests-per-user", SettingKind.DoubleList, "[0.4, 0.4, 0.2]",
        "P(1 interest), P(2), P(3).") { Min = 0, Max = 1 };
    public static readonly Setting EnsureInterval = S("afu.users.ensure-interval", SettingKind.Duration, "30s",
        "How often the manager looks for users of the population that do not exist yet (with users sleeping, only new ones: sleepers are woken by their schedule).");
    public static readonly Setting SleepAfter = new("afu.users.sleep-after", SettingKind.Duration, "1h",
        "A user with nothing under way and nothing due within this simulated span falls asleep: its actor stops, its wake-ups stay in the node's schedule, which wakes it in time (0 = users never sleep).")
        { Env = "AFU_SLEEP_AFTER", AllowZero = true };

    public static readonly Setting InterestsEnabled = S("afu.interests.enabled", SettingKind.StringList, "[sports, tech, anime, cars, food]",
        "Subset of the catalog: sports, tech, anime, cars, food.");
    public static readonly Setting InterestWeights = S("afu.interests.weights", SettingKind.Map, "{ sports = 1.0, tech = 1.0, anime = 0.8, cars = 0.7, food = 0.9 }",
        "Relative popularity when users pick their interests.");

    public static readonly Setting PostInterval = new("afu.posting.interval", SettingKind.Duration, "60s",
        "Mean time between two posts of one user (divided by its heavy-tailed activity factor); a bare number is seconds.") { Env = "POST_GENERATION_INTERVAL" };
    public static readonly Setting PostJitter = Num("afu.posting.jitter", "0.5", 0, 0.95,
        "With the daily curve off: each wait is interval x activity x (1 +/- jitter), so users never post in lock-step.");

    public static readonly Setting InteractionProbability = new("afu.reactions.interaction-probability", SettingKind.Double, "0.7",
        "Base probability that an examined post of a slate is opened (a view; rises a little with the match score).") { Env = "INTERACTION_PROBABILITY", Min = 0, Max = 1 };
    public static readonly Setting LikeBase = Num("afu.reactions.like-base", "0.01", 0, 1,
        "P(like | view) = like-base + like-slope x score^like-exponent: users like what they love most (score 1: 0.81), rarely what they merely share (0.7: 0.10).");
    public static readonly Setting LikeSlope = Num("afu.reactions.like-slope", "0.8", 0, 1, "See like-base.");
    public static readonly Setting LikeExponent = Num("afu.reactions.like-exponent", "6", 0.1, 20, "See like-base.");
    public static readonly Setting CommentBase = Num("afu.reactions.comment-base", "0.01", 0, 1, "P(comment | view) = comment-base + comment-slope x score.");
    public static readonly Setting CommentSlope = Num("afu.reactions.comment-slope", "0.1", 0, 1, "See comment-base.");
    public static readonly Setting InterestSignal = S("afu.reactions.interest-signal", SettingKind.Bool, "on",
        "off: decisions ignore interests and posts' appeal, every view decided as if its score were 0.85 (a control: a recommender trained on such data scores ~0.5 AUC).");
    public static readonly Setting OpenMatchWeight = Num("afu.reactions.open-match-weight", "0.25", 0, 1,
        "P(open | examined) = interaction-probability x ((1 - w) + w x score^open-match-exponent) x the post's appeal factor: how much opening depends on the match.");
    public static readonly Setting OpenMatchExponent = Num("afu.reactions.open-match-exponent", "1", 0.1, 20, "See open-match-weight.");

    public static readonly Setting HeavyTail = S("afu.behaviour.activity.heavy-tail", SettingKind.Bool, "on",
        "Posting rates are log-normal across users (mean 1 x posting.interval): a few post a lot, most rarely; off = everyone the same rate.");
    public static readonly Setting Sigma = Num("afu.behaviour.activity.sigma", "1.2", 0, 4, "Spread of the log-normal; 1.2 gives a Gini of about 0.6 in posts per user.");
    public static readonly Setting MaxFactor = Num("afu.behaviour.activity.max-factor", "30", 1, 1000, "Cap on one user's rate relative to the mean.");
    public static readonly Setting DailyEnabled = S("afu.behaviour.daily-curve.enabled", SettingKind.Bool, "on",
        "Time-of-day pattern in simulated UTC hours: posts follow the curve (a non-homogeneous Poisson process).");
    public static readonly Setting Hourly = new("afu.behaviour.daily-curve.hourly", SettingKind.DoubleList,
        "[0.35, 0.2, 0.15, 0.1, 0.1, 0.15, 0.35, 0.7, 1.0, 1.0, 0.95, 1.0, 1.3, 1.2, 1.0, 0.95, 1.0, 1.15, 1.4, 1.7, 1.9, 1.8, 1.3, 0.7]",
        "24 relative weights for hours 0..23.") { Min = 0, Max = 1000 };
    public static readonly Setting ChronotypeHours = Num("afu.behaviour.daily-curve.chronotype-hours", "1.0", 0, 12,
        "Each user shifts the curve by a personal chronotype: normal, this standard deviation in hours.");
    public static readonly Setting FollowEnabled = S("afu.behaviour.follow.enabled", SettingKind.Bool, "on",
        "After a like the user may follow the author; followed authors' recent posts are candidates of their followers' slates first.");
    public static readonly Setting FollowBase = Num("afu.behaviour.follow.base", "0.01", 0, 1, "P(follow | like) = base + slope x match score (edges prefer shared interests).");
    public static readonly Setting FollowSlope = Num("afu.behaviour.follow.slope", "0.12", 0, 1, "See follow.base.");
    public static readonly Setting MaxFollowing = Whole("afu.behaviour.follow.max-following", "200", 0, 100_000, "Most authors one user follows.");
    public static readonly Setting ThreadsEnabled = S("afu.behaviour.threads.enabled", SettingKind.Bool, "on",
        "A comment's recipient (the post's author, then the commenter) may reply (parent_id and thread_depth in the metadata).");
    public static readonly Setting ReplyProbability = Num("afu.behaviour.threads.reply-probability", "0.5", 0, 1,
        "P(reply) = reply-probability x decay^(depth-1), up to max-depth levels.");
    public static readonly Setting ReplyDecay = Num("afu.behaviour.threads.decay", "0.5", 0, 1, "See reply-probability.");
    public static readonly Setting MaxDepth = Whole("afu.behaviour.threads.max-depth", "3", 1, 20, "Deepest thread level a reply may reach.");
    public static readonly Setting TrendsEnabled = S("afu.behaviour.trends.enabled", SettingKind.Bool, "on",
        "Every period (simulated) a subtopic may trend: its fans write about it more and like it more.");
    public static readonly Setting TrendPeriod = S("afu.behaviour.trends.period", SettingKind.Duration, "3h", "How long a trend lasts; a new one may start each period.");
    public static readonly Setting TrendChance = Num("afu.behaviour.trends.chance", "0.7", 0, 1, "Probability that a period has a trend.");
    public static readonly Setting TrendPostShare = Num("afu.behaviour.trends.post-share", "0.4", 0, 1, "Share of its fans' posts a trending subtopic draws.");
    public static readonly Setting TrendLikeBoost = Num("afu.behaviour.trends.like-boost", "1.5", 0, 10,
        "Likes of a trending subtopic are this many times likelier (only with reactions.interest-signal on).");
    public static readonly Setting DriftEnabled = S("afu.behaviour.drift.enabled", SettingKind.Bool, "on",
        "Each like moves the user's interest weights toward the liked interest (a new interest can enter).");
    public static readonly Setting DriftRate = Num("afu.behaviour.drift.rate", "0.01", 0, 0.5, "How far one like moves the weights.");
    public static readonly Setting DriftMaxInterests = Whole("afu.behaviour.drift.max-interests", "4", 1, 5, "Most interests a user can drift into.");
    public static readonly Setting DriftDropBelow = Num("afu.behaviour.drift.drop-below", "0.02", 0, 0.5, "An interest whose weight falls below this leaves.");
    public static readonly Setting GrowthPerDay = Num("afu.behaviour.joining.growth-per-day", "0.05", 0, 100,
        "New users join: the population grows by this share of its configured size per simulated day (0 = fixed).");
    public static readonly Setting CreatorsEnabled = S("afu.behaviour.creators.enabled", SettingKind.Bool, "off",
        "Authors have a latent quality and each post an appeal drawn around it, which makes it likelier to be opened and liked (ground truth in the posts' metadata: appeal, author_quality).");
    public static readonly Setting QualitySigma = Num("afu.behaviour.creators.quality-sigma", "0.8", 0, 5, "Standard deviation of the authors' latent quality (normal, mean 0).");
    public static readonly Setting AppealSigma = Num("afu.behaviour.creators.appeal-sigma", "0.5", 0, 5, "Standard deviation of a post's appeal around its author's quality.");
    public static readonly Setting OpenWeight = Num("afu.behaviour.creators.open-weight", "1.0", 0, 10,
        "P(open) is multiplied by exp(open-weight x appeal), normalised to a mean of 1 over posts.");
    public static readonly Setting LikeWeight = Num("afu.behaviour.creators.like-weight", "1.0", 0, 10,
        "P(like | open) is multiplied by exp(like-weight x appeal), normalised to a mean of 1 over posts.");

    public static readonly Setting SessionInterval = S("afu.sessions.interval", SettingKind.Duration, "120s",
        "Mean simulated time between two sessions of an average user (scaled by its activity factor and the daily curve, as posting is). Each session asks the feed for a slate (and for more pages when sessions scroll).");
    public static readonly Setting SlateSize = Whole("afu.sessions.slate-size", "10", 1, 100, "K: posts per slate.");
    public static readonly Setting Examination = new("afu.sessions.examination", SettingKind.Enum, "cascade",
        "cascade: position i is examined with probability examination-decay^(i-1) and the user may stop after a like or comment (position bias, as in real logs); flat: every position with flat-examination and no stopping (the control: no position bias).")
        { Allowed = ["cascade", "flat"] };
    public static readonly Setting ExaminationDecay = Num("afu.sessions.examination-decay", "0.8", 0.01, 1, "See examination.");
    public static readonly Setting FlatExamination = Num("afu.sessions.flat-examination", "0.6", 0.01, 1, "See examination.");
    public static readonly Setting StopAfterEngagement = Num("afu.sessions.stop-after-engagement", "0.3", 0, 1, "Cascade: after a like or comment the user leaves the slate with this probability.");
    public static readonly Setting HideBase = Num("afu.sessions.hide-base", "0.005", 0, 1,
        "P(hide | examined, not opened) = hide-base + hide-slope x (1 - match)^2: the explicit negative, likelier the worse the match.");
    public static readonly Setting HideSlope = Num("afu.sessions.hide-slope", "0.08", 0, 1, "See hide-base.");
    public static readonly Setting ExaminationFloor = Num("afu.sessions.examination-floor", "0", 0, 1,
        "Cascade: position i (within its page) is examined with floor + (1 - floor) x examination-decay^(i-1); 0 = the plain cascade.");
    public static readonly Setting SessionActivityExponent = Num("afu.sessions.activity-exponent", "1", 0, 2,
        "A user's session rate is the mean rate x its activity factor^exponent: 1 = sessions as heavy-tailed as posting, 0 = every user opens the app equally often.");
    public static readonly Setting ScrollEnabled = S("afu.sessions.scroll.enabled", SettingKind.Bool, "off",
        "Sessions scroll: after every slot the user stops with stop-per-slot (+ boredom per examined post in a row it did not open); reaching the end of a page asks for the next (slate_id per page, page in the impression log).");
    public static readonly Setting StopPerSlot = Num("afu.sessions.scroll.stop-per-slot", "0.05", 0, 1, "See scroll.enabled.");
    public static readonly Setting Boredom = Num("afu.sessions.scroll.boredom", "0.01", 0, 1, "See scroll.enabled.");
    public static readonly Setting MaxPages = Whole("afu.sessions.scroll.max-pages", "10", 1, 1000, "Most pages one session shows.");
    public static readonly Setting DwellModel = new("afu.sessions.dwell.model", SettingKind.Enum, "seed",
        "Dwell on an opened post. seed: 3-60 s, longer the better the match; lognormal: median x exp(sigma z) x (0.6 + 0.8 x match), capped (EB-NeRD's read times: median 21 s, p90 about 130 s).")
        { Allowed = ["seed", "lognormal"] };
    public static readonly Setting DwellMedian = S("afu.sessions.dwell.median", SettingKind.Duration, "21s", "lognormal: the median dwell.");
    public static readonly Setting DwellSigma = Num("afu.sessions.dwell.sigma", "1.5", 0, 5, "lognormal: the spread (1.5 gives mean / median 3.1).");
    public static readonly Setting DwellCap = S("afu.sessions.dwell.cap", SettingKind.Duration, "30m", "lognormal: the longest dwell.");

    public static readonly Setting FeedPolicies = new("afu.feed.policies", SettingKind.String, "\"interest=0.8, popular=0.2\"",
        "Which policy ranks whose slates, by share of the population (a user's share is drawn from the seed): chronological, interest, popular, random, learned, or epsilon:E:name. `afu inspect feed policy …` switches it on a running cluster.")
        { Flag = "feed-policy", FlagValue = "MIX" };
    public static readonly Setting PolicyAssignment = new("afu.feed.assignment", SettingKind.Enum, "user",
        "user: each user is served by one policy of the mix for good (its share drawn from the seed); slate: each slate draws its policy (an A/B test randomised by session, so every policy runs on the same users at the same time).")
        { Allowed = ["user", "slate"] };
    public static readonly Setting Exploration = Num("afu.feed.exploration", "0.05", 0, 1,
        "Epsilon of every policy named without one: this share of its slates is a uniformly random ordering, so every candidate has a non-zero propensity.");
    public static readonly Setting RandomShare = Num("afu.feed.random-share", "0.02", 0, 1,
        "Share of all slates that are a uniformly random ordering of K candidates, flagged is_random (propensity 1/candidates): the unbiased slice.");
    public static readonly Setting Candidates = Whole("afu.feed.candidates", "200", 1, 100_000,
        "Posts retrieved per slate (followed authors, the reader's interests, hot, newest) and scored by the policy; never a scan of the pool.");
    public static readonly Setting PoolSize = Whole("afu.feed.pool-size", "20000", 1, 10_000_000, "Most recent posts each node's feed keeps as candidates.");
    public static readonly Setting MaxPostAge = S("afu.feed.max-post-age", SettingKind.Duration, "6h", "Posts older than this (simulated) leave the pool and are no longer shown.");
    public static readonly Setting ShadowPolicies = S("afu.feed.shadow-policies", SettingKind.StringList, "[]",
        "Policies whose propensity of every shown slot is logged too (table impression_propensities), so logs support off-policy evaluation of them, e.g. [popular, random].");
    public static readonly Setting ExternalPolicies = S("afu.feed.external", SettingKind.Map, "{}",
        "Ranking services for external:NAME policies, one block per NAME: url (required; the feed POSTs one JSON request per slate, schema in docs/external-policy.schema.json), " +
        "timeout (default 50ms), fallback (the built-in policy that ranks a slate the service gives no valid scores for, logged as fallback:POLICY; default interest), " +
        "max-in-flight (requests open at once per node, default 32; more wait in a queue of 10,000), breaker-failures (consecutive failures that open the circuit, default 5) " +
        "and breaker-reset (how long it stays open, default 10s). E.g. { mymodel { url = \"http://127.0.0.1:8000/score\" } }; env AFU__FEED__EXTERNAL__MYMODEL__URL.");
    public static readonly Setting LearnedRefresh = S("afu.feed.learned-refresh", SettingKind.Duration, "10s",
        "How often (real time) the learned policy starts scoring with the weights trained so far on the impressions users report back.");

    public static readonly Setting TimeScale = new("afu.simulation.time-scale", SettingKind.Double, "1.0",
        "Time compression: 60 means one real second is a simulated minute; the clock never runs faster than the node keeps up (it holds while work piles up, and says so). max: as fast as the machine allows, jumping from one batch of due work to the next once it is done; with the built-in generator and a seed a one-node run is then reproducible row for row.")
        { Flag = "time-scale", FlagValue = "S|max", Min = 0.001, Max = 1_000_000 };
    public static readonly Setting SimStart = new("afu.simulation.start", SettingKind.String, "\"\"",
        "Simulated instant the run starts at, UTC (e.g. 2026-01-01T00:00:00Z). Empty: the real time now, or with time-scale max a fixed instant (2026-01-01T00:00:00Z), so that two runs with the same seed are the same.")
        { AllowEmpty = true };
    public static readonly Setting SimDuration = new("afu.simulation.sim-duration", SettingKind.Duration, "0s",
        "The run ends once the clock has covered this much simulated time and all work due before it is done (4d = four simulated days); 0 = no end (Ctrl+C, or --duration in real time).")
        { Flag = "sim-duration", FlagValue = "SPAN", AllowZero = true };
    public static readonly Setting SnapshotEvery = Whole("afu.simulation.snapshot-every", "50", 1, 1_000_000,
        "A user saves a snapshot every N events (the newest two are kept).");
    public static readonly Setting EnsureBatch = Whole("afu.simulation.ensure-batch", "500", 1, 1_000_000,
        "How many users the manager wakes per step when it (re)creates the population.");

    public static readonly Setting ClockMaxBacklog = Whole("afu.clock.max-backlog", "1000", 1, 100_000_000,
        "The clock holds while more pieces of due work than this (timers fired, texts and slates awaited) are not yet done, and while the LLM queue is half full: a slow machine makes a slower run, not different data.");
    public static readonly Setting ClockMaxLag = S("afu.clock.max-lag", SettingKind.Duration, "30s",
        "The clock also holds while work is released more than this (simulated) after it fell due (a user sets its next due time once its last work is done): posts stamped late and slates missing the newest posts would change the data.");
    public static readonly Setting ClockMaxSkew = S("afu.clock.max-skew", SettingKind.Duration, "30s",
        "No node's simulated time runs further ahead of the slowest node's (nodes publish their clocks twice a second).");
    public static readonly Setting ClockStep = S("afu.clock.step", SettingKind.Duration, "10s",
        "time-scale max: the work due within this simulated span of the next due time is one batch (replies to a batch's posts are stamped at its end).");
    public static readonly Setting ClockMaxBatch = Whole("afu.clock.max-batch", "256", 1, 1_000_000, "time-scale max: most pieces of due work in one batch.");
    public static readonly Setting ClockStallTimeout = S("afu.clock.stall-timeout", SettingKind.Duration, "60s",
        "Work that makes no progress for this long (real time; e.g. a text the LLM never answers) is given up on with a warning, so the clock never stops for good.");

    public static readonly Setting LlmMode = new("afu.llm.mode", SettingKind.Enum, "auto",
        "auto: Ollama when it answers at ollama-host, else the built-in generator; ollama or builtin force one.")
        { Flag = "llm", FlagValue = "auto|ollama|builtin", Allowed = ["auto", "ollama", "builtin"] };
    public static readonly Setting OllamaHost = new("afu.llm.ollama-host", SettingKind.Url, "\"http://localhost:11434\"", "The Ollama server.") { Env = "OLLAMA_HOST" };
    public static readonly Setting Model = new("afu.llm.model", SettingKind.String, "\"gemma3:270m\"", "The Ollama model.") { Env = "OLLAMA_MODEL" };
    public static readonly Setting MaxInFlight = new("afu.llm.max-in-flight", SettingKind.Int, "1",
        "Calls to Ollama at once: match Ollama's OLLAMA_NUM_PARALLEL so it never queues or refuses.") { Env = "AFU_LLM_MAX_IN_FLIGHT", Min = 1, Max = 1024 };
    public static readonly Setting ServerQueue = new("afu.llm.server-queue", SettingKind.Int, "1",
        "Calls kept waiting in Ollama's own queue beyond max-in-flight, so a slot that frees starts its next text at once " +
        "(Ollama queues up to OLLAMA_MAX_QUEUE, 512 by default). Ollama still generates at most max-in-flight at once only " +
        "when max-in-flight equals its OLLAMA_NUM_PARALLEL: with fewer, set 0.") { Env = "AFU_LLM_SERVER_QUEUE", Min = 0, Max = 64 };
    public static readonly Setting MaxQueue = Whole("afu.llm.max-queue", "200", 0, 1_000_000,
        "Requests waiting for a slot; beyond that a request gets built-in text at once (never an unbounded queue).");
    public static readonly Setting LlmTimeout = S("afu.llm.timeout", SettingKind.Duration, "30s", "Per attempt (a streamed answer must complete within it).");
    public static readonly Setting RetryMaxAttempts = Whole("afu.llm.retry.max-attempts", "3", 1, 20,
        "Attempts per request on 503/429/5xx, timeouts and broken or unusable output, with jittered exponential back-off.");
    public static readonly Setting RetryBaseDelay = S("afu.llm.retry.base-delay", SettingKind.Duration, "250ms", "First back-off.");
    public static readonly Setting RetryMaxDelay = S("afu.llm.retry.max-delay", SettingKind.Duration, "5s", "Longest back-off.");
    public static readonly Setting BreakerMaxFailures = Whole("afu.llm.breaker.max-failures", "5", 1, 1000,
        "Consecutive failures that open the circuit; while open every text is built-in.");
    public static readonly Setting BreakerReset = S("afu.llm.breaker.reset-timeout", SettingKind.Duration, "30s", "After this one probe request goes through.");
    public static readonly Setting RateLimit = Num("afu.llm.rate-limit", "0", 0, 100_000, "Calls started per second at most; 0 = no limit.");
    public static readonly Setting ProbeTimeout = S("afu.llm.probe-timeout", SettingKind.Duration, "3s", "How long auto waits for Ollama to answer at start.");

    public static readonly Setting ClusterHostname = S("afu.cluster.hostname", SettingKind.String, "\"127.0.0.1\"",
        "Address to bind; in a container 0.0.0.0 with public-hostname set to the name other nodes reach it by.");
    public static readonly Setting ClusterPublicHostname = new("afu.cluster.public-hostname", SettingKind.String, "\"\"", "Name other nodes reach this one by (\"\" = hostname).")
        { AllowEmpty = true };
    public static readonly Setting ClusterPort = Whole("afu.cluster.port", "0", 0, 65535, "0 picks a free port (fine for one node); give a fixed port to nodes other nodes join.");
    public static readonly Setting SeedNodes = new("afu.cluster.seed-nodes", SettingKind.StringList, "[]",
        "e.g. [\"akka.tcp://afu@10.0.0.5:4053\"] (comma separated in the variable); empty: the node forms a cluster of its own.") { Env = "AFU_SEED_NODES" };

    public static readonly Setting MinMembers = Whole("afu.cluster.min-members", "1", 1, 1000,
        "The cluster starts its singletons and allocates user shards only once this many nodes are Up, so nodes started together share the users from the start.");

    public static readonly Setting InspectionHost = new("afu.inspection.host", SettingKind.String, "\"127.0.0.1\"",
        "Address the inspection port binds; not a loopback address: a token is required.") { Env = "AFU_INSPECTION_HOST" };
    public static readonly Setting InspectionPort = new("afu.inspection.port", SettingKind.Int, "9110", "Inspection port (afu inspect).")
        { Env = "AFU_INSPECTION_PORT", Min = 0, Max = 65535 };
    public static readonly Setting InspectionToken = new("afu.inspection.token", SettingKind.String, "\"\"", "Token an inspection client must send (required off loopback).")
        { Env = "AFU_INSPECTION_TOKEN", AllowEmpty = true };
    public static readonly Setting InspectionMaxConnections = Whole("afu.inspection.max-connections", "64", 1, 10_000,
        "Inspection connections open at once; a new one displaces the longest-idle, else it is refused. Lines are at most 8 KiB; a wrong token is answered after 1 s, and 10 wrong tokens from one address within a minute lock it out for a minute.");
    public static readonly Setting InspectionIdleTimeout = S("afu.inspection.idle-timeout", SettingKind.Duration, "5m",
        "An inspection connection that sends nothing for this long is closed.");

    public static readonly Setting HealthHost = S("afu.health.host", SettingKind.String, "\"127.0.0.1\"",
        "HTTP health and metrics: /healthz/live, /healthz/ready, /metrics (0.0.0.0 in a container).");
    public static readonly Setting HealthPort = Whole("afu.health.port", "9111", -1, 65535, "0 = any free port, -1 = off.");

    public static readonly Setting DashboardHost = new("afu.dashboard.host", SettingKind.String, "\"127.0.0.1\"",
        "Web dashboard address (0.0.0.0 in a container). When afu.inspection.token is set (required off loopback) the dashboard asks for it before it shows or changes anything.") { Env = "AFU_DASHBOARD_HOST" };
    public static readonly Setting DashboardPort = new("afu.dashboard.port", SettingKind.Int, "9112", "Web dashboard port (page at /): 0 = any free port, -1 = off.")
        { Env = "AFU_DASHBOARD_PORT", Min = -1, Max = 65535 };

    public static readonly Setting StatusInterval = S("afu.status.interval", SettingKind.Duration, "1s", "How often the live status line is refreshed.");

    /// <summary>Every setting, in declaration order.</summary>
    public static IReadOnlyList<Setting> All { get; } = typeof(SettingsCatalog).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(Setting)).OrderBy(f => f.MetadataToken).Select(f => (Setting)f.GetValue(null)!).ToArray();

    /// <summary>The settings that are also <c>afu run</c> flags.</summary>
    public static IReadOnlyList<Setting> Flags { get; } = All.Where(s => s.Flag is not null).ToArray();

    /// <summary>Named variable → key (the generic AFU__… form is derived from the key).</summary>
    public static IReadOnlyDictionary<string, string> NamedEnvVars { get; } = All.Where(s => s.Env is not null).ToDictionary(s => s.Env!, s => s.Key);

    public static Setting? Find(string key) => All.FirstOrDefault(s => s.Key == key);

    /// <summary>The defaults as a commented HOCON file: what the loader starts from, and what hocon/simulation.conf ships.</summary>
    public static string Hocon()
    {
        var sb = new StringBuilder();
        sb.AppendLine("# AkkaFakeUsers simulation settings: every key with its default. Made from SettingsCatalog (src/AkkaFakeUsers/Simulation);");
        sb.AppendLine("# a test keeps this file equal to it. Copy the keys you change into a file of your own and pass it with --config.");
        sb.AppendLine("# Every key can be set by an environment variable: the named one shown above it, or generically AFU__SECTION__KEY");
        sb.AppendLine("# (AFU__FEED__RANDOM_SHARE=0.05 sets afu.feed.random-share). Precedence: CLI flag > env var > --config FILE > the profile");
        sb.AppendLine("# (afu.profile: a layer of hocon/profiles/NAME.conf) > this file.");
        sb.AppendLine("# Durations: a number with a unit (500ms, 30s, 5m, 1h, 2d); a bare number means seconds.");
        var open = new List<string>();
        foreach (var s in All)
        {
            var parts = s.Key.Split('.');
            var section = parts[..^1];
            var common = 0;
            while (common < open.Count && common < section.Length && open[common] == section[common]) common++;
            for (var i = open.Count; i > common; i--) sb.Append(new string(' ', 2 * (i - 1))).AppendLine("}");
            open.RemoveRange(common, open.Count - common);
            for (var i = common; i < section.Length; i++)
            {
                if (i > 0) sb.AppendLine();
                sb.Append(new string(' ', 2 * i)).Append(section[i]).AppendLine(" {");
                open.Add(section[i]);
            }
            var indent = new string(' ', 2 * open.Count);
            foreach (var line in Wrap(s.Help, 110)) sb.Append(indent).Append("# ").AppendLine(line);
            var names = new[] { s.Env is { } e ? "env " + e : null, s.Flag is { } f ? "flag --" + f : null }.Where(n => n is not null).ToArray();
            if (names.Length > 0) sb.Append(indent).Append("# ").AppendLine(string.Join(", ", names));
            sb.Append(indent).Append(parts[^1]).Append(" = ").AppendLine(s.Default);
        }
        for (var i = open.Count; i > 0; i--) sb.Append(new string(' ', 2 * (i - 1))).AppendLine("}");
        return sb.ToString();
    }

    /// <summary>The settings table of docs/configuration.md.</summary>
    public static string MarkdownTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| key | env var | flag | default | meaning |");
        sb.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var s in All)
            sb.AppendLine($"| `{s.Key}` | `{s.Env ?? s.GenericEnv}` | {(s.Flag is { } f ? $"`--{f}`" : "")} | `{s.Default.Replace("|", "\\|")}` | {s.Help.Replace("|", "\\|")} |");
        return sb.ToString();
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) yield return line.ToString();
    }
}
