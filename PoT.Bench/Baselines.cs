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
    /// <paramref name="writers"/> persistent actors each PersistAllAsync-ing batches of ledger events (by default
    /// "raw-{w}" writing one TransferSent over and over; <paramref name="streams"/> gives writer w its own persistence id
    /// and a cycle of events to write instead).</summary>
    public static async Task<double> JournalWriteRate(Config config, int writers, int eventsPerWriter, int batch,
        Func<int, SignedEnvelope, (string PersistenceId, PotEvent[] Cycle)>? streams = null)
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
            streams ??= (w, e) => ($"raw-{w}", [new TransferSent(Address.Zero, 5) { Meta = new EventMeta(HashChain.Genesis, DateTimeOffset.UtcNow, e) }]);
            var actors = Enumerable.Range(0, writers)
                .Select(w => streams(w, envelope))
                .Select(stream => system.ActorOf(Props.Create(() => new RawWriter(stream.PersistenceId, eventsPerWriter, batch, stream.Cycle, finished))))
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

    /// <summary>Akka.Persistence recovery alone: one persistent actor per id (the ids <see cref="JournalWriteRate"/>
    /// wrote) replays its events, all at once, deserializing each with our serializer and
    /// doing nothing else; events replayed per second.</summary>
    public static async Task<double> JournalRecoveryRate(Config config, IReadOnlyList<string> persistenceIds)
    {
        var writers = persistenceIds.Count;
        var system = ActorSystem.Create("recovery-baseline", ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(config));
        try
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var remaining = writers;
            long events = 0;
            var stopwatch = Stopwatch.StartNew();
            Action<long> finished = n =>
            {
                Interlocked.Add(ref events, n);
                if (Interlocked.Decrement(ref remaining) == 0) done.SetResult();
            };
            foreach (var id in persistenceIds) system.ActorOf(Props.Create(() => new RawRecoverer(id, finished)));
            await done.Task;
            return events / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            await system.Terminate();
        }
    }

    private sealed class RawRecoverer : ReceivePersistentActor
    {
        public override string PersistenceId { get; }

        public RawRecoverer(string id, Action<long> finished)
        {
            PersistenceId = id;
            long count = 0;
            Recover<PotEvent>(_ => count++);
            Recover<RecoveryCompleted>(_ => finished(count));
            CommandAny(_ => { });
        }
    }

    /// <summary>Writes events as fast as the journal takes them, with nothing of ours in between.</summary>
    private sealed class RawWriter : ReceivePersistentActor
    {
        public override string PersistenceId { get; }

        public RawWriter(string id, int total, int batch, PotEvent[] cycle, Action finished)
        {
            PersistenceId = id;
            var written = 0;
            void WriteBatch()
            {
                var events = Enumerable.Range(written, Math.Min(batch, total - written)).Select(i => cycle[i % cycle.Length]).ToList();
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
