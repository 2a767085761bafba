using PoT.Consensus;
using PoT.Protocol;
using Xunit;

namespace PoT.Specs.Consensus;

public sealed class CommitteeSelectionSpecs
{
    private static readonly CommitteeMember[] Validators =
        [.. Enumerable.Range(0, 20).Select(i => new CommitteeMember(EthKey.FromSeed($"v{i}").Address, (UInt128)(1_000 * (i + 1))))];

    private static HexBytes Seed(string round) => CommitteeSelection.Seed(round, HexBytes.From(Keccak.Hash([1])));

    [Fact]
    public void The_same_round_and_proof_always_draw_the_same_committee_whatever_the_input_order()
    {
        var a = CommitteeSelection.Select(Validators, Seed("agent.1"), 7, Address.Zero).ToArray();
        var b = CommitteeSelection.Select(Validators.Reverse(), Seed("agent.1"), 7, Address.Zero).ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, CommitteeSelection.Select(Validators, Seed("agent.2"), 7, Address.Zero).ToArray());
    }

    [Fact]
    public void A_committee_has_no_duplicates_never_the_provider_and_at_most_the_eligible()
    {
        var provider = Validators[19].Validator;
        for (var round = 0; round < 200; round++)
        {
            var committee = CommitteeSelection.Select(Validators, Seed($"agent.{round}"), 7, provider);
            Assert.Equal(7, committee.Length);
            Assert.Equal(7, committee.Select(m => m.Validator).Distinct().Count());
            Assert.DoesNotContain(committee, m => m.Validator == provider);
        }
        Assert.Equal(3, CommitteeSelection.Select(Validators[..3], Seed("agent.x"), 7, Address.Zero).Length);
    }

    [Fact]
    public void Selection_is_weighted_by_stake()
    {
        CommitteeMember[] pair = [new(EthKey.FromSeed("small").Address, 1_000), new(EthKey.FromSeed("large").Address, 9_000)];
        var large = Enumerable.Range(0, 2_000)
            .Count(i => CommitteeSelection.Select(pair, Seed($"agent.{i}"), 1, Address.Zero)[0].Validator == pair[1].Validator);
        // Expected 90 % of 2000 = 1800; the binomial standard deviation is about 13.
        Assert.InRange(large, 1_700, 1_900);
    }
}
