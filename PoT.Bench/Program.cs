using PoT.Bench;

// PoT.Bench: end-to-end harnesses (with their raw baselines measured in the same run) and BenchmarkDotNet micro
// benchmarks. Never part of `dotnet test`. Usage: dotnet run -c Release --project PoT.Bench -- <harness> [options]
return args.FirstOrDefault() switch
{
    "ingest" => await IngestBench.Run(args[1..]),
    "micro" => MicroBench.Run(args[1..]),
    _ => Usage()
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project PoT.Bench -- <harness> [options]
          ingest [--clients N] [--commands-per-client N] [--journal-events N]
                 signed-command ingest over HTTP beside the raw journal write rate and the raw secp256k1
                 recovery rate, all measured in this run (docs/benchmarks.md)
          micro  BenchmarkDotNet micro benchmarks of the command path (EIP-712 hashing, recovery, serialization)
        """);
    return 2;
}
