using Akka.Actor;
using Akka.Cluster.Sharding;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Registry;

/// <summary>
/// What an agent entity asks of other contexts before it records anything: a dry run of the command on the
/// provider's account (nonce, funds), and for a proof submission, whether the proof can be judged: a proof of a
/// verifiable kind must be in the node's proof store (validators would otherwise reject it, and slash the provider,
/// for a missing upload), and enough validators must exist. A refusal here means no event anywhere.
/// </summary>
/// <param name="ProofProblem">Why a proof (kind, hash, submitter, agent) cannot be judged: not stored, unreadable, another's, or over the limits
/// (<see cref="PoT.Proofs.ProofChecker.Admit"/>); null when it can.</param>
/// <param name="Network">The node's network, whose tag the agent's rounds carry (none yet: no round can open).</param>
public sealed record AgentDependencies(IActorRef Accounts, IActorRef ValidatorSet, TimeSpan Timeout, int MinCommitteeSize,
    Func<string, HexBytes, Address, string, PoT.Proofs.ProofProblem?>? ProofProblem = null, NetworkIdentity? Network = null)
{
    public async Task<object> DryRun(Signed signed)
    {
        var account = signed.Command.Account;
        var check = await Accounts.Ask<object>(new ShardingEnvelope(account.Value, new CheckSigned(signed.Envelope)), Timeout).ConfigureAwait(false);
        if (check is CommandRejected || signed.Command is not SubmitTrainingProof proof) return check;
        if (ProofProblem?.Invoke(proof.ProofKind, proof.ProofHash, account, proof.AgentId) is { } problem) return new CommandRejected(problem.Code, problem.Message);
        var snapshot = await ValidatorSet.Ask<ValidatorSnapshot>(new ShardingEnvelope(ValidatorSetIds.EntityId, GetValidatorSnapshot.Instance), Timeout)
            .ConfigureAwait(false);
        var available = snapshot.Eligible.Count(v => v.Validator != account);
        return available >= MinCommitteeSize
            ? check
            : new CommandRejected(ErrorCodes.NoValidators,
                $"{available} eligible validator(s) besides the provider; a round needs at least {MinCommitteeSize}");
    }
}
