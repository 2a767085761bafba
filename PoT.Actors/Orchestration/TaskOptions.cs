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
            t.GetInt("sla.window-calls"), t.GetInt("sla.compensation-bps"), OrchestrationOptions.FromConfig(pot));
        if (options.ProviderBps < 0 || options.ValidatorsBps < 0 || options.TreasuryBps < 0
            || options.ProviderBps + options.ValidatorsBps + options.TreasuryBps != Basis.Points)
            throw new ConfigurationException("pot.tasks.fees: provider-bps + validators-bps + treasury-bps must be 10000");
        if (options.MaxCalls < 1 || options.MaxAgentsPerStep < 1 || options.SlaWindowCalls < 1)
            throw new ConfigurationException("pot.tasks: max-calls, max-agents-per-step and sla.window-calls must be at least 1");
        if (options.SlaCompensationBps is < 0 or > Basis.Points)
            throw new ConfigurationException("pot.tasks.sla.compensation-bps must be 0..10000");
        return options;
    }

    /// <summary>A call's price divided: the validators' and the treasury's shares rounded down, the provider gets the rest.</summary>
    public FeeSplit Split(UInt128 price)
    {
        var validators = (UInt128)((System.Numerics.BigInteger)price * ValidatorsBps / Basis.Points);
        var treasury = (UInt128)((System.Numerics.BigInteger)price * TreasuryBps / Basis.Points);
        return new FeeSplit(price - validators - treasury, validators, treasury);
    }
}
