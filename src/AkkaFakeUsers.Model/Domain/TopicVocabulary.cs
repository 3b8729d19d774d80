using Bogus;

namespace AkkaFakeUsers.Domain;

/// <summary>
/// Per-interest writing material for the built-in generator: sentence patterns with slots, and the words and made-up
/// names (teams, models, shows, cars, dishes) that fill them. Slots: {sub} subtopic, {kw} keyword, {thing} noun,
/// {ent}/{ent2} subtopic entity, {name} person, {place} city, {n} small number, {big} large number, {adj}, {verb}, {when}.
/// </summary>
public sealed record TopicVocabulary(
    string Interest,
    IReadOnlyList<string> Patterns,
    IReadOnlyList<string> Things,
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> Adjectives,
    Func<Faker, string, string> Entity)
{
    public static TopicVocabulary For(string interest) => ByName.TryGetValue(interest, out var v) ? v : Tech;

    public static readonly string[] When =
        ["last night", "this morning", "at 2am", "on Sunday", "over lunch", "all weekend", "yesterday", "an hour ago", "on the train home", "before work",
         "during the break", "after dinner", "since Friday", "earlier today", "this week", "on Tuesday", "at midnight", "before sunrise", "in the rain",
         "on my day off", "at my cousin's wedding", "between meetings", "on a Monday", "right after work", "at 6am"];

    /// <summary>Extra keywords per interest, beyond the catalog's (more words to say the same thing).</summary>
    public static IReadOnlyList<string> MoreKeywords(string interest) => interest.ToLowerInvariant() switch
    {
        "sports" => ["overtime", "penalty", "free kick", "buzzer beater", "hat trick", "comeback", "lineup", "transfer", "draft", "halftime", "rivalry",
                     "pit stop", "serve", "wicket", "touchdown", "corner kick", "derby", "relegation", "upset", "tiebreak", "box score", "sprint", "podium", "final whistle"],
        "tech" => ["deploy", "latency", "refactor", "kernel", "compiler", "GPU cluster", "inference", "token", "wallet", "smart contract", "zero-day",
                   "patch", "firmware", "API", "SDK", "pipeline", "container", "prototype", "seed round", "launch", "dataset", "fine-tune", "commit", "build"],
        "anime" => ["OVA", "filler", "finale", "sakuga", "voice actor", "OST", "light novel", "waifu", "villain", "flashback", "tournament arc",
                    "transformation", "manga panel", "spin-off", "movie", "simulcast", "mecha fight", "power system", "slow burn", "training arc", "dub", "sub", "figure", "artbook"],
        "cars" => ["clutch", "downshift", "apex", "lap time", "wheelspin", "boost", "intercooler", "coilovers", "camber", "redline", "exhaust note",
                   "range", "charging", "drift", "burnout", "test drive", "oil change", "paint job", "rear diff", "launch control", "limited slip", "chassis", "tune", "rev match"],
        "food" => ["glaze", "crumb", "sear", "umami", "reduction", "crust", "marinade", "brine", "ferment", "dumpling fold", "proofing",
                   "espresso shot", "smoke ring", "bark", "tasting menu", "side dish", "pickle", "stock", "roux", "knife work", "plating", "dessert", "sauce", "spice blend"],
        _ => [],
    };

    /// <summary>Short asides that end a sentence: who agrees, where, with whom (mostly names and numbers).</summary>
    public static readonly string[] Asides =
        [" ({name} agrees)", ", says {name}", " in {place}", " with {n} friends from {place}", " ({n} replies already)", ", thanks {char}",
         " at {name}'s place", " near {place}", " ({big} views, {n} angry)", ", ask {name}", " since {year}", " on {street}", " with {char} and {char2}",
         " ({name} disagrees)", " for {n} bucks", ", cc {handle}", ", h/t {handle}", " ({handle} called it)", ", right {handle}?", " at {clock}",
         " on {date}", " ({handle} and {handle2} were there)", ", {handle} owes me {n} bucks now", " ({n} likes in {m} minutes)", ", {name} texted me",
         " before {clock}", ", {place} represent", " ({handle} sent me this)", " with {name} on {date}", ", photo by {handle}", " (my {n}th time)"];

    /// <summary>Terse, name- and number-dense lines (scores, specs, line-ups, prices), the way people actually post stats.</summary>
    public static IReadOnlyList<string> Fragments(string interest) => interest.ToLowerInvariant() switch
    {
        "sports" => ["Final: {ent} {n}, {ent2} {m}.", "{name}: {n} {last}, {m} {last2}.", "{ent} ({n}-{m}) at {ent2} ({m2}-{n2}) on {date}, {clock}.",
                     "Next up in {sub}: {ent} vs {ent2}, {date}.", "{sub} MVP? {name}. Sorry {name2}.", "{name} {n}/{m}, {name2} {n2}/{m2}, {ent} by {k}.", "{sub} table: {ent} {n} pts, {ent2} {m} pts, {ent3} {k} pts.", "{name} signs with {ent}: {n} years, ${big}M.", "Injury report: {name} ({last} {n}), {name2} out till {date}.", "{ent} sold {big} tickets for {date}; {handle} got two."],
        "tech" => ["{ent} {n}.{m}.{k} is out: {n2}% faster, {m2} fixes.", "My {sub} stack: {lang} + {ent} + {ent2}.", "{ent}: ${n}M raised, {m} engineers in {place}.",
                   "Benchmarks: {ent} {big} ops/s vs {ent2} {big2} ops/s.", "{handle} shipped {ent} {n}.{m} on {date}.", "{n} PRs, {m} reviews, {k} reverts, {date}.", "{sub} changelog {date}: {ent} {n}.{m}, {ent2} {k}.{n2}.", "{ent} costs ${n}/mo, {ent2} ${m}/mo, {handle} pays {k}.", "Uptime {n}.{m}% on {ent}, {k} incidents, {handle} on call.", "{cve} in {ent}, fixed in {n}.{m}.{k}."],
        "anime" => ["{ent} ep {n}: {char} vs {char2}, {studio}.", "Top 3 {sub} of {year}: {ent}, {ent2}, {ent3}.", "{char} ({ent}) over {char2} ({ent2}).",
                    "{ent} S{k} on {date}, {studio}.", "Volume {n} of {ent}: {m} chapters, {char} on the cover.", "{char}, {char2}, {char3}: the {ent} trio.", "{sub} watchlist {date}: {ent}, {ent2}.", "{ent} rated {r}.{n}/10 by {big} fans; {char} fans disagree.", "{char} ({ent}) cosplay by {handle} at the {place} con.", "{studio} {year}: {ent} then {ent2}."],
        "cars" => ["{ent}: {hp} hp, {sec}s 0-60, ${big}.", "Spotted: {ent}, {ent2} and a {ent3} in {place}.", "{ent} vs {ent2} at {place}: {sec}s vs {sec2}s.",
                   "{ent}, {big}k miles, ${big2}, {place}.", "{sub} dyno day: {ent} {hp} whp, {ent2} {hp2} whp.", "{name}'s {ent} on {street}, {clock}.", "{sub} meet at {place}, {date}: {n} cars, {ent} best in show.", "{ent} for sale in {place}: ${big}, {n}k miles, {handle}.", "Lap times {place}: {ent} {sec}, {ent2} {sec2}, {ent3} {sec3}.", "{ent} service at {big} miles: {thing}, {thing2}, ${n}0."],
        "food" => ["{ent} at {name}'s in {place}: ${n}, {r}/10.", "{sub} night: {ent}, {ent2}, {ent3}.", "{ent}, {n} minutes at {big}°F, {ing} on top.",
                   "Menu for {date}: {ent} and {ent2}.", "{ent} from {place}: ${n}.{m}, {r}/10, {name} approved.", "Shopping list: {ing}, {ing2}, {ing3}, {n} eggs.", "{sub} crawl in {place}: {ent}, {ent2}, {ent3}.", "{name}'s recipe for {ent}: {n}g {ing}, {m}g {ing2}, {k} minutes.", "{ent} at {handle}'s pop-up, {date}, {clock}.", "{place} market haul: {ent}, {ing} and {ent2} for ${n}."],
        _ => [],
    };

    /// <summary>How a reply-style post opens: addressing someone.</summary>
    public static readonly string[] Mentions = ["{handle}", "{handle} {handle2}", "{handle} look:", "{handle} you were right,", "Hey {handle},"];

    public static readonly string[] Friends =
        ["My brother", "My roommate", "A coworker", "My dad", "A stranger", "My neighbour", "My partner", "The group chat", "My barber", "My old coach",
         "My sister", "My landlord", "My best friend", "My uncle", "A guy at the gym"];

    public static readonly string[] CommonAdjectives =
        ["wild", "underrated", "overhyped", "incredible", "chaotic", "beautiful", "frustrating", "fascinating", "so good", "surprisingly deep", "a bit much",
         "elegant", "bold", "weird", "perfect", "questionable", "absurd", "spotless", "messy", "magical", "stressful", "hilarious", "ridiculous", "mind-blowing"];

    /// <summary>Describing words put before a noun ("the sneaky pit stop"): many, so noun phrases rarely repeat.</summary>
    public static readonly string[] Modifiers =
        ["sneaky", "massive", "tiny", "late", "early", "surprise", "classic", "risky", "quiet", "loud", "strange", "brilliant", "lazy", "fancy", "cheap",
         "new", "old-school", "secret", "famous", "infamous", "clever", "reckless", "patient", "rushed", "careful", "fresh", "rusty", "golden", "cursed",
         "lucky", "unlucky", "second", "third", "final", "first", "random", "honest", "bizarre", "gentle", "fierce", "subtle", "obvious", "rare", "daily",
         "weekly", "viral", "forgotten", "legendary", "humble", "bright", "dark", "slow", "quick", "wobbly", "shiny", "dusty", "cozy", "bitter", "sweet",
         "sharp", "soft", "heavy", "light", "overdue", "surprising", "predictable", "flawless", "clumsy", "underrated", "overrated", "spicy", "frozen", "midnight"];

    public static readonly string[] Feelings =
        ["I'm still buzzing", "I can't stop smiling", "my jaw dropped", "I yelled at my screen", "I need a minute", "I'm weirdly emotional",
         "I'm not okay", "my group chat exploded", "I laughed out loud", "I took notes", "I called my brother", "I stayed up way too late",
         "I have goosebumps", "I owe someone an apology", "I cannot sleep now", "I texted everyone I know", "my neighbours heard me", "I rewound it twice"];

    private static readonly string[] Mascots = ["Hawks", "Comets", "Wolves", "Tide", "Rangers", "Foxes", "Titans", "Owls", "Storm", "Bulldogs", "Raptors", "Mariners", "Giants", "Lions", "Pilots"];
    private static readonly string[] Makes = ["Toyota", "Nissan", "Porsche", "Ford", "Mazda", "Honda", "BMW", "Subaru", "Tesla", "Ferrari", "Audi", "Lotus", "Volvo", "Rivian", "Jeep"];
    private static readonly string[] Syllables = ["ka", "mi", "ru", "to", "shi", "ne", "ha", "yo", "ri", "sa", "ko", "na", "ta", "yu", "ki", "mo", "ra", "se", "hi", "no"];
    private static readonly string[] Ingredients = ["miso", "garlic", "chili", "brown butter", "smoked paprika", "ginger", "black pepper", "lemon", "sesame", "truffle", "kimchi", "honey", "cardamom", "sourdough", "tahini", "saffron", "yuzu", "gochujang", "fennel", "anchovy", "maple", "coconut", "lime", "shallot", "chipotle", "sumac", "za'atar", "scallion", "pistachio", "harissa"];
    private static readonly string[] Dishes = ["ramen", "tacos", "brisket", "croissants", "dumplings", "curry", "focaccia", "pho", "burgers", "bao", "pancakes", "noodles", "risotto", "empanadas", "cheesecake"];
    private static readonly string[] MechaWords = ["Mobile Unit", "Frame", "Armored", "Striker", "Titan Core", "Gear"];
    private static readonly string[] IsekaiWords = ["Reborn as a", "Summoned as a", "My Life as a", "Reincarnated as a", "The Last"];
    private static readonly string[] F1Words = ["in", "at", "winning in", "on pole in", "crashing out of", "fastest lap in"];
    private static readonly string[] TennisWords = ["in", "at", "winning in", "out early in", "seeded first in"];
    private static readonly string[] Gadgets = ["Pixel", "Nova", "Orbit", "Pulse", "Aero", "Flux", "Vertex", "Lumen"];
    private static readonly string[] GadgetTiers = ["Pro", "Max", "Mini", "Ultra", "Lite", "Air"];
    private static readonly string[] Languages = ["Rust", "Go", "Python", "TypeScript", "C#", "Kotlin", "Zig", "Elixir", "Haskell", "Swift"];

    private static string Japanese(Faker f, int parts) => string.Concat(Enumerable.Range(0, parts).Select(_ => f.PickRandom(Syllables)));
    private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    public static readonly TopicVocabulary Sports = new("sports",
    [
        "{ent} {beat|edged|crushed|outlasted|stunned} {ent2} {n}-{m} and {that|the} {kw} in the {second half|final minutes|last quarter|opening stretch} was {adj}.",
        "{name} {dropped|put up|finished with|racked up} {n} {last} {when} and {feel}.",
        "{Watching|Caught} {sub} at a {bar|friend's place|sports pub|tiny diner} in {place} and the {whole room|entire bar|crowd} {lost it|went silent|erupted} over one {kw}.",
        "{Calling it now|Mark my words|Prediction}: {ent} {win|take|steal} the {kw} if {name} {stays healthy|keeps shooting like this|finds form}.",
        "The {thing} {at|for} {ent} {needs to|has to|should} explain that {kw}, {because|since} it was {adj}.",
        "{name} to {ent} for {two picks|cap space|a backup|cash}? {Best|Worst|Weirdest} {kw} of the {sub} {season} so far.",
        "{Drove|Flew|Took a bus} {n} {miles|hours} to see {ent} {play|lose|win} and the {kw} was worth {every minute|the ticket|the sunburn}.",
        "Nobody is talking about the {kw} {ent} {ran|pulled off|tried} {when}. It was {adj}.",
        "{My|Updated|Honest} {sub} {power ranking|tier list|top three}: {ent} {first|on top}, {ent2} {second|close behind}, {everyone else|the rest} {fighting for|arguing over} the {kw}.",
        "{ent} {have|just} {verb} {n} straight {games|matches|weeks} and their {kw} looks {adj}.",
        "That {kw} from {name} {when}? {Put it in a museum|Frame it|Replay it forever|Pure art}.",
        "{Season ticket holder|Fan|Die-hard} for {n} years and this {sub} {kw} is the most {adj} {I've seen|I remember|in ages}.",
        "{name} in {place} {when}: {n} {last}, one {kw}, {zero|no} {excuses|regrets}.",
        "{Listening to|Watching} the {kw} {replay|breakdown|highlights} of {ent} {vs|against} {ent2} for the {n}th time.",
        "{name} and {name2} {argued|fought|bickered} about the {kw} for {n} minutes at {place} airport.",
        "{ent} fans in {place} {booed|cheered|serenaded} {name} after that {kw}.",
        "Bet {handle} ${n} that {ent} {cover|win|lose} on {date}. The {kw} will decide it.",
        "{name}'s {kw} at {clock} {when} was {adj}; {ent} never recovered.",
    ],
    ["coach", "captain", "rookie", "referee", "striker", "goalkeeper", "point guard", "front office", "bench", "crowd", "manager", "commentator"],
    ["won", "lost", "dropped", "swept", "clinched", "blew", "rallied in", "dominated", "split", "choked in"],
    ["nail-biting", "unreal", "historic", "brutal", "electric", "sloppy", "gritty", "legendary", "tense", "nervy"],
    (f, sub) => sub switch
    {
        "NBA" or "NFL" => $"the {f.Address.City()} {f.PickRandom(Mascots)}",
        "soccer" => f.Random.Bool() ? $"{f.Address.City()} United" : $"FC {f.Address.City()}",
        "F1" => $"{f.Name.LastName()} {f.PickRandom(F1Words)} {f.Address.City()}",
        "tennis" => $"{f.Name.FullName()} {f.PickRandom(TennisWords)} {f.Address.City()}",
        _ => $"the {f.Address.City()} {f.PickRandom(Mascots)}",
    });

    public static readonly TopicVocabulary Tech = new("tech",
    [
        "Just {shipped|deployed|merged|released} a {kw} {with|on|using} {ent} and the benchmark came back {n}x {faster|slower|better}.",
        "{ent} {released|announced|leaked|teased} a new {kw} {when} and {honestly|frankly|ngl} it is {adj}.",
        "Spent {n} hours {debugging|profiling|untangling} a {thing} in {lang}; {turned out|it was} {one|a single} {kw} {flag|typo|setting}.",
        "{Calling it|Mark my words|Prediction}: {ent} is the most {adj} {kw} of {the year|2026|the decade}.",
        "Our {sub} team {moved|ported|rewrote} the {whole|entire} {thing} to {lang} and {cut|shaved} {cloud costs|latency|build times} by {n}%.",
        "{name} from {ent} {gave|did} a {talk|demo|keynote} on {sub} in {place} and the {kw} {part|bit|section} was {adj}.",
        "If your {kw} needs {n} {microservices|containers|YAML files} you have a {thing} problem, not a {sub} problem.",
        "Read the {paper|changelog|post-mortem} on {ent} {when}; the {kw} {section|part|chapter} is {adj}.",
        "{Tried|Ran|Installed} {ent} on my {old|cheap|work} {laptop|phone|tablet} and the {kw} still {ran|held|hit} at {n} fps.",
        "{ent} just {verb} ${n}M and their {kw} is {basically|mostly|just} a {lang} wrapper.",
        "Patched {cve} {when}. {Check|Update|Audit} your {kw} if you run {ent}.",
        "Day {n} of learning {sub}: today's {kw} {broke|confused|humbled} my {thing} {twice|again|badly}.",
        "{name} {pinged|emailed|texted} me at {n}am about the {kw} on {ent}; the {thing} was {on fire|down|melting}.",
        "{Hot|Cold|Spicy} {sub} take: the {kw} in {ent} is {adj} and the {thing} is {adj2}.",
        "{handle} asked why our {kw} takes {n} seconds; the answer was {ent} and {ent2}.",
        "Migrated {big} {users|rows|files} from {ent} to {ent2} {when}; one {kw} {broke|survived}.",
        "{name} wrote {n} lines of {lang} for the {kw} and deleted {m} of them {when}.",
        "The {kw} on {ent} hit {big} requests at {clock}, {handle} was {adj} about it.",
    ],
    ["compiler", "API", "repo", "pipeline", "server", "GPU", "keyboard", "database", "pull request", "terminal", "firmware", "dashboard"],
    ["raised", "launched", "open-sourced", "acquired", "deprecated", "rewrote", "forked", "patched", "benchmarked", "leaked"],
    ["slick", "buggy", "blazing fast", "overengineered", "elegant", "clunky", "underrated", "wild", "bloated", "clever"],
    (f, sub) => sub switch
    {
        "AI" => $"{f.Company.CompanyName()}'s {Cap(f.Hacker.Noun())}-{f.Random.Number(2, 400)}B model",
        "crypto" => $"${f.Random.String2(3, 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")}",
        "gadgets" => $"the {f.PickRandom(Gadgets)} {f.Random.Number(2, 20)} {f.PickRandom(GadgetTiers)}",
        "programming" => $"{f.PickRandom(Languages)} {f.Random.Number(1, 9)}.{f.Random.Number(0, 30)}",
        "cybersecurity" => $"the {Cap(f.Hacker.Adjective())} {Cap(f.Hacker.Noun())} exploit",
        _ => f.Company.CompanyName(),
    });

    public static readonly TopicVocabulary Anime = new("anime",
    [
        "Episode {n} of {ent} {when} and {feel}.",
        "{char} {carrying|saving|ruining} the {whole|entire} {kw} of {ent} is {adj}.",
        "The {kw} in {ent} chapter {big} is the most {adj} thing {studio} has {done|made|animated}.",
        "{Rewatching|Rereading|Revisiting} {ent} and {noticing|realising|seeing} how much the {kw} sets up {char}'s {arc|redemption|downfall}.",
        "{Calling it|Hear me out|Real talk}: the {sub} {kw} of {ent} {beats|outshines|surpasses} the manga.",
        "{Finished|Binged|Watched} {n} episodes of {ent} in one {sitting|night|go}; the {kw} was {adj}.",
        "{studio} {announced|teased|confirmed} a new {sub} {kw} {when} and my {watchlist|backlog|queue} is at {big} now.",
        "{Cosplayed|Dressed as|Drew} {char} from {ent} at the {place} {con|meetup|festival}; {n} people asked about the {thing}.",
        "The {opening|ending|OST} of {ent} has been stuck in my head for {n} days. {studio} {never misses|cooked|delivered}.",
        "{Unpopular opinion|Controversial|Honest take}: {char} deserved a better {kw} in {ent}.",
        "The {thing} in episode {n} of {ent} was {adj}; {studio} went all out on the {kw}.",
        "{Bought|Ordered|Finally got} the {ent} manga volume {n} and read the whole {kw} {on the train|in one night|at lunch}.",
        "{char} vs {char2} in {ent} {when}: {n} minutes of {adj} {kw}.",
        "My {friend} {finally|just} started {ent} and {texts|messages|calls} me after every {kw}.",
        "{char} and {char2} in {ent} have {adj} chemistry; the {kw} in episode {n} proves it.",
        "{handle} lent me {n} volumes of {ent}; the {kw} in volume {m} {wrecked|healed|ruined} me.",
        "Watched {ent} with {name} in {place} {when}: the {kw} got {n} gasps.",
        "{studio} spent {n} months on the {kw} of {ent} and {char}'s {thing} shows it.",
    ],
    ["soundtrack", "art style", "fight scene", "plot twist", "villain", "voice acting", "filler episode", "finale", "side character", "fandom", "lore", "ending"],
    ["animated", "adapted", "rebooted", "teased", "renewed", "delayed", "spoiled", "dubbed"],
    ["breathtaking", "heartbreaking", "peak", "cozy", "unhinged", "gorgeous", "wholesome", "chaotic", "iconic", "tragic"],
    (f, sub) => sub switch
    {
        "Studio Ghibli" => $"The {Cap(Japanese(f, 2))} of the {Cap(f.Hacker.Noun())}",
        "mecha" => $"{f.PickRandom(MechaWords)} {Cap(Japanese(f, 3))}",
        "isekai" => $"{f.PickRandom(IsekaiWords)} {Cap(f.Hacker.Noun())} in {Cap(Japanese(f, 3))}",
        _ => $"{Cap(Japanese(f, 3))} no {Cap(Japanese(f, 2))}",
    });

    public static readonly TopicVocabulary Cars = new("cars",
    [
        "Took the {ent} to {place} {when} and the {kw} pulled all the way to {big} rpm.",
        "{n}k miles {in|on} the {ent} and the {kw} still feels {adj}.",
        "{Swapped|Replaced|Upgraded} the {thing} on my {ent} and {gained|found|lost} {n} horsepower on the dyno.",
        "{Calling it|Fight me|Hear me out}: the {ent} has the most {adj} {kw} of any {sub} car.",
        "Track day at {place}: {ent2} ahead of me, {n} laps, one {kw} I will never forget.",
        "{Spotted|Saw|Parked next to} a {ent} at a {gas station|car meet|supermarket} in {place}; the {kw} sounded {adj}.",
        "Road trip from {place} to {place2} in the {ent}, {big} miles and one {kw} {drama|story|surprise}.",
        "The {sub} scene in {place} is {adj}; {saw|counted} {n} builds with custom {kw} setups.",
        "{name} {tuned|fixed|rebuilt} my {ent} and the {kw} finally feels {right|alive|{adj}}.",
        "Paid ${big} for a {thing} for the {ent}. {Worth it|No regrets|Ouch} for that {kw}.",
        "Garage update: the {ent} is on jack stands, {kw} apart, {n} bolts {missing|left|stripped}.",
        "Just {verb} the {ent} on a {back road|mountain pass|empty highway} {when} and the {kw} was {adj}.",
        "{friend} {let me drive|lent me|sold me} a {ent} and the {thing} {rattled|sang|whined} at {n} mph.",
        "{ent} vs {ent2} on {place} {Road|Hill|Pass}: the {kw} {decided|settled|ended} it.",
        "{name} {raced|beat|chased} my {ent} in a {ent2} up {street}; the {kw} {decided|settled} it.",
        "{handle} {sold|traded|gave} me a {ent} for ${big} and a {thing}.",
        "Fuel stop in {place} at {clock}: {ent}, {ent2} and one {adj} {kw}.",
        "Ordered a {thing} for the {ent} from {place}, {n} weeks late, {kw} still {adj}.",
    ],
    ["clutch", "intake", "suspension", "brake pads", "tires", "spoiler", "gauge cluster", "charger", "manifold", "radiator", "differential", "headlights"],
    ["drove", "launched", "tuned", "detailed", "flipped", "restored", "wrapped", "lowered", "drifted", "rebuilt"],
    ["smooth", "raw", "loud", "planted", "twitchy", "sublime", "angry", "buttery", "brutal", "refined"],
    (f, sub) => sub switch
    {
        "EVs" => $"{f.PickRandom(Makes)} E-{f.Random.Number(2, 99)}",
        "classic cars" => $"{f.Random.Number(1955, 1989)} {f.PickRandom(Makes)}",
        "supercars" => $"{f.PickRandom(Makes)} {f.Random.String2(2, "RSGTX")}-{f.Random.Number(100, 999)}",
        _ => $"{f.PickRandom(Makes)} {f.Random.String2(1, 2, "ABCDEFGHJKLMNPRSTVWXZ")}{f.Random.Number(2, 99)}",
    });

    public static readonly TopicVocabulary Food = new("food",
    [
        "Made {ent} {when} and the {kw} came out {adj}.",
        "Found a tiny {sub} {spot|stall|truck} in {place}; the {ent} alone is worth the {n} minute {wait|line|walk}.",
        "{n} hours into this {kw} and the {thing} smells {adj}.",
        "{Calling it|Fight me|Hear me out}: {ent} needs more {ing}, not less. The {kw} can take it.",
        "{name}'s {kw} changed how I make {ent}: {ing}, {low|high|medium} heat, {n} minutes.",
        "Tried the {ent} at {name}'s in {place}, {kw} on point, {adj} from the {first bite|first sip|start}.",
        "Meal prep {Sunday|Monday|night}: {n} portions of {ent} and a {kw} I am {proud of|obsessed with|unsure about}.",
        "The secret to {ent} is {ing} in the {kw}. {Fight me|Trust me|Try it}.",
        "{Burnt|Ruined|Overcooked} my first {ent} {when}; the second one had a {adj} {kw}.",
        "Rating the {ent} at the {place} market: {kw} {r}/10, {thing} {r2}/10.",
        "My {sub} {starter|project|experiment} is {n} days old and the {kw} is finally {adj}.",
        "Cooked {ent} for {n} {friends|cousins|neighbours} and nobody talked until the {kw} was gone.",
        "{friend} brought {ent} {when} and the {kw} was {adj}; {n} of us fought over the {thing}.",
        "{ent} or {ent2} for {dinner|lunch|brunch}? The {kw} {decides|settles it|wins}.",
        "{name} and {name2} split {ent} and {ent2} at a {place} night market {when}.",
        "{handle} swears by {ing} in {ent}; tried it {when} and the {kw} was {adj}.",
        "Queued {n} minutes at {clock} in {place} for {ent}; the {kw} was worth it.",
        "Grandma {char}'s {ent}: {ing}, {ing2}, {n} hours, one {adj} {kw}.",
    ],
    ["oven", "cast iron", "knife", "pantry", "crust", "glaze", "marinade", "sauce", "plating", "grill", "stock pot", "spice rack"],
    ["baked", "grilled", "braised", "fermented", "roasted", "smoked", "plated", "seared", "simmered", "whisked"],
    ["crispy", "silky", "smoky", "tangy", "rich", "fluffy", "zesty", "comforting", "umami-packed", "perfectly balanced"],
    (f, sub) => sub switch
    {
        "ramen" => $"{f.PickRandom(Ingredients)} {f.PickRandom(new[] { "tonkotsu", "shoyu", "shio", "miso" })} ramen",
        "coffee" => $"{f.Address.Country()} {f.PickRandom(new[] { "pour-over", "espresso", "cold brew", "flat white" })}",
        "baking" => $"{f.PickRandom(Ingredients)} {f.PickRandom(new[] { "sourdough", "croissants", "babka", "scones", "focaccia" })}",
        "BBQ" => $"{f.PickRandom(Ingredients)} {f.PickRandom(new[] { "brisket", "ribs", "pulled pork", "burnt ends" })}",
        "vegan" => $"vegan {f.PickRandom(Ingredients)} {f.PickRandom(Dishes)}",
        _ => $"{f.PickRandom(Ingredients)} {f.PickRandom(Dishes)}",
    });

    /// <summary>Words and names that only this interest's texts use (the keyword classifier's evidence).</summary>
    public static IReadOnlyList<string> Markers(string interest) => interest.ToLowerInvariant() switch
    {
        "sports" => [.. Mascots, "Grand Prix", "GP", "pole", "fastest lap", "seeded", "Open", "points", "pts", "United", "FC"],
        "tech" => [.. Languages, .. Gadgets, "model", "exploit", "cloud", "benchmark"],
        "anime" => ["episode", "ep", "chapter", "chapters", "manga", "studio", "con", "opening", "Mobile Unit", "Frame", "Reborn", "Summoned", "Reincarnated", "watchlist", "cosplay", "trio"],
        "cars" => [.. Makes, "horsepower", "rpm", "miles", "dyno", "track day", "garage"],
        "food" => [.. Ingredients, .. Dishes, "brisket", "espresso", "pour-over", "market", "starter"],
        _ => [],
    };

    public static readonly IReadOnlyList<TopicVocabulary> All = [Sports, Tech, Anime, Cars, Food];

    private static readonly Dictionary<string, TopicVocabulary> ByName = All.ToDictionary(v => v.Interest, StringComparer.OrdinalIgnoreCase);
}
