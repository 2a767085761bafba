using System.Collections.Immutable;
using PoT.Consensus;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>A round this validator sits on, as the journal shows it.</summary>
public sealed record DutyRound(string RoundId, RoundOpened Opening, int Commits, bool Committed, bool Revealed)
{
    /// <summary>Reveals open once every member has committed or the commit window has closed.</summary>
    public bool RevealOpen(DateTimeOffset now) => Commits >= Opening.Committee.Length || now >= Opening.CommitDeadline;
}

/// <summary>
/// What a validator's duty knows, folded from the "consensus" tag: the open rounds it sits on, how far each has got,
/// and the proofs already judged, with their kinds (a proof judged once is a replay the next time; for a ZK proof the
/// checker turns the judged bundle into its statement, see <see cref="JudgedProofs"/>). A pure fold: restarting the
/// duty folds the same journal into the same state.
/// </summary>
public sealed record ValidatorDutyState(
    Address Validator,
    ImmutableDictionary<string, DutyRound> Rounds,
    ImmutableDictionary<string, (HexBytes Hash, string Kind)> ProofOfRound,
    JudgedProofs Judged)
{
    public static ValidatorDutyState For(Address validator) => new(validator, ImmutableDictionary<string, DutyRound>.Empty,
        ImmutableDictionary<string, (HexBytes, string)>.Empty, JudgedProofs.None);

    /// <summary>The round an event belongs to, or null for other consensus events (the validator set's).</summary>
    public static string? RoundIdOf(string persistenceId)
    {
        var prefix = EntityIds.Prefix(EntityKind.Round) + "-";
        return persistenceId.StartsWith(prefix, StringComparison.Ordinal) ? persistenceId[prefix.Length..] : null;
    }

    public ValidatorDutyState Apply(string roundId, object e) => e switch
    {
        RoundOpened o => this with
        {
            ProofOfRound = ProofOfRound.SetItem(roundId, (o.ProofHash, o.ProofKind)),
            Rounds = o.Committee.Any(m => m.Validator == Validator) ? Rounds.SetItem(roundId, new DutyRound(roundId, o, 0, false, false)) : Rounds
        },
        VoteCommitted c => Change(roundId, r => r with { Commits = r.Commits + 1, Committed = r.Committed || c.Validator == Validator }),
        VoteRevealed v => Change(roundId, r => r with { Revealed = r.Revealed || v.Validator == Validator }),
        RoundFinalized f => this with
        {
            Rounds = Rounds.Remove(roundId),
            ProofOfRound = ProofOfRound.Remove(roundId),
            Judged = f.Verdict != RoundVerdict.NoQuorum && ProofOfRound.TryGetValue(roundId, out var proof) ? Judged.Add(proof.Hash, proof.Kind) : Judged
        },
        _ => this
    };

    private ValidatorDutyState Change(string roundId, Func<DutyRound, DutyRound> change) =>
        Rounds.TryGetValue(roundId, out var round) ? this with { Rounds = Rounds.SetItem(roundId, change(round)) } : this;
}

/// <summary>What the duty should do next in one round: nothing, verify the proof, commit or reveal its vote.</summary>
public enum DutyStep
{
    Wait,
    Verify,
    Commit,
    Reveal,
    Done
}

public static class ValidatorDutyRules
{
    /// <summary>The next step in <paramref name="round"/> at <paramref name="now"/>, given whether a verdict is known.</summary>
    public static DutyStep Next(DutyRound round, bool verdictKnown, DateTimeOffset now)
    {
        if (round.Revealed || now >= round.Opening.RevealDeadline) return DutyStep.Done;
        if (!ProofBundle.Kinds.Contains(round.Opening.ProofKind)) return DutyStep.Done;
        if (!round.Committed && now >= round.Opening.CommitDeadline) return DutyStep.Done;
        if (!verdictKnown) return DutyStep.Verify;
        if (!round.Committed) return DutyStep.Commit;
        return round.RevealOpen(now) ? DutyStep.Reveal : DutyStep.Wait;
    }

    /// <summary>The vote's salt: derived from the validator's key and the round, so it is secret, and the same after a
    /// restart (a re-sent commit is the identical message, never a second, different vote).</summary>
    public static HexBytes Salt(EthKey key, string roundId) => key.DeriveSecret($"pot/vote-salt/{roundId}");
}
