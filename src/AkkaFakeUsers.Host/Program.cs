using AkkaFakeUsers.Host;

// A failure on a thread of its own (outside the command's await chain) still ends with one readable line and exit 1,
// not the runtime's stack trace and code.
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    var (code, lines) = ExitCodes.For(e.ExceptionObject as Exception ?? new Exception(e.ExceptionObject?.ToString()), args.FirstOrDefault() ?? "");
    foreach (var line in lines) Console.Error.WriteLine(line);
    Console.Error.Flush();
    Environment.Exit(code);
};
TaskScheduler.UnobservedTaskException += (_, e) => e.SetObserved();

return await AfuApp.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
