using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Design;

/// <summary>
/// The library's feature folders (namespaces under AkkaFakeUsers) depend on each other without cycles, and Domain (and
/// the Serialization marker) on none. Read from the sources: using directives, qualified names and doc-comment crefs.
/// </summary>
public partial class NamespaceDependencyTests(ITestOutputHelper output)
{
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AkkaFakeUsers.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("AkkaFakeUsers.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^namespace AkkaFakeUsers\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?AkkaFakeUsers\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"cref=""([\w.]+)")]
    private static partial Regex Cref();

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex Comment();

    /// <summary>namespace → namespaces its files refer to (itself excluded).</summary>
    public static Dictionary<string, HashSet<string>> Graph(string sourceDir)
    {
        var files = Directory.GetFiles(sourceDir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (File: f, Text: File.ReadAllText(f)))
            .Select(x => (x.File, x.Text, Ns: NamespaceLine().Match(x.Text) is { Success: true } m ? m.Groups[1].Value : null))
            .Where(x => x.Ns is not null)
            .ToList();
        var names = files.Select(x => x.Ns!).ToHashSet();
        var alternation = string.Join("|", names.Select(Regex.Escape));
        var qualified = new Regex($@"(?<![\w.])(?:AkkaFakeUsers\.)?({alternation})\.[A-Z]");
        var graph = names.ToDictionary(n => n, _ => new HashSet<string>());
        foreach (var (_, text, ns) in files)
        {
            var code = Comment().Replace(text, "");
            code = NamespaceLine().Replace(code, "");
            var refs = qualified.Matches(code).Select(m => m.Groups[1].Value)
                .Concat(UsingLine().Matches(code).Select(m => m.Groups[1].Value).Where(names.Contains))
                .Concat(Cref().Matches(text).SelectMany(m => qualified.Matches(m.Groups[1].Value + ".X")).Select(m => m.Groups[1].Value));
            foreach (var r in refs)
                if (r != ns) graph[ns!].Add(r);
        }
        return graph;
    }

    /// <summary>Every cycle's namespaces (strongly connected components of more than one), Tarjan's algorithm.</summary>
    public static List<List<string>> Cycles(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        var next = 0;
        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var scc = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); scc.Add(x); } while (x != v);
            if (scc.Count > 1) result.Add(scc);
        }
        foreach (var v in graph.Keys.Order()) if (!index.ContainsKey(v)) Visit(v);
        return result;
    }

    [Fact]
    public void The_library_namespaces_form_no_cycle_and_domain_depends_on_nothing()
    {
        // the model project and the runtime share the feature namespaces (Domain, Users, Feed, Clock, Llm): one graph
        var graph = Graph(Path.Combine(RepoRoot(), "src", "AkkaFakeUsers"));
        foreach (var (ns, deps) in Graph(Path.Combine(RepoRoot(), "src", "AkkaFakeUsers.Model")))
            if (graph.TryGetValue(ns, out var mine)) mine.UnionWith(deps);
            else graph[ns] = deps;
        foreach (var (ns, deps) in graph.OrderBy(kv => kv.Key)) output.WriteLine($"{ns} -> {string.Join(", ", deps.Order())}");
        Assert.Contains("Users", graph.Keys);
        Assert.Empty(graph["Domain"]);
        Assert.Empty(graph["Serialization"]);
        var cycles = Cycles(graph);
        Assert.True(cycles.Count == 0, "namespace cycles: " + string.Join("; ", cycles.Select(c => string.Join(" <-> ", c.Order()))));
    }

    [Fact]
    public void The_cycle_check_finds_a_cycle_it_is_shown()
    {
        var dir = Directory.CreateTempSubdirectory("afu-ns-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "A.cs"), "using AkkaFakeUsers.Bravo;\nnamespace AkkaFakeUsers.Alpha;\npublic class A { }\n");
            File.WriteAllText(Path.Combine(dir.FullName, "B.cs"), "namespace AkkaFakeUsers.Bravo;\n/// <see cref=\"Alpha.A\"/>\npublic class B { }\n");
            File.WriteAllText(Path.Combine(dir.FullName, "C.cs"), "namespace AkkaFakeUsers.Charlie;\n// mentions Alpha.A in a comment only\npublic class C { Bravo.B? b; }\n");
            var graph = Graph(dir.FullName);
            Assert.Equal(["Bravo"], graph["Alpha"]);
            Assert.Equal(["Alpha"], graph["Bravo"]);
            Assert.Equal(["Bravo"], graph["Charlie"]);
            Assert.Equal(["Alpha", "Bravo"], Assert.Single(Cycles(graph)).Order());
        }
        finally
        {
            dir.Delete(true);
        }
    }
}

/// <summary>The actor library carries no ML, charting or Parquet code: those live in AkkaFakeUsers.Dataset, which only the host references.</summary>
public class ProjectDependencyTests
{
    [Fact]
    public void The_actor_library_references_neither_the_ml_stack_nor_charts_nor_parquet()
    {
        var library = typeof(AkkaFakeUsers.Users.FakeUserActor).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains(library, n => n.StartsWith("Akka", StringComparison.Ordinal));
        Assert.DoesNotContain(library, n => n.StartsWith("Microsoft.ML", StringComparison.Ordinal) || n.StartsWith("ScottPlot", StringComparison.Ordinal)
                                            || n.StartsWith("Parquet", StringComparison.Ordinal));
        var csproj = File.ReadAllText(Path.Combine(NamespaceDependencyTests.RepoRoot(), "src", "AkkaFakeUsers", "AkkaFakeUsers.csproj"));
        Assert.DoesNotContain("Microsoft.ML", csproj);
        var dataset = typeof(AkkaFakeUsers.Dataset.LikeEvaluator).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains(dataset, n => n.StartsWith("Microsoft.ML", StringComparison.Ordinal));
    }
}

/// <summary>Files stay small enough to read: the user actor under 200 lines, any file over 300 says why on its first line.</summary>
public class FileSizeTests
{
    [Fact]
    public void The_user_actor_is_under_200_lines_and_every_file_over_300_says_why_at_its_top()
    {
        var root = NamespaceDependencyTests.RepoRoot();
        // the actor class itself: its file ends with its hosting extension (FakeUserHosting) and the message extractor
        var actorLines = File.ReadAllLines(Path.Combine(root, "src", "AkkaFakeUsers", "Users", "FakeUserActor.cs"))
            .TakeWhile(l => !l.StartsWith("/// <summary>Wires the \"user\" shard region", StringComparison.Ordinal)).Count();
        Assert.True(actorLines < 200, $"FakeUserActor.cs has {actorLines} lines: move what is not sequencing the decider out of it");
        var sep = Path.DirectorySeparatorChar;
        var unexplained = new[] { "src", "tests", "bench" }
            .SelectMany(d => Directory.GetFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{sep}obj{sep}") && !f.Contains($"{sep}bin{sep}"))
            .Select(f => (File: Path.GetRelativePath(root, f), Lines: File.ReadAllLines(f)))
            .Where(x => x.Lines.Length > 300 && !x.Lines[0].StartsWith("//", StringComparison.Ordinal))
            .Select(x => $"{x.File} ({x.Lines.Length} lines)")
            .ToList();
        Assert.True(unexplained.Count == 0, "over 300 lines with no reason on the first line: " + string.Join(", ", unexplained));
    }
}
