using PoT.Consensus;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Attacks;

/// <summary>
/// Every cheap action that costs the network work costs its sender (docs/security.md, "Emission, listings and
/// submissions"): a registration burns its fee, and a proof submission locks a bond that only an approved proof gets
/// back. Before these defences a farm of agents cost nothing but stake (returned at deregistration), and a round
/// without a verdict — the committee's work wasted — was free and resubmittable. The rules run as the entities run
/// them (InMemoryNetwork); token conservation is checked after every step.
/// </summary>
public sealed class ListingCostSpecs
{
    private static readonly UInt128 Fee = Rules.Ledger.RegistrationFee;
    private static readonly UInt128 Bond = Rules.Ledger.ProofBond;

    private static void AssertConserved(InMemoryNetwork net) => Assert.Equal(net.Supply, checked(net.Held + net.InFlight));

    [Fact]
    public void Every_registration_burns_its_fee_so_a_listing_farm_pays_per_agent()
    {
        var s = new ConsensusScenario();
        var before = s.Net.Account(s.Provider.Address).Balance;
        var burned = s.Net.Burned;

        for (var i = 2; i <= 11; i++)
        {
            ConsensusScenario.Expect(s.Net.Execute(new RegisterAgent(s.Provider.Address, $"farm-{i}", ["qa"], "http", "https://farm.example", "", 10, 1000, 9900,
                1_000, s.ProviderNonce), s.Provider));
            s.Net.DeliverAll();
            AssertConserved(s.Net);
        }

        Assert.Equal(before - 10 * (1_000 + Fee), s.Net.Account(s.Provider.Address).Balance);
        Assert.Equal(burned + 10 * Fee, s.Net.Burned);
    }

    [Fact]
    public void A_registration_that_cannot_pay_its_fee_is_refused_and_changes_nothing()
    {
        var net = Rules.Network((Keys.Alice, 1_050));
        var journal = net.Journal.Count;

        var result = net.Execute(new RegisterAgent(Keys.Alice.Address, "agent-1", ["qa"], "http", "https://a.example", "", 10, 1000, 9900, 1_000, 0), Keys.Alice);

        Assert.Equal(ErrorCodes.InsufficientFunds, Assert.IsType<CommandRejected>(result).Code);
        Assert.Equal(journal, net.Journal.Count);
        Assert.Equal(1_050u, net.Account(Keys.Alice.Address).Balance);
    }

    [Fact]
    public void A_submission_locks_its_bond_until_the_verdict()
    {
        var s = new ConsensusScenario();
        var before = s.Net.Account(s.Provider.Address).Balance;

        s.OpenRound();

        var provider = s.Net.Account(s.Provider.Address);
        Assert.Equal(before - Bond, provider.Balance);
        Assert.Equal(Bond, provider.ProofBonds[ConsensusScenario.AgentId]);
        AssertConserved(s.Net);
    }

    [Fact]
    public void An_approved_proof_gets_its_bond_back()
    {
        var s = new ConsensusScenario();
        var before = s.Net.Account(s.Provider.Address).Balance;
        var round = s.OpenRound();

        s.Vote(round, s.Committee(round).Select(v => (v, Verdict.Approve, 900_000u, true)));
        s.Net.DeliverAll();

        Assert.Equal(RoundVerdict.Approved, s.Net.Round(round).Outcome!.Verdict);
        Assert.Empty(s.Net.Account(s.Provider.Address).ProofBonds);
        Assert.Equal(before, s.Net.Account(s.Provider.Address).Balance);
        AssertConserved(s.Net);
    }

    [Fact]
    public void A_rejected_proof_burns_its_bond()
    {
        var s = new ConsensusScenario();
        var round = s.OpenRound();
        var burned = s.Net.Burned;

        s.Vote(round, s.Committee(round).Select(v => (v, Verdict.Reject, 0u, true)));
        s.Net.DeliverAll();

        Assert.Equal(RoundVerdict.Rejected, s.Net.Round(round).Outcome!.Verdict);
        Assert.Empty(s.Net.Account(s.Provider.Address).ProofBonds);
        Assert.Contains(s.Net.Journal, j => j.Event is ProofBondForfeited f && f.Amount == Bond);
        Assert.True(s.Net.Burned >= burned + Bond);
        AssertConserved(s.Net);
    }

    [Fact]
    public void A_round_without_a_verdict_is_not_free_the_bond_is_burned()
    {
        var s = new ConsensusScenario();
        var round = s.OpenRound();
        var before = s.Net.Account(s.Provider.Address).Balance;
        var burned = s.Net.Burned;

        // Nobody can reach the threshold: the provider's proof wasted the committee's time.
        s.Net.Advance(s.Net.Round(round).Opening!.RevealDeadline - s.Net.Now);
        s.Net.DeliverAll();

        Assert.Equal(RoundVerdict.NoQuorum, s.Net.Round(round).Outcome!.Verdict);
        Assert.Equal(AgentStatus.Pending, s.Net.Agent(ConsensusScenario.AgentId).Status);
        Assert.Equal(before, s.Net.Account(s.Provider.Address).Balance);
        Assert.Equal(burned + Bond, s.Net.Burned);
        AssertConserved(s.Net);
    }

    [Fact]
    public void A_round_that_cannot_open_returns_the_bond()
    {
        var s = new ConsensusScenario(validators: 3);
        var before = s.Net.Account(s.Provider.Address).Balance;
        ConsensusScenario.Expect(s.Net.Execute(new SubmitTrainingProof(s.Provider.Address, ConsensusScenario.AgentId, "opaque",
            HexBytes.From(Keccak.Hash([1])), "ipfs://proof", s.ProviderNonce), s.Provider));
        // Before the round opens, a validator leaves: too few remain for a committee.
        ConsensusScenario.Expect(s.Net.Execute(new Unstake(s.Validators[0].Address, 10_000, 1), s.Validators[0]));

        s.Net.DeliverAll();

        Assert.Null(s.Net.Agent(ConsensusScenario.AgentId).ActiveRound);
        Assert.Contains(s.Net.Journal, j => j.Event is ValidationNotStarted);
        Assert.Contains(s.Net.Journal, j => j.Event is ProofBondReleased r && r.Amount == Bond);
        Assert.Equal(before, s.Net.Account(s.Provider.Address).Balance);
        AssertConserved(s.Net);
    }

    [Fact]
    public void A_redelivered_settlement_changes_nothing()
    {
        var s = new ConsensusScenario();
        var round = s.OpenRound();
        s.Net.Advance(s.Net.Round(round).Opening!.RevealDeadline - s.Net.Now);
        var burned = s.Net.Burned;

        while (s.Net.PendingDeliveries > 0) s.Net.DeliverOne(twice: true);

        Assert.Equal(burned + Bond, s.Net.Burned);
        AssertConserved(s.Net);
    }
}
