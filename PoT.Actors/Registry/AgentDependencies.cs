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
/// <param name="ProofAvailable">Whether a proof of a verifiable kind is stored (kind, hash); opaque kinds are not asked.</param>
public sealed record AgentDependencies(IActorRef Accounts, IActorRef ValidatorSet, TimeSpan Timeout, int MinCommitteeSize,
    Func<string, HexBytes, bool>? ProofAvailable = null)
{
    public async Task<object> DryRun(Signed signed)
    {
        var account = signed.Command.Account;
        var check = await Accounts.Ask<object>(new ShardingEnvelope(account.Value, new CheckSigned(signed.Envelope)), Timeout).ConfigureAwait(false);
        if (check is CommandRejected || signed.Command is not SubmitTrainingProof proof) return check;
        if (ProofAvailable is { } stored && !stored(proof.ProofKind, proof.ProofHash))
            return new CommandRejected(ErrorCodes.ProofNotFound,
                $"no {proof.ProofKind} proof {proof.ProofHash} on this node: upload the bundle (PUT /v1/proofs, `pot proof upload`) first");
        var snapshot = await ValidatorSet.Ask<ValidatorSnapshot>(new ShardingEnvelope(ValidatorSetIds.EntityId, GetValidatorSnapshot.Instance), Timeout)
            .ConfigureAwait(false);
        var available = snapshot.Eligible.Count(v => v.Validator != account);
        return available >= MinCommitteeSize
            ? check
            : new CommandRejected(ErrorCodes.NoValidators,
                $"{available} eligible validator(s) besides the provider; a round needs at least {MinCommitteeSize}");
    }
}
