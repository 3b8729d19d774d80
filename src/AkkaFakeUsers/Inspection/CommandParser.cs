using System.Text;

namespace AkkaFakeUsers.Inspection;

/// <summary>Splits a command line into words (double quotes group) and matches it against the registered palettes.</summary>
public static class CommandParser
{
    public static IReadOnlyList<string> Tokenize(string line)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
                continue;
            }
            if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any) words.Add(sb.ToString());
                sb.Clear();
                any = false;
                continue;
            }
            sb.Append(c);
            any = true;
        }
        if (quoted) throw new CommandParseException("unclosed quote", null);
        if (any) words.Add(sb.ToString());
        return words;
    }

    /// <exception cref="CommandParseException">Unknown palette or command, missing or bad arguments (with the usage line).</exception>
    public static ParsedCommand Parse(IReadOnlyList<string> words, CommandRegistry registry)
    {
        if (words.Count == 0) throw new CommandParseException("empty command; try `help`", null);
        if (!registry.TryGet(words[0], out var handler))
            throw new CommandParseException($"unknown command '{words[0]}'; palettes: {string.Join(", ", registry.Handlers.Select(h => h.Palette.Name).Prepend("help"))}", null);
        var palette = handler.Palette;
        if (words.Count < 2)
            throw new CommandParseException($"'{palette.Name}' needs a command: {string.Join(", ", palette.Commands.Select(c => c.Name))}", null);
        var def = palette.Commands.FirstOrDefault(c => c.Name.Equals(words[1], StringComparison.OrdinalIgnoreCase))
                  ?? throw new CommandParseException($"unknown command '{palette.Name} {words[1]}'; {palette.Name} has: {string.Join(", ", palette.Commands.Select(c => c.Name))}", null);

        var values = new Dictionary<string, string?>();
        var positional = new Queue<CommandArgument>(def.Arguments.Where(a => a.Positional));
        for (var i = 2; i < words.Count; i++)
        {
            var w = words[i];
            if (w.StartsWith('-') && !double.TryParse(w, out _))
            {
                var arg = def.Arguments.FirstOrDefault(a => a.Switches.Contains(w, StringComparer.OrdinalIgnoreCase))
                          ?? throw new CommandParseException($"unknown switch {w}", def.Usage(palette.Name));
                if (arg.IsFlag)
                {
                    values[arg.Name] = "true";
                    continue;
                }
                if (i + 1 >= words.Count) throw new CommandParseException($"{w} needs a value", def.Usage(palette.Name));
                values[arg.Name] = words[++i];
                continue;
            }
            if (positional.Count == 0) throw new CommandParseException($"unexpected argument '{w}'", def.Usage(palette.Name));
            values[positional.Dequeue().Name] = w;
        }
        foreach (var a in def.Arguments)
        {
            if (values.ContainsKey(a.Name)) continue;
            if (a.Mandatory) throw new CommandParseException($"missing <{a.Name}>", def.Usage(palette.Name));
            values[a.Name] = a.IsFlag ? "false" : a.Default;
        }
        return new ParsedCommand(palette.Name, def, values);
    }
}

public sealed class CommandParseException(string message, string? usage) : Exception(message)
{
    public string? Usage { get; } = usage;

    public string Describe() => Usage is null ? Message : $"{Message}\nusage: {Usage}";
}
