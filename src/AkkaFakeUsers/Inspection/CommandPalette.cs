using System.Text;

namespace AkkaFakeUsers.Inspection;

/// <summary>One argument of a command: a switch with a value (<c>-d 3</c> / <c>--depth 3</c>), a flag, or a positional value.</summary>
public sealed record CommandArgument(
    string Name,
    string Description,
    IReadOnlyList<string> Switches,
    bool Mandatory = false,
    string? Default = null,
    bool IsFlag = false,
    bool Positional = false)
{
    public static CommandArgument Value(string name, string description, string[] switches, string? @default = null, bool mandatory = false) =>
        new(name, description, switches, mandatory, @default);

    public static CommandArgument Position(string name, string description) => new(name, description, [], Mandatory: true, Positional: true);
}

/// <summary>A named command of a palette (<c>sim scale</c>), modelled on Petabridge.Cmd's CommandDefinition.</summary>
public sealed record CommandDefinition(string Name, string Description, IReadOnlyList<CommandArgument> Arguments)
{
    public string Usage(string palette)
    {
        var sb = new StringBuilder($"{palette} {Name}");
        foreach (var a in Arguments)
        {
            if (a.Positional) sb.Append($" <{a.Name}>");
            else if (a.IsFlag) sb.Append($" [{a.Switches[0]}]");
            else if (a.Mandatory) sb.Append($" {a.Switches[0]} <{a.Name}>");
            else sb.Append($" [{a.Switches[0]} <{a.Name}>]");
        }
        return sb.ToString();
    }
}

/// <summary>A group of commands under one name (<c>sim</c>, <c>cluster</c>…), modelled on Petabridge.Cmd's CommandPaletteDefinition.</summary>
public sealed record CommandPalette(string Name, string Description, IReadOnlyList<CommandDefinition> Commands);

/// <summary>A command line matched against its definition, with every argument's value (or default).</summary>
public sealed record ParsedCommand(string Palette, CommandDefinition Definition, IReadOnlyDictionary<string, string?> Values)
{
    public string? Get(string name) => Values.TryGetValue(name, out var v) ? v : null;

    public string Usage => Definition.Usage(Palette);
}

/// <summary>The answer to one command: text, and whether it is an error.</summary>
public sealed record CommandResult(bool Ok, string Text)
{
    public static CommandResult Success(string text) => new(true, text);

    public static CommandResult Error(string text) => new(false, text);
}

/// <summary>Answers the commands of one palette.</summary>
public interface ICommandPaletteHandler
{
    CommandPalette Palette { get; }

    Task<CommandResult> HandleAsync(ParsedCommand command, CancellationToken cancellationToken);
}

/// <summary>
/// What <c>AddInspection(…, cmd =&gt; cmd.RegisterCommandPalette(…))</c> configures, mirroring Petabridge.Cmd's
/// <c>AddPetabridgeCmd(o, cmd =&gt; cmd.RegisterCommandPalette(…))</c> so the real package can replace it where available.
/// </summary>
public sealed class CommandRegistry
{
    private readonly Dictionary<string, ICommandPaletteHandler> _handlers = new(StringComparer.OrdinalIgnoreCase);

    public CommandRegistry RegisterCommandPalette(ICommandPaletteHandler handler)
    {
        if (handler.Palette.Name.Equals("help", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("'help' is built in");
        _handlers[handler.Palette.Name] = handler;
        return this;
    }

    public IReadOnlyCollection<ICommandPaletteHandler> Handlers => _handlers.Values;

    public bool TryGet(string palette, out ICommandPaletteHandler handler) => _handlers.TryGetValue(palette, out handler!);
}
