using AkkaFakeUsers.Host;

return await AfuApp.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
