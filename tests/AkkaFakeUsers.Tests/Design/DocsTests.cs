using System.Text;
using System.Text.RegularExpressions;

namespace AkkaFakeUsers.Tests.Design;

/// <summary>The README is a front door a newcomer reads in five minutes; it and docs/ link only to what exists.</summary>
public class DocsTests
{
    private static string Root => NamespaceDependencyTests.RepoRoot();

    /// <summary>README.md and every Markdown file of docs/.</summary>
    private static IEnumerable<string> Pages() =>
        new[] { Path.Combine(Root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal));

    [Fact]
    public void The_readme_has_at_most_250_lines()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "README.md")).Length;
        Assert.True(lines <= 250, $"README.md has {lines} lines; move detail to docs/");
    }

    [Fact]
    public void Every_relative_link_of_the_readme_and_docs_points_to_a_file_that_exists_and_every_anchor_to_a_heading()
    {
        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var page in Pages())
        {
            var text = WithoutCode(File.ReadAllText(page));
            foreach (Match m in Regex.Matches(text, @"\]\(([^)\s]+)(?:\s+""[^""]*"")?\)"))
            {
                var target = m.Groups[1].Value;
                if (Regex.IsMatch(target, "^[a-z]+:", RegexOptions.IgnoreCase)) continue; // http:, https:, mailto:
                checkedLinks++;
                var hash = target.IndexOf('#');
                var path = hash < 0 ? target : target[..hash];
                var anchor = hash < 0 ? null : target[(hash + 1)..];
                var file = path.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(path)));
                var where = $"{Path.GetRelativePath(Root, page)}: ({target})";
                if (!File.Exists(file) && !Directory.Exists(file)) broken.Add($"{where}: no such file {Path.GetRelativePath(Root, file)}");
                else if (anchor is not null && file.EndsWith(".md", StringComparison.Ordinal) && !Headings(File.ReadAllText(file)).Contains(anchor))
                    broken.Add($"{where}: no heading #{anchor} in {Path.GetRelativePath(Root, file)}");
            }
        }
        Assert.True(checkedLinks >= 20, $"only {checkedLinks} relative links found: is the link pattern still right?");
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    [Fact]
    public void The_readme_links_every_page_of_docs()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        foreach (var doc in Directory.GetFiles(Path.Combine(Root, "docs"), "*.md"))
            Assert.Contains($"](docs/{Path.GetFileName(doc)}", readme);
    }

    [Fact]
    public void The_link_check_sees_a_missing_file_and_a_missing_heading()
    {
        // the rules above on a page of their own: a heading's anchor as GitHub makes it, code left alone
        var page = "# Is the data learnable? `afu dataset report`\n\n```\n[not a link](nowhere.md)\n```\n";
        Assert.Equal(["is-the-data-learnable-afu-dataset-report"], Headings(page));
        Assert.DoesNotContain("nowhere.md", WithoutCode(page));
        Assert.Equal("see  and [b](c.md)", WithoutCode("see `[a](x.md)` and [b](c.md)"));
    }

    /// <summary>The text without fenced code blocks and inline code spans (a link inside code is no link).</summary>
    private static string WithoutCode(string markdown)
    {
        var sb = new StringBuilder();
        var fenced = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { fenced = !fenced; continue; }
            if (!fenced) sb.Append(Regex.Replace(line, "`[^`]*`", "")).Append('\n');
        }
        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>The anchors of a page's headings as GitHub makes them: lower case, punctuation dropped, spaces as dashes.</summary>
    private static List<string> Headings(string markdown)
    {
        var anchors = new List<string>();
        var fenced = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { fenced = !fenced; continue; }
            if (fenced || !Regex.IsMatch(line, "^#{1,6} ")) continue;
            var title = line.TrimStart('#').Trim().ToLowerInvariant();
            anchors.Add(new string(title.Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-'));
        }
        return anchors;
    }
}
