using System.Collections.Immutable;
using Newtonsoft.Json.Linq;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Registry;

namespace PoT.Specs.Support;

/// <summary>One filled-in instance of every persisted or remoted type (the serializer specs require one per type).</summary>
public static class Samples
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static readonly SignedEnvelope Envelope = new CommandVerifier(CommandCatalog.Pot, new Eip712Domain("PoT", "1", 31337, Address.Zero))
        .Sign(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 5, 3), Keys.Alice).Envelope;

    public static readonly AgentProfile Profile = new(["summarize", "qa"], "http", "https://agent.example/run", """{"timeoutMs":800}""",
        UInt128.Parse("340282366920938463463374607431768211455"), 1500, 9950);

    private static readonly EventMeta Meta = new(HashChain.Genesis, At, Envelope);

    public static IEnumerable<IPotMessage> All()
    {
        var agentState = new AgentState("agent-1", AgentStatus.Pending, Keys.Alice.Address, Profile, 1000,
            new InFlightOperation(Envelope, ["agent-agent-1:1"], Profile), [new AgentReceipt("0xab", ["agent-agent-1:2"])], 2);
        var accountState = AccountState.Empty(Keys.Alice.Address) with
        {
            Exists = true,
            Balance = 10,
            AgentStakes = ImmutableSortedDictionary<string, UInt128>.Empty.Add("agent-1", 1000),
            Unbonding = [new Unbonding(5, At, "validator")],
            Receipts = ImmutableSortedDictionary<ulong, Receipt>.Empty.Add(3, new Receipt("0xab", ["account-x:1"])),
            CreditedUpTo = ImmutableSortedDictionary<string, ulong>.Empty.Add(Keys.Bob.Address.Value, 7),
            Nonce = 4,
            Version = 9
        };
        PotEvent[] events =
        [
            new GenesisMinted(100, "0xgenesis"),
            new TransferSent(Keys.Bob.Address, 5),
            new TransferReceived(Keys.Alice.Address, 3, 5, "0xab"),
            new ValidatorStakeLocked(7),
            new AgentStakeLocked("agent-1", 1000),
            new ValidatorStakeUnbonding(7, At),
            new AgentStakeUnbonding("agent-1", 1000, At),
            new UnbondingWithdrawn(7, At),
            new AgentCommandAuthorized("agent-1"),
            new GenesisAllocated("0xgenesis", [new GenesisAllocation(Keys.Alice.Address, 100)], 100),
            new AgentRegistrationRequested(Keys.Alice.Address, Profile, 1000),
            new AgentUpdateRequested(Profile),
            new AgentDeregistrationRequested(),
            new AgentRegistered(Keys.Alice.Address, Profile, 1000, ["account-x:3"]),
            new AgentUpdated(Profile, ["account-x:4"]),
            new AgentDeregistered(["account-x:5"]),
            new AgentOperationAborted(ErrorCodes.InsufficientFunds, "balance is 0")
        ];
        foreach (var e in events) yield return e with { Meta = Meta };

        yield return new Signed(Envelope);
        yield return new CommandAccepted("0xab", ["account-x:1"], true);
        yield return new CommandRejected(ErrorCodes.StaleNonce, "old");
        yield return new Transfer(Keys.Alice.Address, Keys.Bob.Address, 5, 3);
        yield return new StakeAsValidator(Keys.Alice.Address, 5, 3);
        yield return new StakeForAgent(Keys.Alice.Address, "agent-1", 5, 3);
        yield return new Unstake(Keys.Alice.Address, 5, 3);
        yield return new Withdraw(Keys.Alice.Address, 3);
        yield return new RegisterAgent(Keys.Alice.Address, "agent-1", ["qa"], "http", "https://a.example", "", 1, 2, 3, 1000, 4);
        yield return new UpdateAgent(Keys.Alice.Address, "agent-1", ["qa"], "https://a.example", "", 1, 2, 3, 4);
        yield return new DeregisterAgent(Keys.Alice.Address, "agent-1", 4);
        yield return new CreditTransfer(Keys.Bob.Address, Keys.Alice.Address, 3, 5, "0xab");
        yield return new MintGenesis(Keys.Alice.Address, 100, "0xgenesis");
        yield return new ApplyAgentStep(Envelope);
        yield return new AccountStepResult("agent-1", "0xab", ["account-x:1"]);
        yield return new AccountStepResult("agent-1", "0xab", [], ErrorCodes.InsufficientFunds, "no");
        yield return new CheckSigned(Envelope);
        yield return DeliveryAck.Instance;
        yield return new GetAccount(Keys.Alice.Address);
        yield return new GetAgent("agent-1");
        yield return AccountView.Of(accountState);
        yield return new AccountSnapshot(accountState, HashChain.Genesis);
        yield return AgentView.Of(agentState);
        yield return new AgentSnapshot(agentState, HashChain.Genesis);
        yield return new ApplyGenesis(new GenesisSpec([new GenesisAllocation(Keys.Alice.Address, 100)]));
        yield return GetGenesis.Instance;
        yield return new GenesisState("0xgenesis", 100, 1);
        yield return new GenesisSnapshot(new GenesisState("0xgenesis", 100, 1), HashChain.Genesis);
        yield return GetRelayOffset.Instance;
        yield return new CommitRelayOffset(42);
        yield return new RelayOffset(42);
        yield return new ListAgents("qa", AgentStatus.Pending, Keys.Alice.Address);
        yield return new AgentList([new AgentListing("agent-1", AgentStatus.Pending, Keys.Alice.Address, Profile, 1000)], 8);
    }
}
