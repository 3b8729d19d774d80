using System.Collections.Concurrent;
using System.Diagnostics;

namespace AkkaFakeUsers.Tests.Support;

/// <summary>`afu` started as a process of its own (to SIGKILL or SIGTERM it), its stdout and stderr collected line by line.</summary>
public sealed class AfuProcess : IDisposable
{
    private AfuProcess(Process process) => Process = process;

    public Process Process { get; }

    public ConcurrentQueue<string> Log { get; } = new();

    public static AfuProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(AfuBinary.Path);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var p = new AfuProcess(System.Diagnostics.Process.Start(psi)!);
        p.Process.OutputDataReceived += (_, e) => { if (e.Data is not null) p.Log.Enqueue(e.Data); };
        p.Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) p.Log.Enqueue(e.Data); };
        p.Process.BeginOutputReadLine();
        p.Process.BeginErrorReadLine();
        return p;
    }

    /// <summary>SIGKILL: no drain, no shutdown.</summary>
    public async Task KillAsync()
    {
        Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
    }

    public void Dispose() => Process.Dispose();
}
