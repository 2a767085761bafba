using Akka.Actor;
using Akka.Cluster.Sharding;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Registry;

/// <summary>
/// What an agent entity asks of other contexts before it records anything: a dry run of the command on the
/// provider's account (nonce, funds), and for a proof submission, whether enough validators exist to judge it.
/// A refusal here means no event anywhere.
/// </summary>
public sealed record AgentDependencies(IActorRef Accounts, IActorRef ValidatorSet, TimeSpan Timeout, int MinCommitteeSize)
{
    public async Task<object> DryRun(Signed signed)
    {
        var account = signed.Command.Account;
        var check = await Accounts.Ask<object>(new ShardingEnvelope(account.Value, new CheckSigned(signed.Envelope)), Timeout).ConfigureAwait(false);
        if (check is CommandRejected || signed.Command is not SubmitTrainingProof) return check;
        var snapshot = await ValidatorSet.Ask<ValidatorSnapshot>(new ShardingEnvelope(ValidatorSetIds.EntityId, GetValidatorSnapshot.Instance), Timeout)
            .ConfigureAwait(false);
        var available = snapshot.Eligible.Count(v => v.Validator != account);
        return available >= MinCommitteeSize
            ? check
            : new CommandRejected(ErrorCodes.NoValidators,
                $"{available} eligible validator(s) besides the provider; a round needs at least {MinCommitteeSize}");
    }
}
