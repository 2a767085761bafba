using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Bench;

/// <summary>The raw rates our ingest is compared with, measured on this machine in the same run.</summary>
public static class Baselines
{
    /// <summary>secp256k1 public-key recovery (NBitcoin.Secp256k1, the library the node uses) on
    /// <paramref name="threads"/> threads, as recoveries per second.</summary>
    public static double RecoveryRate(int threads, TimeSpan duration)
    {
        var samples = Enumerable.Range(0, 256).Select(i =>
        {
            using var key = EthKey.FromSeed($"bench-{i}");
            var digest = Keccak.Hash(BitConverter.GetBytes(i));
            return (Digest: digest, Signature: key.Sign(digest));
        }).ToArray();
        for (var i = 0; i < 200; i++) EthSignature.Recover(samples[i % samples.Length].Digest, samples[i % samples.Length].Signature);
        long total = 0;
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            long done = 0;
            while (stopwatch.Elapsed < duration)
            {
                var s = samples[done % samples.Length];
                EthSignature.Recover(s.Digest, s.Signature);
                done++;
            }
            Interlocked.Add(ref total, done);
        });
        return total / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Akka.Persistence.Sql's own write rate on the node's SQLite configuration (WAL, Csv tags, our serializer):
    /// <paramref name="writers"/> persistent actors each PersistAllAsync-ing batches of ledger events.</summary>
    public static async Task<double> JournalWriteRate(Config config, int writers, int eventsPerWriter, int batch)
    {
        var system = ActorSystem.Create("journal-baseline", ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(config));
        try
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var remaining = writers;
            var envelope = new CommandVerifier(CommandCatalog.Pot, new Eip712Domain("PoT", "1", 31337, Address.Zero))
                .Sign(new Transfer(Address.Parse("0x1111111111111111111111111111111111111111"), Address.Zero, 5, 0), EthKey.FromSeed("writer")).Envelope;
            var stopwatch = Stopwatch.StartNew();
            Action finished = () =>
            {
                if (Interlocked.Decrement(ref remaining) == 0) done.SetResult();
            };
            var actors = Enumerable.Range(0, writers)
                .Select(w => system.ActorOf(Props.Create(() => new RawWriter($"raw-{w}", eventsPerWriter, batch, envelope, finished))))
                .ToList();
            foreach (var actor in actors) actor.Tell("go");
            await done.Task;
            return writers * (double)eventsPerWriter / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Writes events as fast as the journal takes them, with nothing of ours in between.</summary>
    private sealed class RawWriter : ReceivePersistentActor
    {
        public override string PersistenceId { get; }

        public RawWriter(string id, int total, int batch, SignedEnvelope envelope, Action finished)
        {
            PersistenceId = id;
            var written = 0;
            var sample = new TransferSent(Address.Zero, 5) { Meta = new EventMeta(HashChain.Genesis, DateTimeOffset.UtcNow, envelope) };
            void WriteBatch()
            {
                var events = Enumerable.Repeat<PotEvent>(sample, Math.Min(batch, total - written)).ToList();
                var left = events.Count;
                PersistAllAsync(events, _ =>
                {
                    written++;
                    if (--left > 0) return;
                    if (written >= total) finished();
                    else WriteBatch();
                });
            }
            Command<string>(_ => WriteBatch());
        }
    }
}
