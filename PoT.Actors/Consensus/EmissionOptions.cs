using System.Globalization;
using Akka.Configuration;

namespace PoT.Consensus;

/// <summary>
/// The emission schedule (docs/consensus.md, "Emission"): epoch e schedules <see cref="FirstEpoch"/> × (1 − decay)^e
/// base units (each epoch's amount is the previous one's × (10000 − decay-bps) / 10000, rounded down), and no more than
/// <see cref="SupplyCap"/> is ever scheduled. What an epoch schedules is split by what the network measured in it:
/// <see cref="ValidatorsBps"/> among the validators who judged its rounds, the rest among the agents users paid for, by
/// validated score × protocol fees, each agent capped at <see cref="UsageCapBps"/> of those fees. What nobody earned is
/// never minted. Fixed when the schedule starts (recorded in <see cref="EmissionStarted"/>): a later configuration
/// cannot change the past or the promise.
/// </summary>
public sealed record EmissionSchedule(TimeSpan EpochLength, UInt128 FirstEpoch, int DecayBps, UInt128 SupplyCap, int ValidatorsBps, int UsageCapBps)
{
    /// <summary>The next epoch's amount, before the cap.</summary>
    public UInt128 Decayed(UInt128 amount) => (UInt128)((System.Numerics.BigInteger)amount * (Basis.Points - DecayBps) / Basis.Points);
}

/// <summary>Settings of the emission schedule (hocon/pot.conf, pot.emission): the schedule itself, how often the node
/// ticks it, and how often the entity snapshots.</summary>
public sealed record EmissionOptions(EmissionSchedule Schedule, TimeSpan TickInterval, int SnapshotEvery)
{
    public static EmissionOptions FromConfig(Config pot)
    {
        var c = pot.GetConfig("emission");
        var schedule = new EmissionSchedule(c.GetTimeSpan("epoch-length"), Amount(c, "first-epoch"), c.GetInt("decay-bps"), Amount(c, "supply-cap"),
            c.GetInt("validators-bps"), c.GetInt("usage-cap-bps"));
        var options = new EmissionOptions(schedule, c.GetTimeSpan("tick-interval"), c.GetInt("snapshot-every"));
        if (schedule.EpochLength < TimeSpan.FromSeconds(1)) throw new ConfigurationException("pot.emission.epoch-length must be at least 1s");
        if (options.TickInterval <= TimeSpan.Zero) throw new ConfigurationException("pot.emission.tick-interval must be above 0");
        if (schedule.DecayBps is < 0 or > Basis.Points || schedule.ValidatorsBps is < 0 or > Basis.Points)
            throw new ConfigurationException("pot.emission.decay-bps and validators-bps must be 0..10000 basis points");
        // At or above 1x of the fees its users paid, paying one's own agent would return what it cost: wash trading
        // would be free (docs/security.md).
        if (schedule.UsageCapBps is < 0 or >= Basis.Points)
            throw new ConfigurationException("pot.emission.usage-cap-bps must be 0..9999 basis points (below 1x the fees paid)");
        return options;
    }

    private static UInt128 Amount(Config c, string key) =>
        UInt128.TryParse(c.GetString(key), NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new ConfigurationException($"pot.emission.{key} must be an amount of base units (a decimal string)");
}
