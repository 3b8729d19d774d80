namespace AkkaFakeUsers.Domain;

/// <summary>One interest of the catalog with its subtopics and the vocabulary the built-in generator and the keyword classifier use.</summary>
public sealed record Interest(
    string Name,
    IReadOnlyList<string> Subtopics,
    IReadOnlyList<string> Nouns,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> Hashtags,
    IReadOnlyList<string> Emoji);

/// <summary>The fixed catalog of interests (sports, tech, anime, cars, food) and how related they are.</summary>
public static class InterestCatalog
{
    public static readonly Interest Sports = new("sports",
        ["NBA", "NFL", "soccer", "F1", "tennis", "cricket"],
        ["fan", "baller", "ultra", "coach", "sportshead"],
        ["game", "season", "match", "team", "coach", "playoffs", "score", "league", "defense", "trade", "stadium", "championship"],
        ["#GameDay", "#Sports", "#MatchDay", "#Playoffs"],
        ["🏀", "⚽", "🏈", "🏆", "🔥"]);

    public static readonly Interest Tech = new("tech",
        ["AI", "crypto", "gadgets", "programming", "cybersecurity", "startups"],
        ["geek", "hacker", "dev", "nerd", "builder"],
        ["software", "model", "code", "release", "startup", "chip", "benchmark", "open source", "developer", "framework", "cloud", "device"],
        ["#Tech", "#DevLife", "#BuildInPublic", "#Innovation"],
        ["💻", "🤖", "🚀", "⚡", "🧠"]);

    public static readonly Interest Anime = new("anime",
        ["shonen", "isekai", "Studio Ghibli", "mecha", "slice of life", "manga"],
        ["otaku", "weeb", "mangaka", "senpai", "fan"],
        ["episode", "arc", "anime", "manga", "studio", "protagonist", "opening", "animation", "season", "character", "chapter", "cosplay"],
        ["#Anime", "#Manga", "#Otaku", "#AnimeTwitter"],
        ["🎌", "✨", "🍥", "⚔️", "🌸"]);

    public static readonly Interest Cars = new("cars",
        ["EVs", "JDM", "classic cars", "supercars", "off-road", "motorsport"],
        ["gearhead", "driver", "petrolhead", "racer", "tuner"],
        ["engine", "horsepower", "torque", "drive", "garage", "track", "turbo", "battery", "wheels", "exhaust", "gearbox", "road trip"],
        ["#CarLife", "#CarsOfInstagram", "#Motoring", "#DriveTime"],
        ["🚗", "🏎️", "🔧", "🛞", "🏁"]);

    public static readonly Interest Food = new("food",
        ["ramen", "baking", "street food", "vegan", "BBQ", "coffee"],
        ["foodie", "chef", "cook", "taster", "baker"],
        ["recipe", "flavor", "kitchen", "dish", "restaurant", "taste", "spicy", "broth", "dough", "menu", "brunch", "seasoning"],
        ["#Foodie", "#HomeCooking", "#FoodLover", "#Yum"],
        ["🍜", "🍰", "🌮", "🔥", "☕"]);

    public static readonly IReadOnlyList<Interest> All = [Sports, Tech, Anime, Cars, Food];

    private static readonly Dictionary<string, Interest> ByName = All.ToDictionary(i => i.Name, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<string> Names => All.Select(i => i.Name).ToArray();

    public static bool TryGet(string name, out Interest interest) => ByName.TryGetValue(name, out interest!);

    public static Interest Get(string name) =>
        ByName.TryGetValue(name, out var i) ? i : throw new ArgumentException($"unknown interest '{name}'; allowed: {string.Join(", ", Names)}");

    /// <summary>How related two different interests are (0..1): a tech fan is likelier to enjoy a car post than a ramen post.</summary>
    public static double Affinity(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.OrdinalIgnoreCase)) return 1.0;
        var key = string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);
        return key switch
        {
            ("cars", "tech") => 0.6,
            ("cars", "sports") => 0.5,
            ("anime", "tech") => 0.5,
            ("anime", "food") => 0.3,
            ("food", "sports") => 0.2,
            ("food", "tech") => 0.15,
            ("anime", "sports") => 0.15,
            ("anime", "cars") => 0.15,
            ("cars", "food") => 0.1,
            ("sports", "tech") => 0.2,
            _ => 0.1,
        };
    }
}
