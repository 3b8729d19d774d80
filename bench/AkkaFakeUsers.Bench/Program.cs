using AkkaFakeUsers.Bench;

const string Usage = "usage: dotnet run -c Release --project bench/AkkaFakeUsers.Bench -- <llm-gateway|persistence|scale> [--out DIR] [--key value…]";
try
{
    var name = args.FirstOrDefault();
    var options = BenchOptions.Parse(args.Skip(1).ToArray());
    switch (name)
    {
        case "llm-gateway":
            return await LlmGatewayBench.RunAsync(options);
        case "persistence":
            return await PersistenceBench.RunAsync(options);
        case "scale":
            return await ScaleBench.RunAsync(options);
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}
