using System.Collections.Immutable;
using Newtonsoft.Json.Linq;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Orchestration;
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

    private static readonly HexBytes Hash = HexBytes.From(Keccak.Hash([7]));

    private static readonly RoundOpened Opened = new("agent-1", Keys.Alice.Address, "opaque", Hash, "ipfs://proof", Hash, 4,
        [new CommitteeMember(Keys.Bob.Address, 5_000)], 5_000, At.AddMinutes(10), At.AddMinutes(20),
        new RoundParameters(5000, 5000, 5000, 5000, 1000));

    private static readonly RoundFinalized Finalized = new("agent-1", Keys.Alice.Address, RoundVerdict.Approved, 5_000, 0, 900_000,
        [new MemberResult(Keys.Bob.Address, 5_000, true, true, Verdict.Approve, 900_000, 1_000_000, false, false)],
        [new Weighted(Keys.Bob.Address, uint.MaxValue)], 5000, 5000);

    private static readonly EmissionSchedule Schedule = new(TimeSpan.FromHours(1), 10_000, 100, 1_000_000, 3000, 5000);

    public static IEnumerable<IPotMessage> All()
    {
        var agentState = new AgentState("agent-1", AgentStatus.Pending, Keys.Alice.Address, Profile, 1000,
            new InFlightOperation(Envelope, ["agent-agent-1:1"], Profile), [new AgentReceipt("0xab", ["agent-agent-1:2"])], 1, "agent-1.1", 900_000, 2,
            new AgentSla([new SlaSample(Keys.Alice.Address, true, 30, 40), new SlaSample(Keys.Carol.Address, false, 12)], 3, 1, new RelayStamp(21, 3)));
        var accountState = AccountState.Empty(Keys.Alice.Address) with
        {
            Exists = true,
            Balance = 10,
            AgentStakes = ImmutableSortedDictionary<string, UInt128>.Empty.Add("agent-1", 1000),
            Unbonding = [new Unbonding(5, At, "validator")],
            Receipts = ImmutableSortedDictionary<ulong, Receipt>.Empty.Add(3, new Receipt("0xab", ["account-x:1"])),
            CreditedUpTo = ImmutableSortedDictionary<string, ulong>.Empty.Add(Keys.Bob.Address.Value, 7),
            Nonce = 4,
            Version = 9,
            ProofBonds = ImmutableSortedDictionary<string, UInt128>.Empty.Add("agent-1", 500)
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
            new AgentOperationAborted(ErrorCodes.InsufficientFunds, "balance is 0"),
            new Credited(7, "validation-reward:agent-1.1", new RelayStamp(9, 1)),
            new StakeSlashed("agent-1", 500, 250, [new Payout(Keys.Bob.Address, 250)], "rejected-proof:agent-1.1", new RelayStamp(9, 2), FromUnbonding: 120),
            new TrainingProofSubmitted("agent-1.1", "opaque", Hash, "ipfs://proof"),
            new ValidationRoundRequested("agent-1.1", Keys.Alice.Address, "opaque", Hash, "ipfs://proof", ["account-x:6"]),
            new ValidationStarted("agent-1.1", 5, At, At.AddMinutes(10)),
            new ValidationNotStarted("agent-1.2", "no validators", Keys.Alice.Address),
            new FeeBurned("registration:agent-1", 100),
            new ProofBondLocked("agent-1", 500),
            new ProofBondReleased("agent-1", 500, "proof-bond:agent-1.1", new RelayStamp(9, 3)),
            new ProofBondForfeited("agent-1", 500, "proof-bond:agent-1.1", new RelayStamp(9, 4)),
            new AgentValidated("agent-1.1", RoundVerdict.Approved, 900_000, new RelayStamp(10, 3)),
            Opened,
            new VoteCommitted(Keys.Bob.Address, Hash),
            new VoteRevealed(Keys.Bob.Address, Verdict.Approve, 900_000, Hash),
            new EquivocationProven(Keys.Bob.Address, "CommitVote", Envelope, Envelope, Keys.Carol.Address, 5000, 1000),
            Finalized,
            new ValidatorStakeChanged(Keys.Bob.Address, 5_000, new RelayStamp(3, 0)),
            new ParticipationRecorded("agent-1.1", [Keys.Bob.Address], [Keys.Carol.Address], new RelayStamp(11, 2)),
            new ValidatorEjected(Keys.Carol.Address, "missed 3 rounds in a row", "agent-1.1", new RelayStamp(11, 2)),
            new EmissionStarted(At, Schedule),
            new JudgementRecorded("agent-1.1", "agent-1", Keys.Alice.Address, RoundVerdict.Approved, 900_000, [new Weighted(Keys.Bob.Address, 7)],
                new RelayStamp(12, 1)),
            new UsageRecorded("agent-1", Keys.Alice.Address, Keys.Carol.Address, 2, new RelayStamp(13, 4)),
            new EpochClosed(3, 9_700, 42, [new EmissionPayout(Keys.Bob.Address, 40, null), new EmissionPayout(Keys.Alice.Address, 2, "agent-1")], 4)
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
        yield return new Credit(Keys.Bob.Address, 7, "validation-reward:agent-1.1", new RelayStamp(9, 1));
        yield return new SlashStake(Keys.Alice.Address, "agent-1", 5000, 5000, [new Weighted(Keys.Bob.Address, 10)], "rejected-proof:agent-1.1", new RelayStamp(9, 2),
            [new Payout(Keys.Bob.Address, 80)]);
        yield return new SubmitTrainingProof(Keys.Alice.Address, "agent-1", "opaque", Hash, "ipfs://proof", 4);
        yield return new SettleProofBond(Keys.Alice.Address, "agent-1", true, "proof-bond:agent-1.1", new RelayStamp(9, 4));
        yield return new ConcludeValidation("agent-1.1", RoundVerdict.Rejected, 100, new RelayStamp(12, 3));
        yield return new CommitVote(Keys.Bob.Address, "agent-1.1", Hash);
        yield return new RevealVote(Keys.Bob.Address, "agent-1.1", 1, 900_000, Hash);
        yield return new ReportEquivocation(Keys.Carol.Address, "agent-1.1", Keys.Bob.Address, "CommitVote", "{}", Hash, "{}", Hash);
        yield return new OpenRound("agent-1.1", "agent-1", Keys.Alice.Address, "opaque", Hash, "ipfs://proof");
        yield return new RoundOpenResult("agent-1.1", "agent-1", true, null, 5, At, At.AddMinutes(20));
        yield return CloseRound.Instance;
        yield return new GetRound("agent-1.1");
        yield return new ValidatorStakeDelta(Keys.Bob.Address, 10, 0, new RelayStamp(3, 0));
        yield return new RecordParticipation("agent-1.1", [Keys.Bob.Address], [], new RelayStamp(11, 2));
        yield return new EjectValidator(Keys.Bob.Address, "equivocation", "agent-1.1", new RelayStamp(13, 1));
        yield return GetValidatorSnapshot.Instance;
        yield return new ValidatorSnapshot(4, [new CommitteeMember(Keys.Bob.Address, 5_000)]);
        yield return GetValidators.Instance;
        var set = ValidatorSetState.Empty.Apply(new ValidatorStakeChanged(Keys.Bob.Address, 5_000, new RelayStamp(3, 0)) { Meta = Meta });
        yield return new ValidatorSetView(set.Version, 1_000, 3, set.Validators);
        yield return new ValidatorSetSnapshot(set, HashChain.Genesis);
        var round = RoundState.Empty("agent-1.1").Apply(Opened with { Meta = Meta }).Apply(new VoteCommitted(Keys.Bob.Address, Hash) { Meta = Meta })
            .Apply(Finalized with { Meta = Meta });
        yield return RoundView.Of(round, At);
        yield return new RoundSnapshot(round, HashChain.Genesis);
        yield return new RecordJudgement("agent-1.1", "agent-1", Keys.Alice.Address, RoundVerdict.Rejected, 0, [new Weighted(Keys.Bob.Address, 7)],
            new RelayStamp(12, 1));
        yield return new RecordUsage("agent-1", Keys.Alice.Address, Keys.Carol.Address, 2, new RelayStamp(13, 4));
        yield return CloseEpoch.Instance;
        yield return GetEmission.Instance;
        var emission = EmissionState.Empty.Apply(new EmissionStarted(At, Schedule) { Meta = Meta })
            .Apply(new UsageRecorded("agent-1", Keys.Alice.Address, Keys.Carol.Address, 2, new RelayStamp(13, 4)) { Meta = Meta });
        yield return EmissionView.Of(emission);
        yield return new EmissionSnapshot(emission, HashChain.Genesis);
        foreach (var message in Tasks()) yield return message;
    }

    /// <summary>Tasks: the command, what the relay carries, every event, the state as snapshot and view.</summary>
    private static IEnumerable<IPotMessage> Tasks()
    {
        var plan = PlanRequest.FromCapabilities("retrieve", "answer");
        var attempts = ImmutableArray.Create(new CallAttempt(1, false, 500, "agent-error", 12), new CallAttempt(2, true, 200, null, 30));
        yield return new SubmitTask(Keys.Alice.Address, "task-1", "answer", "", ["retrieve", "answer"], "", "what is PoT?", 500, 1_800_000_000, 9);
        var open = new OpenTask(Keys.Alice.Address, "task-1", "answer", plan, "what is PoT?", 500, At.AddMinutes(10), "0xab", new RelayStamp(20, 0));
        yield return open;
        yield return new DispatchCall("step-1", "agent-1", Keys.Bob.Address, 40);
        yield return new RecordCallResult("step-1", 1, true, new Newtonsoft.Json.Linq.JObject { ["answer"] = 42 }, null, null, 30, attempts);
        yield return new StopTask(TaskStopReason.NoAgent, "no listed agent offers 'answer'");
        yield return new GetTask("task-1");
        yield return new RecordAgentCall("agent-1", "task-1", Keys.Alice.Address, true, 30, new RelayStamp(21, 3), 40);
        PotEvent[] events =
        [
            new TaskEscrowed("task-1", 500, At.AddMinutes(10), "answer", plan, "what is PoT?"),
            new TaskOpened(Keys.Alice.Address, "answer", "what is PoT?", 500, At.AddMinutes(10), TaskPlan.Chain(["retrieve", "answer"]), "0xab",
                new RelayStamp(20, 0)),
            new TaskRefused(Keys.Alice.Address, 500, "0xcd", ErrorCodes.TaskExists, new RelayStamp(22, 0)),
            new StepDispatched("step-1", 1, "agent-1", Keys.Bob.Address, 40),
            new StepSucceeded("step-1", 1, "agent-1", Keys.Bob.Address, 40, new FeeSplit(36, 2, 2), Keys.Carol.Address, Keys.Mallory.Address,
                Keys.Alice.Address, 30, new Newtonsoft.Json.Linq.JValue("42"), attempts),
            new StepCallFailed("step-2", 1, "agent-2", "step-timeout", "no answer within 30 s", 30_000, [], Keys.Alice.Address),
            new LateResultIgnored("step-2", 1, "agent-2", 31_000),
            new TaskStopped(TaskStopReason.Completed, "all 2 steps done", 40, 460, Keys.Alice.Address),
            new AgentCallRecorded("task-1", Keys.Alice.Address, true, 30, new RelayStamp(21, 3), 40),
            new SlaWindowMet(1, 20, 20, 10_000, 45),
            new SlaBreached(2, 20, 15, 7_500, 900, "success rate 7500 bps < declared 9900", Keys.Bob.Address, 500, [new Weighted(Keys.Alice.Address, 5)],
                [new Payout(Keys.Alice.Address, 600)])
        ];
        var state = TaskState.Empty("task-1");
        foreach (var e in events.Skip(1).Take(4))
        {
            var sealedEvent = e with { Meta = Meta };
            if (e is not TaskRefused) state = state.Apply(sealedEvent);
        }
        foreach (var e in events) yield return e with { Meta = Meta };
        yield return new TaskSnapshot(state, HashChain.Genesis);
        yield return TaskView.Of(state);
    }
}
