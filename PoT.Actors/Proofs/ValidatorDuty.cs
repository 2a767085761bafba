using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Streams;
using PoT.Consensus;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>Settings of the validator duty (hocon/pot.conf, pot.validator): how often it retries, how long one
/// verification may take, and how many may fail before it votes reject.</summary>
public sealed record ValidatorDutyOptions(TimeSpan RetryInterval, TimeSpan AskTimeout, TimeSpan VerifyTimeout, int MaxVerifyAttempts)
{
    public static ValidatorDutyOptions FromConfig(Akka.Configuration.Config pot)
    {
        var v = pot.GetConfig("validator");
        var options = new ValidatorDutyOptions(v.GetTimeSpan("retry-interval"), pot.GetTimeSpan("node.ask-timeout"), v.GetTimeSpan("verify-timeout"),
            v.GetInt("max-verify-attempts"));
        if (options.RetryInterval <= TimeSpan.Zero || options.VerifyTimeout <= TimeSpan.Zero || options.MaxVerifyAttempts < 1)
            throw new Akka.Configuration.ConfigurationException("pot.validator: retry-interval and verify-timeout above 0, max-verify-attempts at least 1");
        return options;
    }
}

/// <summary>
/// A validator's automatic duty on this node: follows the journal's "consensus" tag; for every round whose committee
/// holds this validator and whose proof is of a verifiable kind, has the verifier pool check the proof, commits the
/// verdict as a sealed vote, and reveals it once reveals open. The vote goes through the round entity like any signed
/// command, so a duty gets no privilege a validator on the command line lacks. Every step is idempotent (the salt is
/// derived, the signature deterministic), so a retry or a restart re-sends the identical message, never a new one.
/// A verification that fails or outlasts verify-timeout is tried again, max-verify-attempts times in all; then the
/// duty votes reject (code verifier-failed): it never approves what it could not check, and never stays silent,
/// which would count as its miss.
/// </summary>
public sealed class ValidatorDuty : ReceiveActor, IWithTimers
{
    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private readonly EthKey _key;
    private readonly IActorRef _verifiers;
    private readonly IActorRef _rounds;
    private readonly CommandVerifier _signer;
    private readonly TimeProvider _clock;
    private readonly ValidatorDutyOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, ProofVerdict> _verdicts = [];
    private readonly Dictionary<string, DateTimeOffset> _verifying = [];
    private readonly Dictionary<string, int> _failedVerifications = [];
    private readonly Dictionary<(string Round, DutyStep Step), DateTimeOffset> _sent = [];
    private ValidatorDutyState _state;
    private UniqueKillSwitch? _killSwitch;

    public ITimerScheduler Timers { get; set; } = null!;

    public ValidatorDuty(EthKey key, IActorRef verifiers, IActorRef rounds, CommandVerifier signer, string queryPluginId, TimeProvider clock,
        ValidatorDutyOptions options)
    {
        _key = key;
        _verifiers = verifiers;
        _rounds = rounds;
        _signer = signer;
        _clock = clock;
        _options = options;
        _state = ValidatorDutyState.For(key.Address);

        Receive<TaggedEvent>(f =>
        {
            if (ValidatorDutyState.RoundIdOf(f.PersistenceId) is not { } roundId) return;
            _state = _state.Apply(roundId, f.Event);
            Act(roundId);
        });
        Receive<ProofVerified>(v =>
        {
            _verifying.Remove(v.Check.RoundId);
            _failedVerifications.Remove(v.Check.RoundId);
            _verdicts[v.Check.RoundId] = v.Verdict;
            _log.Info($"validator {_key.Address}, round {v.Check.RoundId}: {v.Check.ProofKind} proof {v.Check.ProofHash} → {v.Verdict.Vote.Verdict} " +
                $"({v.Verdict.Code}: {v.Verdict.Reason}) in {v.Verdict.Elapsed.TotalMilliseconds:F0} ms");
            Act(v.Check.RoundId);
        });
        Receive<ProofVerificationFailed>(f =>
        {
            if (!_verifying.Remove(f.Check.RoundId)) return;
            VerificationFailed(f.Check, f.Reason);
        });
        Receive<Tick>(_ =>
        {
            var now = _clock.GetUtcNow();
            foreach (var (roundId, since) in _verifying.ToList())
                if (now - since >= _options.VerifyTimeout && _state.Rounds.TryGetValue(roundId, out var round))
                {
                    _verifying.Remove(roundId);
                    VerificationFailed(CheckOf(roundId, round), $"no verdict within {_options.VerifyTimeout}");
                }
            foreach (var roundId in _state.Rounds.Keys.ToList()) Act(roundId);
        });
        Receive<CommandResult>(result =>
        {
            if (result is CommandRejected rejected) _log.Warning("validator {0}: vote refused: {1}: {2}", _key.Address, rejected.Code, rejected.Message);
        });
        Receive<Status.Failure>(f => throw new InvalidOperationException("the validator duty's journal stream failed", f.Cause));

        _killSwitch = TagFollower.Follow(Context, queryPluginId, PotEventTagger.Consensus);
    }

    protected override void PreStart() => Timers.StartPeriodicTimer("tick", Tick.Instance, _options.RetryInterval);

    protected override void PostStop() => _killSwitch?.Shutdown();

    private void Act(string roundId)
    {
        if (!_state.Rounds.TryGetValue(roundId, out var round))
        {
            Forget(roundId);
            return;
        }
        var now = _clock.GetUtcNow();
        switch (ValidatorDutyRules.Next(round, _verdicts.ContainsKey(roundId), now))
        {
            case DutyStep.Verify when _verifying.TryAdd(roundId, now):
                _verifiers.Tell(new VerifyProof(CheckOf(roundId, round), _state.Judged));
                break;
            case DutyStep.Commit when Due(roundId, DutyStep.Commit, now):
                var (verdict, score) = _verdicts[roundId].Vote;
                Send(roundId, new CommitVote(_key.Address, roundId,
                    VoteCommitment.Of(verdict, score, ValidatorDutyRules.Salt(_key, roundId), _key.Address)));
                break;
            case DutyStep.Reveal when Due(roundId, DutyStep.Reveal, now):
                var vote = _verdicts[roundId].Vote;
                Send(roundId, new RevealVote(_key.Address, roundId, (byte)vote.Verdict, vote.Score, ValidatorDutyRules.Salt(_key, roundId)));
                break;
            case DutyStep.Done:
                Forget(roundId);
                break;
        }
    }

    private ProofCheck CheckOf(string roundId, DutyRound round)
    {
        var o = round.Opening;
        return new ProofCheck(roundId, o.ProofKind, o.ProofHash, o.Provider, o.AgentId, o.Seed, _key.Address);
    }

    /// <summary>The verifier itself failed: try again on the next tick, until the attempts run out; then the verdict is
    /// a rejection (fail closed).</summary>
    private void VerificationFailed(ProofCheck check, string reason)
    {
        var failures = _failedVerifications[check.RoundId] = _failedVerifications.GetValueOrDefault(check.RoundId) + 1;
        _log.Warning("validator {0}, round {1}: verification {2} of {3} failed: {4}", _key.Address, check.RoundId, failures, _options.MaxVerifyAttempts, reason);
        if (failures < _options.MaxVerifyAttempts) return;
        _verdicts[check.RoundId] = ProofVerdict.Refused("verifier-failed",
            $"this validator's verifier failed {failures} times ({reason}); it does not approve what it could not check");
        Act(check.RoundId);
    }

    /// <summary>A step is sent once, then again only if the journal has not shown it after a retry interval.</summary>
    private bool Due(string roundId, DutyStep step, DateTimeOffset now)
    {
        if (_sent.TryGetValue((roundId, step), out var at) && now - at < _options.RetryInterval) return false;
        _sent[(roundId, step)] = now;
        return true;
    }

    private void Send(string roundId, IRoundMessage vote) =>
        _rounds.Ask<CommandResult>(new ShardingEnvelope(roundId, _signer.Sign(vote, _key)), _options.AskTimeout)
            .PipeTo(Self, failure: e => new CommandRejected(ErrorCodes.Timeout, $"round {roundId}: {e.Message}"));

    private void Forget(string roundId)
    {
        _verdicts.Remove(roundId);
        _verifying.Remove(roundId);
        _failedVerifications.Remove(roundId);
        _sent.Remove((roundId, DutyStep.Commit));
        _sent.Remove((roundId, DutyStep.Reveal));
    }

    public static Props PropsFor(EthKey key, IActorRef verifiers, IActorRef rounds, CommandVerifier signer, string queryPluginId, TimeProvider clock,
        ValidatorDutyOptions options) =>
        Props.Create(() => new ValidatorDuty(key, verifiers, rounds, signer, queryPluginId, clock, options));
}
