using PoT.Bench;

// PoT.Bench: end-to-end harnesses (with their raw baselines measured in the same run) and BenchmarkDotNet micro
// benchmarks. Never part of `dotnet test`. Usage: dotnet run -c Release --project PoT.Bench -- <harness> [options]
return args.FirstOrDefault() switch
{
    "ingest" => await IngestBench.Run(args[1..]),
    "micro" => MicroBench.Run(args[1..]),
    "rounds" => await RoundsBench.Run(args[1..]),
    "journal" => await JournalOnly(args[1..]),
    "proofs" => ProofsBench.Run(args[1..]),
    "projections" => await ProjectionsBench.Run(args[1..]),
    "audit" => await AuditBench.Run(args[1..]),
    "routing" => RoutingBench.Run(args[1..]),
    _ => Usage()
};

static async Task<int> JournalOnly(string[] args)
{
    var writers = int.Parse(args.ElementAtOrDefault(0) ?? "64");
    var batch = int.Parse(args.ElementAtOrDefault(1) ?? "1");
    var events = int.Parse(args.ElementAtOrDefault(2) ?? "20000");
    var dir = Path.Combine(Path.GetTempPath(), "pot-bench", Guid.NewGuid().ToString("n"));
    var settings = PoT.Hosting.PotConfig.Load(Akka.Configuration.ConfigurationFactory.ParseString($"pot.node.data-dir = {PoT.Hosting.PotConfig.Quote(dir)}\nakka.loglevel = WARNING"));
    PoT.Persistence.SqliteSetup.EnableWal(settings.SqliteFile!);
    var rate = await Baselines.JournalWriteRate(settings.Config, writers, events / writers, batch);
    Console.WriteLine($"journal: {writers} writers, batches of {batch}: {rate:N0} events/s");
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project PoT.Bench -- <harness> [options]
          ingest [--clients N] [--commands-per-client N] [--journal-events N]
                 signed-command ingest over HTTP beside the raw journal write rate and the raw secp256k1
                 recovery rate, all measured in this run (docs/benchmarks.md)
          rounds [--validators N] [--rounds N] [--parallel N]
                 validation rounds finalized per second, in-process, beside raw recovery and journal rates
          micro  BenchmarkDotNet micro benchmarks of the command path (EIP-712 hashing, recovery, serialization)
          journal <writers> <batch> <events>   Akka.Persistence.Sql alone on the node's SQLite configuration
          projections [--events N] [--writers N]
                 reading the journal back: raw Akka.Persistence recovery, Akka.Persistence.Query, the page reader,
                 and the reputation rebuild, over one journal written in the same run
          audit [--transfers N] [--clients N]
                 `pot audit` on a journal a node wrote, beside raw secp256k1 recovery on every core
          routing [--decisions N] [--job short|default|none]
                 MetaSuperAgent routing decisions (AgentIndex.Rank) at 100, 1,000 and 10,000 agents: per-decision
                 p50/p99/max beside a naive LINQ sort and an empty loop over the same candidates, then the same as
                 BenchmarkDotNet benchmarks (job short by default; none skips them)
          proofs [--rows N] [--epochs N] [--hidden N] [--checkpoint-every K] [--runs N] [--zk-runs N]
                 proof-of-training prover vs verifier time and their ratio; C# Groth16 verification beside
                 snarkjs on the committed proof (needs `npm ci` in zk/ for the snarkjs figure)
        """);
    return 2;
}
