using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace AkkaFakeUsers.Tests.Design;

/// <summary>
/// Each actor's wiring sits with it: the file that declares an actor type ends with the <c>AkkaConfigurationBuilder</c>
/// extension that creates it (as DrawTogether's actors do), and the node's composition root only calls those extensions.
/// Loggers are the one exception: Akka starts them from <c>akka.loggers</c> in hocon/akka.conf.
/// </summary>
public class HostingPlacementTests
{
    private static readonly string Root = NamespaceDependencyTests.RepoRoot();

    // (the journal and snapshot-store plugins live in AkkaFakeUsers.Persistence.Coalescing, started by Akka.Persistence's configuration)
    private static List<Type> ActorTypes() => typeof(AkkaFakeUsers.Users.FakeUserActor).Assembly.GetTypes()
        .Where(t => typeof(ActorBase).IsAssignableFrom(t) && t is { IsAbstract: false })
        .OrderBy(t => t.Name)
        .ToList();

    private static bool IsLogger(Type t) => typeof(IRequiresMessageQueue<ILoggerMessageQueueSemantics>).IsAssignableFrom(t);

    private static string SourceOf(Type t)
    {
        var declares = new Regex($@"\bclass {Regex.Escape(t.Name)}\b");
        var files = Directory.GetFiles(Path.Combine(Root, "src", "AkkaFakeUsers"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && declares.IsMatch(File.ReadAllText(f)))
            .ToList();
        return Assert.Single(files);
    }

    [Fact]
    public void Every_actor_type_ends_in_Actor_and_its_file_holds_the_hosting_extension_that_creates_it()
    {
        var actors = ActorTypes();
        Assert.True(actors.Count >= 8, $"found only {actors.Count} actor types");
        var misplaced = new List<string>();
        foreach (var t in actors)
        {
            Assert.EndsWith("Actor", t.Name);
            if (IsLogger(t)) continue;
            var text = File.ReadAllText(SourceOf(t));
            var extension = text.IndexOf("(this AkkaConfigurationBuilder builder", StringComparison.Ordinal);
            // the extension comes after the actor's class and names the actor it creates
            var creates = new Regex($@"(Props\.Create<{t.Name}>|new {t.Name}\(|WithShardRegion<{t.Name}>|WithSingleton<{t.Name}>|Register<{t.Name}>)");
            if (extension < 0 || extension < text.IndexOf($"class {t.Name}", StringComparison.Ordinal) || !creates.IsMatch(text[extension..]))
                misplaced.Add(t.Name);
        }
        Assert.True(misplaced.Count == 0, "actors whose file does not end with the hosting extension that creates them: " + string.Join(", ", misplaced));
    }

    [Fact]
    public void Loggers_are_the_actors_akka_conf_starts()
    {
        var conf = File.ReadAllText(Path.Combine(Root, "hocon", "akka.conf"));
        foreach (var t in ActorTypes().Where(IsLogger)) Assert.Contains($"\"{t.FullName}, AkkaFakeUsers\"", conf);
    }

    [Fact]
    public void The_composition_root_creates_no_actor_itself()
    {
        var root = File.ReadAllText(Path.Combine(Root, "src", "AkkaFakeUsers", "Hosting", "AfuHostingExtensions.cs"));
        foreach (var t in ActorTypes())
        {
            Assert.DoesNotContain($"new {t.Name}(", root);
            Assert.DoesNotContain($"Props.Create<{t.Name}>", root);
        }
    }
}
