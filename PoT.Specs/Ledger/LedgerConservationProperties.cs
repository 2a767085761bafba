using FsCheck;
using FsCheck.Fluent;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Ledger;

/// <summary>
/// Token conservation under random command sequences: genesis supply = Σ balances + Σ stakes + Σ unbonding
/// (+ credits in transit, while the relay has not delivered them), after every step and after recovery (a replay
/// of the journal rebuilds exactly the same accounts and agents). Commands include invalid ones (wrong nonces,
/// overdrafts, unknown agents), and the relay delivers at random moments, sometimes twice.
/// </summary>
public sealed class LedgerConservationProperties
{
    private static readonly EthKey[] Actors = [Keys.Alice, Keys.Bob, Keys.Carol, Keys.Mallory];
    private static readonly string[] AgentIds = ["agent-a", "agent-b", "agent-c"];

    private abstract record Step;

    private sealed record Command(int Actor, int Kind, int Target, ulong Amount, int NonceShift) : Step;

    private sealed record Deliver(int Count, bool Twice) : Step;

    private sealed record AdvanceClock(int Days) : Step;

    private static readonly Gen<Step> StepGen = Gen.Frequency(
        (8, from actor in Gen.Choose(0, 3)
            from kind in Gen.Choose(0, 8)
            from target in Gen.Choose(0, 3)
            from amount in Gen.Elements(0UL, 1UL, 7UL, 500UL, 1_000UL, 3_000UL, 40_000UL)
            from shift in Gen.Frequency((9, Gen.Constant(0)), (1, Gen.Choose(-2, 2)))
            select (Step)new Command(actor, kind, target, amount, shift)),
        (3, from count in Gen.Choose(1, 4) from twice in Gen.Elements(false, true) select (Step)new Deliver(count, twice)),
        (1, Gen.Choose(1, 8).Select(days => (Step)new AdvanceClock(days))));

    [Fact]
    public void Random_command_sequences_conserve_tokens_after_every_step_and_after_recovery()
    {
        var property = Prop.ForAll(Arb.From(Gen.ListOf(StepGen, 60).Select(l => l.ToArray())), steps => Holds(steps));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    private static bool Holds(Step[] steps)
    {
        var network = Rules.Network((Keys.Alice, 20_000), (Keys.Bob, 5_000), (Keys.Carol, 1_000));
        foreach (var step in steps)
        {
            switch (step)
            {
                case Command c:
                    Execute(network, c);
                    break;
                case Deliver d:
                    for (var i = 0; i < d.Count && network.PendingDeliveries > 0; i++) network.DeliverOne(d.Twice);
                    break;
                case AdvanceClock a:
                    network.Advance(TimeSpan.FromDays(a.Days));
                    break;
            }
            Assert.Equal(network.Supply, checked(network.Held + network.InFlight));
        }
        network.DeliverAll();
        Assert.Equal(network.Supply, network.Held);
        var (accounts, agents, _, _) = network.Replay();
        Assert.Equal(network.Accounts.Count, accounts.Count);
        foreach (var (address, account) in network.Accounts) Assert.Equal(Fingerprint(account), Fingerprint(accounts[address]));
        foreach (var (id, agent) in network.Agents) Assert.Equal(PoT.Persistence.PotJson.Serialize(agent), PoT.Persistence.PotJson.Serialize(agents[id]));
        // Every listed agent has its stake locked in its provider's account, and vice versa.
        foreach (var (id, agent) in network.Agents.Where(a => a.Value.Status == AgentStatus.Pending))
            Assert.True(network.Account(agent.Provider!.Value).AgentStakes.ContainsKey(id));
        foreach (var account in network.Accounts.Values)
        foreach (var agentId in account.AgentStakes.Keys)
            Assert.Equal(AgentStatus.Pending, network.Agent(agentId).Status);
        return true;
    }

    private static string Fingerprint(AccountState s) => PoT.Persistence.PotJson.Serialize(s);

    private static void Execute(InMemoryNetwork network, Command c)
    {
        var key = Actors[c.Actor];
        var account = key.Address;
        var nonce = (ulong)Math.Max(0, (long)network.Account(account).Nonce + c.NonceShift);
        var agentId = AgentIds[c.Target % AgentIds.Length];
        UInt128 amount = c.Amount;
        ISignedCommand command = c.Kind switch
        {
            0 or 1 => new Transfer(account, Actors[c.Target].Address, amount, nonce),
            2 => new StakeAsValidator(account, amount, nonce),
            3 => new Unstake(account, amount, nonce),
            4 => new Withdraw(account, nonce),
            5 => new RegisterAgent(account, agentId, ["summarize"], "http", "https://a.example", "", 10, 100, 9000, amount, nonce),
            6 => new StakeForAgent(account, agentId, amount, nonce),
            7 => new UpdateAgent(account, agentId, ["qa"], "https://b.example", "", 20, 200, 9500, nonce),
            _ => new DeregisterAgent(account, agentId, nonce)
        };
        network.Execute(command, key);
    }
}
