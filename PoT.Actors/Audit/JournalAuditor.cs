using System.Collections.Immutable;
using System.Numerics;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Orchestration;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Registry;
using PoT.Reputation;

namespace PoT.Audit;

/// <summary>The rules and parameters an audit re-checks the journal against: the node's own (from its configuration).</summary>
public sealed record AuditSettings(
    CommandVerifier Verifier,
    LedgerOptions Ledger,
    RegistryOptions Registry,
    ConsensusOptions Consensus,
    ReputationParameters Reputation,
    PoT.Orchestration.TaskOptions Tasks,
    EmissionSchedule Emission,
    int MaxFindings = 1000);

/// <summary>A journal row made ready for the sequential checks, on any thread: decoded, hashed, and its envelope's
/// signature re-verified.</summary>
public sealed record PreparedRow(JournalRow Row, PotEvent? Event, string? DecodeError, string Hash, ISignedMessage? Command, string? SignatureError);

/// <summary>
/// Replays a journal in global order and re-checks everything without trusting the node that wrote it
/// (docs/audit.md): that every row decodes, every entity's sequence has no gap and its hash chain holds, every signed
/// envelope verifies and was signed by the account it acts for; that every event is exactly what the same pure rules
/// the entities run decide from the state before it and the input that caused it — a signed command, a delivery some
/// earlier event owed, or a round's deadline (so committees are recomputed from their seed and tallies and rewards
/// recomputed); that every delivery owed was made; that tokens are conserved after every event; and it rebuilds the
/// reputation read models with the same fold the projection runs.
/// </summary>
public sealed class JournalAuditor
{
    private readonly AuditSettings settings;
    private readonly VerifiedEnvelopes _envelopes;

    public JournalAuditor(AuditSettings settings)
    {
        this.settings = settings;
        _envelopes = new VerifiedEnvelopes(settings.Verifier);
        _snapshots[0] = ValidatorSetState.Empty.Snapshot(settings.Consensus.MinValidatorStake);
        _registry = settings.Registry;
    }

    private sealed record Pending(OutboxDelivery Delivery, long SourceOrdering, int Index, string SourcePid, long SourceSeq);

    private readonly Dictionary<string, (long Seq, string Hash)> _heads = new();
    private readonly Dictionary<string, Queue<PotEvent>> _expected = new();
    private readonly Dictionary<string, AccountState> _accounts = new();
    private readonly Dictionary<string, AgentState> _agents = new();
    private readonly Dictionary<string, RoundState> _rounds = new();
    private readonly Dictionary<string, TaskState> _tasks = new();
    private readonly Dictionary<long, ValidatorSnapshot> _snapshots = new();
    private readonly Dictionary<string, ImmutableArray<string>> _stepEvents = new();
    private readonly Dictionary<(EntityKind, string), List<Pending>> _pending = new();
    private readonly List<AuditFinding> _findings = [];
    private ValidatorSetState _validators = ValidatorSetState.Empty;
    private EmissionState _emission = EmissionState.Empty;
    private RegistryOptions _registry;
    private BigInteger _genesis, _emitted, _burned, _held, _inFlight, _imbalance;
    private DateTimeOffset _lastAt = DateTimeOffset.UnixEpoch;

    public ReputationState Reputation { get; private set; } = ReputationState.Empty;

    public IReadOnlyList<AuditFinding> Findings => _findings;

    public long FindingCount { get; private set; }

    public long Rows { get; private set; }

    /// <summary>Signatures recovered (an envelope shared by the events of one decision counts once).</summary>
    public long Envelopes => _envelopes.Verified;

    public BigInteger Supply => _genesis + _emitted - _burned;

    /// <summary>Decodes, hashes and verifies a row's signature: pure, safe on any thread (envelopes shared by several
    /// events are verified once).</summary>
    public PreparedRow Prepare(JournalRow row)
    {
        var hash = HashChain.HashOf(row.Payload);
        PotEvent e;
        try
        {
            e = row.Decode();
        }
        catch (Exception x) when (x is not OutOfMemoryException)
        {
            return new PreparedRow(row, null, x.Message, hash, null, null);
        }
        if (e.Meta.Envelope is not { } envelope) return new PreparedRow(row, e, null, hash, null, null);
        var (command, error) = _envelopes.Check(envelope);
        return new PreparedRow(row, e, null, hash, command, error);
    }

    /// <summary>Checks one row, in journal order.</summary>
    public void Check(PreparedRow r)
    {
        Rows++;
        var row = r.Row;
        var pid = row.PersistenceId;
        var (lastSeq, lastHash) = _heads.GetValueOrDefault(pid, (0, HashChain.Genesis));
        if (row.SequenceNr != lastSeq + 1)
            Find(AuditRules.SequenceGap, row, row.SequenceNr > lastSeq
                ? $"events {lastSeq + 1}–{row.SequenceNr - 1} of {pid} are missing"
                : $"sequence number {row.SequenceNr} comes after {lastSeq}");
        _heads[pid] = (row.SequenceNr, r.Hash);
        if (row.Deleted) Find(AuditRules.Deleted, row, "the row is marked deleted; PoT never deletes events");
        if (r.Event is not { } e)
        {
            Find(AuditRules.Undecodable, row, $"the payload does not decode as {row.Manifest}: {r.DecodeError}");
            return;
        }
        if (e.Meta.At > _lastAt) _lastAt = e.Meta.At;
        if (e.Meta.Prev != lastHash)
            Find(AuditRules.HashChain, row, $"the event names {Short(e.Meta.Prev)} as its predecessor, whose stored bytes hash to {Short(lastHash)}");
        if (r.SignatureError is { } bad) Find(AuditRules.BadSignature, row, bad);

        if (!EntityIds.TryParse(pid, out var kind, out var id))
            CheckNodeEvent(row, e);
        else
        {
            try
            {
                CheckTransition(row, e, kind, id, r.Command);
                Apply(row, e, kind, id, r.Command);
            }
            catch (Exception x) when (x is InvalidOperationException or OverflowException or ArgumentException or FormatException or KeyNotFoundException)
            {
                Find(AuditRules.StateTransition, row, $"{e.GetType().Name} cannot be applied to the entity: {x.Message}");
            }
        }
        if (!row.Deleted) Reputation = Reputation.Apply(pid, row.SequenceNr, e, row.Ordering, settings.Reputation);
        CheckConservation(row);
    }

    /// <summary>After the last row: every delivery the relay had committed to (sources up to <paramref name="relayOffset"/>)
    /// must have been made, unless the rules say it had nothing left to do.</summary>
    public void Finish(long relayOffset)
    {
        foreach (var ((kind, id), pending) in _pending)
            foreach (var p in pending.Where(p => p.SourceOrdering <= relayOffset))
                if (WouldChange(kind, id, p.Delivery.Message, _lastAt))
                    Find(AuditRules.DeliveryLost, p.SourceOrdering, p.SourcePid, p.SourceSeq,
                        $"{p.Delivery.Message.GetType().Name} to {EntityIds.PersistenceId(kind, id)} was owed and never took effect, though the relay " +
                        $"had passed ordering {relayOffset}");
    }

    /// <summary>Deliveries still owed (a node stopped before its relay caught up leaves some: not a finding).</summary>
    public int PendingDeliveries => _pending.Values.Sum(p => p.Count);

    private void CheckNodeEvent(JournalRow row, PotEvent e)
    {
        if (e is GenesisAllocated g && row.PersistenceId == GenesisActor.PersistenceIdValue)
        {
            var spec = new GenesisSpec(g.Allocations);
            if (spec.Hash != g.Hash || spec.Total != g.Total)
                Find(AuditRules.Genesis, row, $"the allocations hash to {spec.Hash} and total {spec.Total}; the event says {g.Hash} and {g.Total}");
            // The genesis names the network: its agents' rounds carry its tag.
            _registry = _registry with { NetworkTag = NetworkIdentity.TagOf(settings.Verifier.Domain, g.Hash) };
            AddDeliveries(row, g);
            return;
        }
        Find(AuditRules.UnexplainedEvent, row, $"{e.GetType().Name} in {row.PersistenceId}, which is no PoT entity");
    }

    /// <summary>Compares the event with what the rules decide from the state before it and its input.</summary>
    private void CheckTransition(JournalRow row, PotEvent e, EntityKind kind, string id, ISignedMessage? command)
    {
        if (_expected.TryGetValue(row.PersistenceId, out var queue) && queue.Count > 0)
        {
            Compare(row, e, queue.Dequeue());
            return;
        }
        var (decision, input) = Decide(row, e, kind, id, command);
        switch (decision)
        {
            case null:
                Find(AuditRules.UnexplainedEvent, row, $"{e.GetType().Name}: {input}");
                return;
            case Decision.Accept accept:
                Compare(row, e, accept.Events[0]);
                if (accept.Events.Length > 1) _expected[row.PersistenceId] = new Queue<PotEvent>(accept.Events[1..]);
                return;
            case Decision.Reject reject:
                Find(RuleFor(e), row, $"the rules refuse {input}: {reject.Error.Code}: {reject.Error.Message}");
                return;
            default:
                Find(RuleFor(e), row, $"the rules find nothing to do for {input} (already done), yet {e.GetType().Name} was recorded");
                return;
        }
    }

    /// <summary>The rule's decision for the input that caused <paramref name="e"/> (null when no input explains it).</summary>
    private (Decision? Decision, string Input) Decide(JournalRow row, PotEvent e, EntityKind kind, string id, ISignedMessage? command)
    {
        var at = e.Meta.At;
        var envelope = e.Meta.Envelope;
        switch (kind)
        {
            case EntityKind.Account:
            {
                var account = Account(id);
                if (envelope is not null && command is ISignedCommand signed && envelope.Signer.Value == id)
                {
                    if (signed is IAgentCommand) Consume(row, kind, id, m => m is ApplyAgentStep s && s.Envelope.Digest == envelope.Digest);
                    return (AccountRules.Decide(account, signed, envelope, at, settings.Ledger), $"{envelope.Type} {Short(envelope.Digest)}");
                }
                var delivery = Consume(row, kind, id, m => (e, m) switch
                {
                    (TransferReceived t, CreditTransfer c) => c.CommandId == t.CommandId,
                    (Credited c, Credit d) => c.Stamp == d.Stamp,
                    (StakeSlashed x, SlashStake s) => x.Stamp == s.Stamp,
                    (ProofBondReleased b, SettleProofBond s) => b.Stamp == s.Stamp,
                    (ProofBondForfeited b, SettleProofBond s) => b.Stamp == s.Stamp,
                    (GenesisMinted g, MintGenesis m2) => m2.GenesisHash == g.GenesisHash,
                    _ => false
                });
                return delivery is null ? (null, "no signed command or owed delivery explains it") : (AccountRules.Decide(account, delivery), delivery.GetType().Name);
            }
            case EntityKind.Agent when e is AgentCallRecorded recorded:
            {
                var call = (RecordAgentCall?)Consume(row, kind, id, m => m is RecordAgentCall c && c.Stamp == recorded.Stamp);
                return call is null
                    ? (null, "no task reported this call")
                    : (SlaRules.Record(_agents.GetValueOrDefault(id) ?? AgentState.Empty(id), call, settings.Tasks), "the call a task reported");
            }
            case EntityKind.Agent:
            {
                var agent = _agents.GetValueOrDefault(id) ?? AgentState.Empty(id);
                switch (e)
                {
                    case AgentOperationRequested when envelope is not null && command is IAgentCommand agentCommand:
                        return (AgentRules.Decide(agent, agentCommand, envelope, _registry), $"{envelope.Type} {Short(envelope.Digest)}");
                    case AgentValidated:
                        var conclude = Consume(row, kind, id, m => m is ConcludeValidation c && c.Stamp == ((AgentValidated)e).Stamp);
                        return conclude is null ? (null, "no round's verdict was owed to this agent") : (AgentRules.Conclude(agent, (ConcludeValidation)conclude), "the round's verdict");
                    case ValidationStarted or ValidationNotStarted:
                        var roundId = agent.ActiveRound ?? "";
                        var round = _rounds.GetValueOrDefault(roundId) ?? RoundState.Empty(roundId);
                        return (AgentRules.CompleteOpening(agent, RoundRules.OpenResult(round, id, (e as ValidationNotStarted)?.Reason)), $"round {roundId}'s answer");
                    default:
                        if (agent.InFlight is not { } inFlight) return (null, "no operation of this agent was in flight");
                        var result = e is AgentOperationAborted aborted
                            ? new AccountStepResult(id, inFlight.Envelope.Digest, [], aborted.Code, aborted.Message)
                            : _stepEvents.Remove(inFlight.Envelope.Digest, out var ids)
                                ? new AccountStepResult(id, inFlight.Envelope.Digest, ids)
                                : null;
                        return result is null
                            ? (null, $"the provider's account never recorded its step of {inFlight.Envelope.Type} {Short(inFlight.Envelope.Digest)}")
                            : (AgentRules.Complete(agent, result, settings.Tasks), $"the account's answer to {inFlight.Envelope.Type}");
                }
            }
            case EntityKind.Round:
            {
                var round = _rounds.GetValueOrDefault(id) ?? RoundState.Empty(id);
                if (envelope is not null)
                    return command switch
                    {
                        CommitVote c => (RoundRules.Commit(round, c, envelope, at), $"CommitVote {Short(envelope.Digest)}"),
                        RevealVote r => (RoundRules.Reveal(round, r, envelope, at), $"RevealVote {Short(envelope.Digest)}"),
                        ReportEquivocation q => (RoundRules.Report(round, q, settings.Verifier, at), $"ReportEquivocation {Short(envelope.Digest)}"),
                        _ => (null, "its envelope is no round message")
                    };
                if (e is RoundOpened opened)
                {
                    var open = (OpenRound?)Consume(row, kind, id, m => m is OpenRound);
                    if (open is null) return (null, "no agent asked for this round");
                    if (!_snapshots.TryGetValue(opened.SetVersion, out var snapshot))
                        return (null, $"the validator set never had version {opened.SetVersion}");
                    return (RoundRules.Open(round, open, snapshot, at, settings.Consensus), $"the request to open, at set version {opened.SetVersion}");
                }
                return (RoundRules.Close(round, at), "the reveal deadline");
            }
            case EntityKind.Task:
                return DecideTask(row, e, id);
            case EntityKind.Emission:
            {
                if (e is EmissionStarted or EpochClosed)
                    return (EmissionRules.Close(_emission, at, settings.Emission), "the schedule's clock");
                var delivery = Consume(row, kind, id, m => (e, m) switch
                {
                    (JudgementRecorded j, RecordJudgement r) => j.Stamp == r.Stamp,
                    (UsageRecorded u, RecordUsage r) => u.Stamp == r.Stamp,
                    _ => false
                });
                return delivery is null ? (null, "no owed delivery explains it") : (EmissionRules.Decide(_emission, delivery), delivery.GetType().Name);
            }
            default:
            {
                var delivery = Consume(row, kind, id, m => (e, m) switch
                {
                    (ValidatorStakeChanged c, ValidatorStakeDelta d) => c.Stamp == d.Stamp,
                    (ParticipationRecorded p, RecordParticipation r) => p.Stamp == r.Stamp,
                    (ValidatorEjected j, EjectValidator x) => j.Stamp == x.Stamp,
                    _ => false
                });
                return delivery is null
                    ? (null, "no owed delivery explains it")
                    : (ValidatorSetRules.Decide(_validators, delivery, settings.Consensus), delivery.GetType().Name);
            }
        }
    }

    /// <summary>A task's events come from its escrow (an owed delivery), or from what its executor reported — which the
    /// event itself records — or from its deadline: each is re-decided by <see cref="TaskRules"/>, which hold the money
    /// rules (a price that fits the escrow, one payment per step, the refund).</summary>
    private (Decision? Decision, string Input) DecideTask(JournalRow row, PotEvent e, string id)
    {
        var task = _tasks.GetValueOrDefault(id) ?? TaskState.Empty(id);
        switch (e)
        {
            case TaskOpened or TaskRefused:
                var stamp = e is TaskOpened o ? o.Stamp : ((TaskRefused)e).Stamp;
                var open = (OpenTask?)Consume(row, EntityKind.Task, id, m => m is OpenTask t && t.Stamp == stamp);
                return open is null ? (null, "no escrow was owed to this task") : (TaskRules.Open(task, open, settings.Tasks), "the escrow");
            case StepDispatched d:
                return (TaskRules.Dispatch(task, new DispatchCall(d.StepId, d.AgentId, d.Provider, d.Price), settings.Tasks), $"dispatching step {d.StepId}");
            case StepSucceeded ok:
                return (TaskRules.Result(task, new RecordCallResult(ok.StepId, ok.Call, true, ok.Output, null, null, ok.LatencyMs, ok.Attempts), settings.Tasks),
                    $"the result of call {ok.Call} of step {ok.StepId}");
            case StepCallFailed f:
                return (TaskRules.Result(task, new RecordCallResult(f.StepId, f.Call, false, null, f.Code, f.Message, f.LatencyMs, f.Attempts), settings.Tasks),
                    $"the failure of call {f.Call} of step {f.StepId}");
            case LateResultIgnored l:
                return (TaskRules.Result(task, new RecordCallResult(l.StepId, l.Call, true, null, null, null, l.LatencyMs, []), settings.Tasks),
                    $"a late result of call {l.Call} of step {l.StepId}");
            case TaskStopped x:
                return (TaskRules.Stop(task, new StopTask(x.Reason, x.Message), e.Meta.At), $"a stop ({x.Reason})");
            default:
                return (null, "no task input explains it");
        }
    }

    /// <summary>Takes the owed delivery to this entity that <paramref name="matches"/> the event. The relay delivers to
    /// each target in order, so every delivery owed before it must have happened already: one the rules say would still
    /// change something was lost.</summary>
    private IPotMessage? Consume(JournalRow row, EntityKind kind, string id, Func<IPotMessage, bool> matches)
    {
        if (!_pending.TryGetValue((kind, id), out var pending)) return null;
        var index = pending.FindIndex(p => matches(p.Delivery.Message));
        if (index < 0) return null;
        var found = pending[index];
        foreach (var earlier in pending.Take(index).ToList())
        {
            if (WouldChange(kind, id, earlier.Delivery.Message, _lastAt))
                Find(AuditRules.DeliveryLost, earlier.SourceOrdering, earlier.SourcePid, earlier.SourceSeq,
                    $"{earlier.Delivery.Message.GetType().Name} to {row.PersistenceId} never took effect, though a later delivery (ordering {row.Ordering}) did");
            Settle(earlier);
            pending.Remove(earlier);
        }
        Settle(found);
        pending.Remove(found);
        return found.Delivery.Message;
    }

    /// <summary>Whether delivering <paramref name="message"/> at <paramref name="now"/> would still record something (a
    /// lost delivery).</summary>
    private bool WouldChange(EntityKind kind, string id, IPotMessage message, DateTimeOffset now) => (kind, message) switch
    {
        (EntityKind.Account, ApplyAgentStep step) when step.Envelope.Command() is ISignedCommand c =>
            AccountRules.Decide(Account(id), c, step.Envelope, now, settings.Ledger) is Decision.Accept,
        (EntityKind.Account, _) => AccountRules.Decide(Account(id), message) is Decision.Accept,
        (EntityKind.Agent, ConcludeValidation c) => AgentRules.Conclude(_agents.GetValueOrDefault(id) ?? AgentState.Empty(id), c) is Decision.Accept,
        (EntityKind.ValidatorSet, _) => ValidatorSetRules.Decide(_validators, message, settings.Consensus) is Decision.Accept,
        (EntityKind.Emission, _) => EmissionRules.Decide(_emission, message) is Decision.Accept,
        (EntityKind.Agent, RecordAgentCall c) => SlaRules.Record(_agents.GetValueOrDefault(id) ?? AgentState.Empty(id), c, settings.Tasks) is Decision.Accept,
        (EntityKind.Task, OpenTask o) => TaskRules.Open(_tasks.GetValueOrDefault(id) ?? TaskState.Empty(id), o, settings.Tasks) is Decision.Accept,
        _ => false
    };

    private void Settle(Pending p) => _inFlight -= Money(p.Delivery.Message);

    private static UInt128 Money(IPotMessage message) => message switch
    {
        CreditTransfer c => c.Amount,
        Credit c => c.Amount,
        OpenTask o => o.Budget,
        _ => UInt128.Zero
    };

    private void Compare(JournalRow row, PotEvent recorded, PotEvent decided)
    {
        var unsealed = recorded with { Meta = EventMeta.Unsealed };
        var expected = decided with { Meta = EventMeta.Unsealed };
        // Record equality settles most rows without serializing; events holding lists compare those by reference,
        // so an unequal pair is judged on the bytes it would be stored as.
        if (unsealed.Equals(expected)) return;
        var a = PotJson.Serialize(unsealed);
        var b = PotJson.Serialize(expected);
        if (a != b) Find(RuleFor(recorded), row, $"recorded {Fields(unsealed)}; the rules decide {Fields(expected)}");
    }

    /// <summary>An event's fields without its seal (the chain and signature are checked, and reported, on their own).</summary>
    private static string Fields(PotEvent e)
    {
        var json = Newtonsoft.Json.Linq.JObject.FromObject(e, PotJson.Serializer);
        json.Remove("meta");
        return json.ToString(Newtonsoft.Json.Formatting.None);
    }

    private static string RuleFor(PotEvent e) => e switch
    {
        RoundOpened => AuditRules.CommitteeSelection,
        RoundFinalized => AuditRules.Tally,
        EmissionStarted or EpochClosed => AuditRules.Emission,
        _ => AuditRules.StateTransition
    };

    /// <summary>Evolves the entity with the recorded event (as recovery would) and keeps the books.</summary>
    private void Apply(JournalRow row, PotEvent e, EntityKind kind, string id, ISignedMessage? command)
    {
        switch (kind)
        {
            case EntityKind.Account:
                var before = Account(id);
                var after = before.Apply(e, settings.Ledger);
                _accounts[id] = after;
                _held += after.Holdings - (BigInteger)before.Holdings;
                // An agent operation's account step: kept until the agent completes the operation with it.
                if (command is IAgentCommand && e.Meta.Envelope is { } envelope && envelope.Signer.Value == id)
                    _stepEvents[envelope.Digest] = _stepEvents.GetValueOrDefault(envelope.Digest, []).Add(EntityIds.EventId(row.PersistenceId, row.SequenceNr));
                break;
            case EntityKind.Agent:
                _agents[id] = (_agents.GetValueOrDefault(id) ?? AgentState.Empty(id)).Apply(e, _registry);
                break;
            case EntityKind.Round:
                _rounds[id] = (_rounds.GetValueOrDefault(id) ?? RoundState.Empty(id)).Apply(e);
                break;
            case EntityKind.Emission:
                _emission = _emission.Apply(e);
                break;
            case EntityKind.Task:
                var taskBefore = _tasks.GetValueOrDefault(id) ?? TaskState.Empty(id);
                var taskAfter = taskBefore.Apply(e);
                _tasks[id] = taskAfter;
                // The escrow a task holds is held tokens, as balances and stakes are.
                _held += (BigInteger)taskAfter.Held - taskBefore.Held;
                break;
            default:
                _validators = _validators.Apply(e);
                var snapshot = _validators.Snapshot(settings.Consensus.MinValidatorStake);
                _snapshots[snapshot.Version] = snapshot;
                _snapshots.Remove(snapshot.Version - 10_000);
                break;
        }
        if (e is ISupplyChange change)
        {
            _emitted += change.Minted;
            _burned += change.Burned;
        }
        if (e is GenesisMinted g) _genesis += g.Amount;
        AddDeliveries(row, e);
    }

    private void AddDeliveries(JournalRow row, PotEvent e)
    {
        if (e is not IOutboxEvent outbox) return;
        var index = 0;
        foreach (var delivery in outbox.Deliveries(new OutboxSource(row.PersistenceId, row.Ordering)))
        {
            var key = (delivery.Target, delivery.EntityId);
            if (!_pending.TryGetValue(key, out var list)) _pending[key] = list = [];
            list.Add(new Pending(delivery, row.Ordering, index++, row.PersistenceId, row.SequenceNr));
            _inFlight += Money(delivery.Message);
        }
    }

    private void CheckConservation(JournalRow row)
    {
        var imbalance = _genesis + _emitted - _burned - _held - _inFlight;
        if (imbalance == _imbalance) return;
        Find(AuditRules.Conservation, row,
            $"genesis {_genesis} + emitted {_emitted} − burned {_burned} ≠ held {_held} + in flight {_inFlight}: {(imbalance > 0 ? "missing" : "extra")} " +
            $"{BigInteger.Abs(imbalance)} (was {_imbalance} before this event)");
        _imbalance = imbalance;
    }

    private AccountState Account(string id) => _accounts.GetValueOrDefault(id) ?? AccountState.Empty(Address.Parse(id));

    private void Find(string rule, JournalRow row, string message) => Find(rule, row.Ordering, row.PersistenceId, row.SequenceNr, message);

    private void Find(string rule, long ordering, string persistenceId, long sequenceNr, string message)
    {
        FindingCount++;
        if (_findings.Count < settings.MaxFindings) _findings.Add(new AuditFinding(rule, ordering, persistenceId, sequenceNr, message));
    }

    private static string Short(string hash) => hash.Length > 18 ? hash[..18] + "…" : hash;
}
