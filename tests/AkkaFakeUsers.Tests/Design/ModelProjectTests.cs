using System.Reflection;
using System.Xml.Linq;

namespace AkkaFakeUsers.Tests.Design;

/// <summary>
/// The model (domain rules, the user's state, events, inputs, effects and decider, the feed's server and samplers, the
/// clock's schedule) is a project of its own that knows nothing of Akka: the runtime's actors translate Akka messages into
/// its inputs at their edge.
/// </summary>
public class ModelProjectTests
{
    private static readonly Assembly Model = typeof(AkkaFakeUsers.Users.FakeUserDecider).Assembly;

    [Fact]
    public void The_model_assembly_references_no_akka_assembly_directly_or_through_its_references()
    {
        Assert.Equal("AkkaFakeUsers.Model", Model.GetName().Name);
        // the whole closure of what it loads, so an Akka reference cannot come in through another package either
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<AssemblyName>(Model.GetReferencedAssemblies());
        while (queue.Count > 0)
        {
            var name = queue.Dequeue();
            if (!seen.Add(name.Name!)) continue;
            Assert.False(name.Name!.StartsWith("Akka", StringComparison.Ordinal), $"the model references {name.Name}");
            if (name.Name.StartsWith("System", StringComparison.Ordinal) || name.Name is "netstandard" or "mscorlib") continue;
            foreach (var r in Assembly.Load(name).GetReferencedAssemblies()) queue.Enqueue(r);
        }
        Assert.Contains("Bogus", seen);
    }

    [Fact]
    public void The_model_project_file_references_no_akka_package_and_no_other_project()
    {
        var csproj = XDocument.Load(Path.Combine(NamespaceDependencyTests.RepoRoot(), "src", "AkkaFakeUsers.Model", "AkkaFakeUsers.Model.csproj"));
        var packages = csproj.Descendants("PackageReference").Select(e => (string)e.Attribute("Include")!).ToList();
        Assert.DoesNotContain(packages, p => p.StartsWith("Akka", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(csproj.Descendants("ProjectReference"));
    }
}
