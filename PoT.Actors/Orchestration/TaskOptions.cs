using Akka.Configuration;
using PoT.Consensus;
using PoT.Protocol;

namespace PoT.Orchestration;

/// <summary>Settings of tasks and their executors (hocon/pot.conf, pot.tasks; docs/orchestration.md), with the plan
/// templates, step limit and routing weights of pot.orchestration (<see cref="Planning"/>).</summary>
public sealed record TaskOptions(
    int ProviderBps,
    int ValidatorsBps,
    int TreasuryBps,
    Address ValidatorPool,
    Address Treasury,
    int MaxCalls,
    int MaxAgentsPerStep,
    TimeSpan StepTimeout,
    TimeSpan MaxDeadline,
    int MaxInputBytes,
    int SnapshotEvery,
    TimeSpan StoppedIdleTimeout,
    int SlaWindowCalls,
    int SlaCompensationBps,
    int SlaCompensationCapBps,
    OrchestrationOptions Planning)
{
    public static TaskOptions FromConfig(Config pot)
    {
        var t = pot.GetConfig("tasks");
        var options = new TaskOptions(
            t.GetInt("fees.provider-bps"), t.GetInt("fees.validators-bps"), t.GetInt("fees.treasury-bps"),
            Address.Parse(t.GetString("fees.validator-pool")), Address.Parse(t.GetString("fees.treasury")),
            t.GetInt("max-calls"), t.GetInt("max-agents-per-step"), t.GetTimeSpan("step-timeout"), t.GetTimeSpan("max-deadline"),
            t.GetInt("max-input-bytes"), t.GetInt("snapshot-every"), t.GetTimeSpan("stopped-idle-timeout"),
            t.GetInt("sla.window-calls"), t.GetInt("sla.compensation-bps"), CapBps(t), OrchestrationOptions.FromConfig(pot));
        if (options.ProviderBps < 0 || options.ValidatorsBps < 0 || options.TreasuryBps < 0
            || options.ProviderBps + options.ValidatorsBps + options.TreasuryBps != Basis.Points)
            throw new ConfigurationException("pot.tasks.fees: provider-bps + validators-bps + treasury-bps must be 10000");
        if (options.MaxCalls < 1 || options.MaxAgentsPerStep < 1 || options.SlaWindowCalls < 1)
            throw new ConfigurationException("pot.tasks: max-calls, max-agents-per-step and sla.window-calls must be at least 1");
        if (options.SlaCompensationBps is < 0 or > Basis.Points)
            throw new ConfigurationException("pot.tasks.sla.compensation-bps must be 0..10000");
        if (options.SlaCompensationCapBps is < 0 or > MaxCompensationCapBps)
            throw new ConfigurationException($"pot.tasks.sla.compensation-cap-bps must be 0..{MaxCompensationCapBps} (10000 = what the user paid)");
        return options;
    }

    private static int CapBps(Config t)
    {
        try
        {
            return t.GetInt("sla.compensation-cap-bps", -1);
        }
        catch (Exception e) when (e is not ConfigurationException)
        {
            throw new ConfigurationException($"pot.tasks.sla.compensation-cap-bps: {e.Message}");
        }
    }

    /// <summary>The largest compensation cap: ten times what a user paid.</summary>
    public const int MaxCompensationCapBps = 10 * Basis.Points;

    /// <summary>
    /// A call's price divided: the validators' and the treasury's shares rounded <b>up</b> (so every paid call pays the
    /// protocol at least one unit for each non-zero share), the provider gets the rest. The shares are taken in order —
    /// validators, then treasury, then the provider — each at most what is left, so the split never underflows: at a
    /// price too low to pay both fees (possible only for an agent listed before the price floor existed, or under a
    /// floor below the one <see cref="RequireFeeFloor"/> checks) the provider's share is 0 and the treasury gets what the
    /// validators left.
    /// </summary>
    public FeeSplit Split(UInt128 price)
    {
        var validators = UInt128.Min(Ceiling(price, ValidatorsBps), price);
        var treasury = UInt128.Min(Ceiling(price, TreasuryBps), price - validators);
        return new FeeSplit(price - validators - treasury, validators, treasury);
    }

    private static UInt128 Ceiling(UInt128 price, int bps) =>
        (UInt128)(((System.Numerics.BigInteger)price * bps + Basis.Points - 1) / Basis.Points);

    /// <summary>Checked when the configuration loads: the registry's price floor (pot.registry.min-price-per-call) is at
    /// least 1 and leaves the provider a non-negative share at the floor once both fees are rounded up.</summary>
    public TaskOptions RequireFeeFloor(UInt128 minPricePerCall)
    {
        if (minPricePerCall == UInt128.Zero)
            throw new ConfigurationException("pot.registry.min-price-per-call must be at least 1: free calls cost a wash trader nothing");
        if (Ceiling(minPricePerCall, ValidatorsBps) + Ceiling(minPricePerCall, TreasuryBps) > minPricePerCall)
            throw new ConfigurationException($"pot.registry.min-price-per-call = {minPricePerCall} cannot pay the validators' and the treasury's fees " +
                                             $"rounded up ({ValidatorsBps} and {TreasuryBps} bps): raise it");
        return this;
    }
}
