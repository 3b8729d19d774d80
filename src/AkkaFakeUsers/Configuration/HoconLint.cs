namespace AkkaFakeUsers.Configuration;

/// <summary>
/// Structural checks the HOCON parser does not make (it accepts unclosed braces and strings): balanced
/// braces and brackets, closed strings, no doubled separators. Returns the first problem with its line, or null.
/// </summary>
public static class HoconLint
{
    public static string? Check(string text)
    {
        var stack = new Stack<(char Open, int Line)>();
        var line = 1;
        var lastSignificant = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                continue;
            }
            if (char.IsWhiteSpace(c)) continue;
            if (c == '#' || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                while (i < text.Length && text[i] != '\n') i++;
                i--;
                continue;
            }
            if (c == '"')
            {
                var start = line;
                if (i + 2 < text.Length && text[i + 1] == '"' && text[i + 2] == '"')
                {
                    var end = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                    if (end < 0) return $"line {start}: triple-quoted string is never closed";
                    line += text.AsSpan(i, end - i).Count('\n');
                    i = end + 2;
                }
                else
                {
                    var j = i + 1;
                    for (; j < text.Length && text[j] != '"' && text[j] != '\n'; j++)
                        if (text[j] == '\\') j++;
                    if (j >= text.Length || text[j] != '"') return $"line {start}: string is not closed on its line";
                    i = j;
                }
                lastSignificant = '"';
                continue;
            }
            switch (c)
            {
                case '{' or '[':
                    stack.Push((c, line));
                    break;
                case '}' or ']':
                    var want = c == '}' ? '{' : '[';
                    if (stack.Count == 0) return $"line {line}: '{c}' closes nothing";
                    var (open, openLine) = stack.Pop();
                    if (open != want) return $"line {line}: '{c}' does not match the '{open}' opened on line {openLine}";
                    break;
                case '=' or ':' when lastSignificant is '=' or ':':
                    return $"line {line}: '{c}' follows another separator: a value is missing";
            }
            lastSignificant = c;
        }
        if (stack.Count > 0)
        {
            var (open, openLine) = stack.Peek();
            return $"line {openLine}: '{open}' is never closed";
        }
        return null;
    }
}
