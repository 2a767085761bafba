using PoT.Consensus;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Registry;

namespace PoT.Specs.Support;

/// <summary>
/// A network of one provider (with agent "agent-1") and <c>n</c> staked validators, built on
/// <see cref="InMemoryNetwork"/>, with helpers to open a round and vote in it.
/// </summary>
public sealed class ConsensusScenario
{
    public InMemoryNetwork Net { get; }
    public EthKey Provider { get; } = EthKey.FromSeed("provider");
    public EthKey Reporter { get; } = EthKey.FromSeed("reporter");
    public IReadOnlyList<EthKey> Validators { get; }
    private readonly Dictionary<(string Round, Address Validator), (Verdict Verdict, uint Score, HexBytes Salt)> _sealed = new();

    public const string AgentId = "agent-1";
    public const ulong AgentStake = 10_000;

    /// <param name="reporterGenesis">The reporter's genesis allocation: two scenarios that differ in it are two networks.</param>
    public ConsensusScenario(int validators = 5, Func<int, ulong>? stakeOf = null, ConsensusOptions? options = null, ulong reporterGenesis = 1)
    {
        Validators = [.. Enumerable.Range(0, validators).Select(i => EthKey.FromSeed($"validator-{i}"))];
        Net = new InMemoryNetwork(Rules.Ledger, Rules.Registry, options ?? Rules.Consensus, Rules.Start, Rules.Emission);
        Net.MintGenesis(new GenesisSpec([
            new GenesisAllocation(Provider.Address, 1_000_000), new GenesisAllocation(Reporter.Address, reporterGenesis),
            .. Validators.Select(v => new GenesisAllocation(v.Address, 1_000_000))
        ]));
        for (var i = 0; i < Validators.Count; i++)
            Expect(Net.Execute(new StakeAsValidator(Validators[i].Address, stakeOf?.Invoke(i) ?? 10_000, 0), Validators[i]));
        Expect(Net.Execute(new RegisterAgent(Provider.Address, AgentId, ["qa"], "http", "https://agent.example", "", 10, 1000, 9900, AgentStake, 0), Provider));
        Net.DeliverAll();
    }

    public ulong ProviderNonce => Net.Account(Provider.Address).Nonce;

    public EthKey KeyOf(Address validator) => Validators.Single(v => v.Address == validator);

    /// <summary>Submits a proof and delivers until the round is open; returns its id.</summary>
    public string OpenRound(string proof = "proof")
    {
        var result = Net.Execute(new SubmitTrainingProof(Provider.Address, AgentId, "opaque", HexBytes.From(Keccak.Hash(System.Text.Encoding.UTF8.GetBytes(proof))),
            "ipfs://" + proof, ProviderNonce), Provider);
        Expect(result);
        Net.DeliverAll();
        return Net.Agent(AgentId).ActiveRound ?? throw new InvalidOperationException("no round opened");
    }

    public IReadOnlyList<EthKey> Committee(string roundId) => [.. Net.Round(roundId).Opening!.Committee.Select(m => KeyOf(m.Validator))];

    public CommandResult Commit(string roundId, EthKey validator, Verdict verdict, uint score, HexBytes? salt = null)
    {
        salt ??= HexBytes.From(Keccak.Hash(System.Text.Encoding.UTF8.GetBytes($"{roundId}/{validator.Address}/{verdict}/{score}")));
        _sealed[(roundId, validator.Address)] = (verdict, score, salt.Value);
        return Net.Execute(new CommitVote(validator.Address, roundId, VoteCommitment.Of(verdict, score, salt.Value, validator.Address)), validator);
    }

    public CommandResult Reveal(string roundId, EthKey validator)
    {
        var (verdict, score, salt) = _sealed[(roundId, validator.Address)];
        return Net.Execute(new RevealVote(validator.Address, roundId, (byte)verdict, score, salt), validator);
    }

    /// <summary>Commits for every given voter, then reveals for every voter that should reveal.</summary>
    public void Vote(string roundId, IEnumerable<(EthKey Validator, Verdict Verdict, uint Score, bool Reveals)> votes)
    {
        var list = votes.ToList();
        foreach (var v in list) Expect(Commit(roundId, v.Validator, v.Verdict, v.Score));
        if (list.Count < Net.Round(roundId).Opening!.Committee.Length) Net.Advance(Net.Round(roundId).Opening!.CommitDeadline - Net.Now);
        foreach (var v in list.Where(v => v.Reveals)) Expect(Reveal(roundId, v.Validator));
    }

    public static void Expect(CommandResult result)
    {
        if (result is CommandRejected r) throw new InvalidOperationException($"{r.Code}: {r.Message}");
    }
}
