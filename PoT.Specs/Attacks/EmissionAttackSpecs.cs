using PoT.Consensus;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Attacks;

/// <summary>
/// The emission farm (docs/security.md, "Emission, listings and submissions"). Before its defence every approved round
/// minted the listing reward, 700 of it to the provider: staking 1,000 behind an agent that did no work returned 700
/// in one round, compounding, without bound. Now emission follows a schedule and pays only what the network measured:
/// a listing earns its provider nothing until independent users pay for it, and never more than a share of what they
/// paid. The rules run as the entities run them (InMemoryNetwork, ten-minute epochs).
/// </summary>
public sealed class EmissionAttackSpecs
{
    [Fact]
    public void A_farm_of_listed_agents_nobody_uses_earns_its_provider_nothing_and_costs_its_fees()
    {
        var s = new ConsensusScenario();
        var provider = s.Provider.Address;
        var start = s.Net.Account(provider).Holdings;

        for (var i = 0; i < 5; i++)
        {
            var agent = $"farm-{i}";
            ConsensusScenario.Expect(s.Net.Execute(new RegisterAgent(provider, agent, ["qa"], "http", "https://farm.example", "", 10, 1000, 9900, 1_000,
                s.ProviderNonce), s.Provider));
            s.Net.DeliverAll();
            ConsensusScenario.Expect(s.Net.Execute(new SubmitTrainingProof(provider, agent, "opaque", HexBytes.From(Keccak.Hash([(byte)i])), "ipfs://x",
                s.ProviderNonce), s.Provider));
            s.Net.DeliverAll();
            var round = s.Net.Agent(agent).ActiveRound!;
            s.Vote(round, s.Committee(round).Select(v => (v, Verdict.Approve, 1_000_000u, true)));
            s.Net.DeliverAll();
            Assert.Equal(AgentStatus.Listed, s.Net.Agent(agent).Status);
        }
        s.Net.Advance(Rules.Emission.EpochLength * 3);
        s.Net.DeliverAll();

        var payouts = s.Net.Journal.Select(j => j.Event).OfType<EpochClosed>().SelectMany(c => c.Payouts).ToList();
        Assert.DoesNotContain(payouts, p => p.To == provider);
        Assert.Equal(start - 5 * Rules.Ledger.RegistrationFee, s.Net.Account(provider).Holdings);
        Assert.Equal(s.Net.Supply, s.Net.Held);
    }

    [Fact]
    public void However_many_rounds_are_approved_an_epoch_mints_no_more_than_it_scheduled()
    {
        var s = new ConsensusScenario(validators: 7);
        var scheduled = s.Net.Emission.ThisEpoch;
        for (var i = 0; i < 6; i++)
        {
            var agent = $"agent-x{i}";
            ConsensusScenario.Expect(s.Net.Execute(new RegisterAgent(s.Provider.Address, agent, ["qa"], "http", "https://a.example", "", 10, 1000, 9900,
                1_000, s.ProviderNonce), s.Provider));
            s.Net.DeliverAll();
            ConsensusScenario.Expect(s.Net.Execute(new SubmitTrainingProof(s.Provider.Address, agent, "opaque", HexBytes.From(Keccak.Hash([(byte)(i + 9)])),
                "ipfs://x", s.ProviderNonce), s.Provider));
            s.Net.DeliverAll();
            var round = s.Net.Agent(agent).ActiveRound!;
            foreach (var v in s.Committee(round)) ConsensusScenario.Expect(s.Commit(round, v, Verdict.Approve, 900_000));
            foreach (var v in s.Committee(round)) ConsensusScenario.Expect(s.Reveal(round, v));
            s.Net.DeliverAll();
        }

        s.Net.Advance(Rules.Emission.EpochLength);
        s.Net.DeliverAll();

        var closed = s.Net.Journal.Select(j => j.Event).OfType<EpochClosed>().Single();
        // Six rounds judged in one epoch: the validators share the epoch's 30 %, whatever the number of rounds.
        Assert.Equal(scheduled, closed.Scheduled);
        Assert.InRange(closed.Minted, scheduled * 3_000 / 10_000 - 7, scheduled * 3_000 / 10_000);
        Assert.All(closed.Payouts, p => Assert.Null(p.AgentId));
        Assert.Equal(s.Net.Supply, s.Net.Held);
    }

    [Fact]
    public void Paying_ones_own_agent_through_a_second_address_costs_more_emission_than_it_earns()
    {
        // The wash trader's calls each pay the protocol fee (validators' and treasury's shares, which it never sees
        // again); its agent's emission is capped at usage-cap-bps (below 1x) of those fees, whatever the schedule.
        var s = EmissionState.Empty.Apply(new EmissionStarted(Rules.Start, Rules.Emission));
        s = s.Apply(new JudgementRecorded("wash.1", "wash", Keys.Alice.Address, RoundVerdict.Approved, 1_000_000, [], new RelayStamp(1, 0)));
        UInt128 feesPaid = 0;
        for (var call = 0; call < 50; call++)
        {
            var decision = EmissionRules.Decide(s, new RecordUsage("wash", Keys.Alice.Address, Keys.Mallory.Address, 2, new RelayStamp(2 + call, 0)));
            s = ((Decision.Accept)decision).Events.Aggregate(s, (x, e) => x.Apply(e));
            feesPaid += 2;
        }

        var closed = (EpochClosed)((Decision.Accept)EmissionRules.Close(s, Rules.Start + Rules.Emission.EpochLength, Rules.Emission)).Events.Single();

        var earned = closed.Payouts.Where(p => p.AgentId == "wash").Aggregate(UInt128.Zero, (t, p) => t + p.Amount);
        Assert.True(earned < feesPaid, $"earned {earned} for {feesPaid} of fees paid");
        Assert.Equal(feesPaid * (UInt128)Rules.Emission.UsageCapBps / 10_000, earned);
    }
}
