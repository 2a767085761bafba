using System.Collections.Immutable;
using System.Globalization;
using Akka.Configuration;

namespace PoT.Consensus;

/// <summary>Consensus parameters (hocon/pot.conf, pot.consensus).</summary>
public sealed record ConsensusOptions(
    UInt128 MinValidatorStake,
    int CommitteeSize,
    int MinCommitteeSize,
    TimeSpan CommitWindow,
    TimeSpan RevealWindow,
    RoundParameters Round,
    int MaxMisses,
    ImmutableArray<string> ProofKinds,
    int SnapshotEvery,
    TimeSpan FinalizedIdleTimeout,
    TimeSpan EvidenceWindow)
{
    public static ConsensusOptions FromConfig(Config pot)
    {
        var c = pot.GetConfig("consensus");
        // A validator can report its own equivocation from a second address: the bounty must stay well below the slash
        // so that doing so always costs it most of what is slashed (docs/security.md).
        if (c.GetInt("equivocation-bounty-bps") > MaxEquivocationBountyBps)
            throw new ConfigurationException($"pot.consensus.equivocation-bounty-bps must be at most {MaxEquivocationBountyBps} (half the slash)");
        return new ConsensusOptions(
            UInt128.Parse(c.GetString("min-validator-stake"), CultureInfo.InvariantCulture),
            c.GetInt("committee-size"),
            c.GetInt("min-committee-size"),
            c.GetTimeSpan("commit-window"),
            c.GetTimeSpan("reveal-window"),
            new RoundParameters(
                Bps(c, "threshold-bps"),
                Bps(c, "fraud-slash-bps"),
                Bps(c, "fraud-burn-bps"),
                Bps(c, "equivocation-slash-bps"),
                Bps(c, "equivocation-bounty-bps")),
            c.GetInt("max-misses"),
            [.. c.GetStringList("proof-kinds")],
            c.GetInt("snapshot-every"),
            c.GetTimeSpan("finalized-idle-timeout"),
            c.GetTimeSpan("evidence-window"));
    }

    /// <summary>How long after a round's opening its members' stake can still be slashed for what they did in it: the
    /// commit and reveal windows, then the evidence window. Unbonding must last at least this long, or a validator could
    /// unstake in a round and withdraw before its offence is proven (checked at start).</summary>
    public TimeSpan SlashableFor => CommitWindow + RevealWindow + EvidenceWindow;

    /// <summary>The largest bounty, in basis points of the slashed stake, a network may pay for proving an equivocation.</summary>
    public const int MaxEquivocationBountyBps = 5000;

    private static int Bps(Config c, string key)
    {
        var value = c.GetInt(key);
        return value is >= 0 and <= Basis.Points ? value : throw new ConfigurationException($"pot.consensus.{key} must be 0..10000 basis points");
    }
}

/// <summary>The economic parameters a round was opened with (recorded in RoundOpened, so an auditor recomputes the
/// round with what applied then, whatever the configuration says today).</summary>
public sealed record RoundParameters(
    int ThresholdBps,
    int FraudSlashBps,
    int FraudBurnBps,
    int EquivocationSlashBps,
    int EquivocationBountyBps);

/// <summary>Fixed-point units of the protocol.</summary>
public static class Basis
{
    /// <summary>10000 basis points = 1.</summary>
    public const int Points = 10_000;

    /// <summary>Scores and agreements are millionths: 1000000 = 1.</summary>
    public const uint Million = 1_000_000;
}
