using AkkaFakeUsers.Bench;

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
        Console.Error.WriteLine("usage: dotnet run -c Release --project bench/AkkaFakeUsers.Bench -- <llm-gateway|persistence|scale> [--out DIR] [--key value…]");
        return 2;
}
