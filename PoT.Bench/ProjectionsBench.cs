using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using PoT.Hosting;
using PoT.Persistence;
using PoT.Reputation;

namespace PoT.Bench;

/// <summary>
/// Reading the journal back: Akka.Persistence recovery (the raw baseline), Akka.Persistence.Query's AllEvents and
/// EventsByTag, our page reader, and the whole reputation rebuild, all over one journal written in this run.
/// </summary>
public static class ProjectionsBench
{
    public static async Task<int> Run(string[] args)
    {
        var events = Args.Int(args, "--events", 200_000);
        var writers = Args.Int(args, "--writers", 50);
        var dir = Path.Combine(Path.GetTempPath(), "pot-bench", Guid.NewGuid().ToString("n"));
        var settings = PotConfig.Load(ConfigurationFactory.ParseString($"pot.node.data-dir = {PotConfig.Quote(dir)}\nakka.loglevel = WARNING"));
        SqliteSetup.EnableWal(settings.SqliteFile!);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; journal {settings.SqliteFile}");

        var ids = new string[writers];
        var write = await Baselines.JournalWriteRate(settings.Config, writers, events / writers, 100, (w, envelope) =>
        {
            var stream = Stream(w, envelope);
            ids[w] = stream.PersistenceId;
            return stream;
        });
        Console.WriteLine($"wrote {events:N0} events ({writers} writers, batches of 100; accounts: transfers, credits, stakes; " +
                          $"rounds: commits, reveals, verdicts with 7 members): {write:N0} events/s");

        var recovery = await Baselines.JournalRecoveryRate(settings.Config, ids);
        Console.WriteLine($"raw Akka.Persistence recovery ({writers} entities at once): {recovery:N0} events/s");

        var (all, byTag) = await QueryRates(settings.Config);
        Console.WriteLine($"Akka.Persistence.Query CurrentAllEvents: {all:N0} events/s; CurrentEventsByTag(ledger): {byTag:N0} events/s");

        var pages = JournalPages.Sqlite(settings.SqliteFile!);
        var stopwatch = Stopwatch.StartNew();
        long decoded = 0;
        await foreach (var row in pages.All())
        {
            row.Decode();
            decoded++;
        }
        var pageRate = decoded / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine($"page reader (pages of 5,000, decoded on one thread): {pageRate:N0} events/s");

        stopwatch.Restart();
        var state = await ReputationRebuild.Fold(pages, settings.Reputation.Parameters);
        var rebuild = state.Network.Events / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine($"reputation rebuild (page reader, parallel decode, fold): {rebuild:N0} events/s = {rebuild / recovery:F2} x raw recovery; digest {state.Digest()[..16]}…");
        return 0;
    }

    /// <summary>Writer w's entity and the events it cycles through: even writers are accounts, odd ones rounds.</summary>
    private static (string PersistenceId, PotEvent[] Cycle) Stream(int w, PoT.Protocol.SignedEnvelope envelope)
    {
        var at = DateTimeOffset.UtcNow;
        T Sealed<T>(T e, PoT.Protocol.SignedEnvelope? signed = null) where T : PotEvent => e with { Meta = new EventMeta(HashChain.Genesis, at, signed) };
        var members = Enumerable.Range(0, 7).Select(i => PoT.Protocol.EthKey.FromSeed($"bench-validator-{i}").Address).ToArray();
        if (w % 2 == 0)
        {
            var account = PoT.Protocol.EthKey.FromSeed($"bench-account-{w}").Address;
            return (EntityIds.PersistenceId(EntityKind.Account, account.Value),
            [
                Sealed(new PoT.Ledger.TransferSent(members[0], 5), envelope),
                Sealed(new PoT.Ledger.Credited(7, $"validation-reward:bench.{w}", new RelayStamp(w, 0))),
                Sealed(new PoT.Ledger.ValidatorStakeLocked(10), envelope)
            ]);
        }
        var seal = PoT.Protocol.HexBytes.From(PoT.Protocol.Keccak.Hash([(byte)w]));
        return (EntityIds.PersistenceId(EntityKind.Round, $"bench-{w}.1"),
        [
            Sealed(new PoT.Consensus.VoteCommitted(members[w % 7], seal), envelope),
            Sealed(new PoT.Consensus.VoteRevealed(members[w % 7], PoT.Consensus.Verdict.Approve, 900_000, seal), envelope),
            Sealed(new PoT.Consensus.RoundFinalized($"agent-{w}", members[6], PoT.Consensus.RoundVerdict.Approved, 35_000, 0, 900_000,
                [.. members.Select(m => new PoT.Consensus.MemberResult(m, 5_000, true, true, PoT.Consensus.Verdict.Approve, 900_000, 1_000_000, false, false))],
                [.. members.Select(m => new PoT.Consensus.Weighted(m, 1 << 29))], 5000, 5000))
        ]);
    }

    private static async Task<(double All, double ByTag)> QueryRates(Config config)
    {
        var system = ActorSystem.Create("query-baseline", ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(config));
        try
        {
            var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>("akka.persistence.query.journal.sql");
            var materializer = system.Materializer();
            var stopwatch = Stopwatch.StartNew();
            var all = await journal.CurrentAllEvents(Offset.NoOffset()).RunAggregate(0L, (n, _) => n + 1, materializer);
            var allRate = all / stopwatch.Elapsed.TotalSeconds;
            stopwatch.Restart();
            var tagged = await journal.CurrentEventsByTag(PotEventTagger.Ledger, Offset.NoOffset()).RunAggregate(0L, (n, _) => n + 1, materializer);
            return (allRate, tagged / stopwatch.Elapsed.TotalSeconds);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
