using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PoT.Consensus;
using PoT.Hosting;
using PoT.Host.Node;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Registry;

namespace PoT.Bench;

/// <summary>
/// Validation rounds finalized per second, in-process: a real node (actor system, sharding, SQLite journal, outbox
/// relay) without the HTTP layer; every message is signed and verified as the HTTP edge would. Each round: a proof
/// submitted through the agent, a committee of 7 drawn from N validators, 7 commits, 7 reveals, the verdict, its
/// rewards and the validator-set update. Baselines in the same run: the raw single-event journal rate and raw
/// secp256k1 recovery.
/// </summary>
public static class RoundsBench
{
    public static async Task<int> Run(string[] args)
    {
        var validatorCount = Args.Int(args, "--validators", 100);
        var rounds = Args.Int(args, "--rounds", 200);
        var parallel = Args.Int(args, "--parallel", 25);
        Console.WriteLine($"machine: {IngestBench.Machine()}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        var dir = Path.Combine(Path.GetTempPath(), "pot-bench", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        var settings = PotConfig.Load(ConfigurationFactory.ParseString($"""
            pot.node.data-dir = {PotConfig.Quote(dir)}
            pot.node.http.port = 0
            pot.consensus.min-validator-stake = "1000"
            akka.loglevel = WARNING
            """));
        var validators = Enumerable.Range(0, validatorCount).Select(i => EthKey.FromSeed($"bench-validator-{i}")).ToArray();
        var providers = Enumerable.Range(0, rounds).Select(i => EthKey.FromSeed($"bench-provider-{i}")).ToArray();
        var genesis = new GenesisSpec([.. validators.Concat(providers).Select(k => new GenesisAllocation(k.Address, 1_000_000))]);
        await File.WriteAllTextAsync(settings.GenesisFile!, genesis.CanonicalJson().ToString());

        var app = NodeHost.Build(settings, logging: l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        try
        {
            await NodeHost.ApplyGenesis(app, settings, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            var actors = app.Services.GetRequiredService<ActorRegistry>();
            var client = new Client(new CommandVerifier(CommandCatalog.Pot, settings.Domain), actors);
            await Task.WhenAll(genesis.Allocations.Select(a => client.UntilAccount(a.Address)));

            Console.Write($"setup: {validatorCount} validators stake, {rounds} providers register an agent… ");
            await Task.WhenAll(validators.Select(v => client.Send(new StakeAsValidator(v.Address, 10_000, 0), v)));
            await Task.WhenAll(providers.Select((p, i) =>
                client.Send(new RegisterAgent(p.Address, $"bench-agent-{i}", ["qa"], "http", "https://a.example", "", 10, 100, 9000, 2_000, 0), p)));
            while ((await client.Validators()).Eligible.Length < validatorCount) await Task.Delay(50);
            Console.WriteLine("done");

            var byAddress = validators.ToDictionary(v => v.Address);
            var stopwatch = Stopwatch.StartNew();
            using var gate = new SemaphoreSlim(parallel);
            await Task.WhenAll(providers.Select(async (provider, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    await RunRound(client, provider, $"bench-agent-{i}", byAddress);
                }
                finally
                {
                    gate.Release();
                }
            }));
            var elapsed = stopwatch.Elapsed.TotalSeconds;

            var recovery = Baselines.RecoveryRate(Environment.ProcessorCount, TimeSpan.FromSeconds(3));
            var journalDir = Path.Combine(dir, "journal-baseline");
            var journalSettings = PotConfig.Load(ConfigurationFactory.ParseString($"pot.node.data-dir = {PotConfig.Quote(journalDir)}\nakka.loglevel = WARNING"));
            SqliteSetup.EnableWal(journalSettings.SqliteFile!);
            var journal = await Baselines.JournalWriteRate(journalSettings.Config, parallel * 7, 40, 1);

            var rate = rounds / elapsed;
            Console.WriteLine();
            Console.WriteLine($"| measure ({validatorCount} validators, committees of 7, {parallel} rounds at a time) | rate |");
            Console.WriteLine("| --- | ---: |");
            Console.WriteLine($"| rounds finalized (submit → 7 commits → 7 reveals → verdict → agent listed) | {rate:N1} /s |");
            Console.WriteLine($"| signed messages verified and executed for them (15 per round) | {rate * 15:N0} /s |");
            Console.WriteLine($"| raw secp256k1 recovery, {Environment.ProcessorCount} cores | {recovery:N0} /s |");
            Console.WriteLine($"| raw Akka.Persistence.Sql Persist, {parallel * 7} writers with one event in flight each | {journal:N0} events/s |");
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task RunRound(Client client, EthKey provider, string agentId, Dictionary<Address, EthKey> validators)
    {
        await client.Send(new SubmitTrainingProof(provider.Address, agentId, "opaque", HexBytes.From(Keccak.Hash(System.Text.Encoding.UTF8.GetBytes(agentId))),
            "ipfs://" + agentId, 1), provider);
        var roundId = $"{agentId}.1";
        var committee = (await client.Round(roundId)).Votes.Select(v => validators[v.Validator]).ToArray();
        var salt = HexBytes.From(Keccak.Hash(System.Text.Encoding.UTF8.GetBytes(roundId)));
        await Task.WhenAll(committee.Select(v =>
            client.Send(new CommitVote(v.Address, roundId, VoteCommitment.Of(Verdict.Approve, 900_000, salt, v.Address)), v)));
        await Task.WhenAll(committee.Select(v => client.Send(new RevealVote(v.Address, roundId, (byte)Verdict.Approve, 900_000, salt), v)));
        while ((await client.Agent(agentId)).Status != AgentStatus.Listed) await Task.Delay(10);
    }

    /// <summary>Signs, verifies (as the HTTP edge does) and routes messages to the node's entities.</summary>
    private sealed class Client(CommandVerifier verifier, ActorRegistry actors)
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

        public async Task Send(ISignedMessage message, EthKey key)
        {
            var wire = CommandVerifier.WireEnvelope(verifier.Sign(message, key).Envelope);
            var signed = verifier.Verify(wire);
            var (region, id) = signed.Command switch
            {
                IAgentCommand a => (actors.Get<AgentRegion>(), a.AgentId),
                IRoundMessage r => (actors.Get<RoundRegion>(), r.RoundId),
                _ => (actors.Get<AccountRegion>(), signed.Command.Account.Value)
            };
            var reply = await region.Ask<CommandResult>(new ShardingEnvelope(id, signed), Timeout);
            if (reply is CommandRejected rejected) throw new InvalidOperationException($"{rejected.Code}: {rejected.Message}");
        }

        public async Task UntilAccount(Address address)
        {
            while (!(await actors.Get<AccountRegion>().Ask<AccountView>(new ShardingEnvelope(address.Value, new GetAccount(address)), Timeout)).Exists)
                await Task.Delay(20);
        }

        public Task<ValidatorSnapshot> Validators() =>
            actors.Get<ValidatorSetRegion>().Ask<ValidatorSnapshot>(new ShardingEnvelope(ValidatorSetIds.EntityId, GetValidatorSnapshot.Instance), Timeout);

        public Task<RoundView> Round(string id) => actors.Get<RoundRegion>().Ask<RoundView>(new ShardingEnvelope(id, new GetRound(id)), Timeout);

        public Task<AgentView> Agent(string id) => actors.Get<AgentRegion>().Ask<AgentView>(new ShardingEnvelope(id, new GetAgent(id)), Timeout);
    }
}
