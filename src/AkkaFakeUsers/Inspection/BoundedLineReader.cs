using System.Text;

namespace AkkaFakeUsers.Inspection;

/// <summary>A line longer than the reader's limit arrived: the sender is cut off, nothing more of it is buffered.</summary>
public sealed class LineTooLongException(int limit) : IOException($"line longer than {limit} bytes");

/// <summary>Reads UTF-8 lines ending in <c>\n</c> from a stream, holding at most <c>maxBytes</c> of a line in memory.</summary>
public sealed class BoundedLineReader(Stream stream, int maxBytes)
{
    private readonly byte[] _buffer = new byte[Math.Max(maxBytes, 16) + 1];
    private int _start, _end;

    /// <returns>The next line without its end (a trailing <c>\r</c> removed), or null at the end of the stream.</returns>
    /// <exception cref="LineTooLongException">No line end within <c>maxBytes</c>.</exception>
    public async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var scanned = _start;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', scanned, _end - scanned);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == '\r') length--;
                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }
            if (_end - _start > maxBytes) throw new LineTooLongException(maxBytes);
            scanned = _end;
            if (_end == _buffer.Length)
            {
                // compact: what is left of the current line moves to the front
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                scanned -= _start;
                _end -= _start;
                _start = 0;
            }
            var n = await stream.ReadAsync(_buffer.AsMemory(_end, _buffer.Length - _end), ct);
            if (n == 0)
            {
                if (_end == _start) return null;
                var last = Encoding.UTF8.GetString(_buffer, _start, _end - _start);
                _start = _end;
                return last;
            }
            _end += n;
        }
    }
}
