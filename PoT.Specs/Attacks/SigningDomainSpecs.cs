using PoT.Consensus;
using PoT.Specs.Consensus;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Attacks;

/// <summary>
/// Signatures across networks (docs/security.md, "Signing domain, round ids and bounties"). Every network left on the
/// development domain accepts the others' signatures, and votes carry no nonce: before round ids carried the network's
/// tag, a validator's vote on one network could be replayed into the same-named round of another — where its own,
/// different vote then counted as equivocation and was slashed.
/// </summary>
public sealed class SigningDomainSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_vote_from_another_network_on_the_same_domain_names_no_round_here()
    {
        var home = new ConsensusScenario();
        var other = new ConsensusScenario(reporterGenesis: 2);
        var homeRound = home.OpenRound();
        var otherRound = other.OpenRound();
        Assert.NotEqual(homeRound, otherRound);
        var validator = home.Committee(homeRound)[0];
        var cast = home.Net.Sign(new CommitVote(validator.Address, homeRound, HexBytes.From(Keccak.Hash([1]))), validator);
        ConsensusScenario.Expect(home.Net.Execute(cast));

        // The same signed message replayed on the other network: it verifies (same domain), and names no round there.
        var replayed = other.Net.Execute(cast);

        Assert.Equal(ErrorCodes.UnknownRound, Assert.IsType<CommandRejected>(replayed).Code);
        Assert.Empty(other.Net.Round(otherRound).Votes);
        // Its own vote on the other network is its first there: no equivocation, no slash.
        ConsensusScenario.Expect(other.Net.Execute(new CommitVote(validator.Address, otherRound, HexBytes.From(Keccak.Hash([2]))), validator));
        Assert.Empty(other.Net.Round(otherRound).Equivocations);
    }

    [Fact]
    public void Round_ids_end_with_the_tag_of_the_domain_and_genesis()
    {
        var s = new ConsensusScenario();

        var round = s.OpenRound();

        var genesis = s.Net.Journal.Select(j => j.Event).OfType<PoT.Ledger.GenesisMinted>().First().GenesisHash;
        Assert.Equal($"agent-1.1@{NetworkIdentity.TagOf(new Eip712Domain("PoT", "1", 31337, Address.Zero), genesis)}", round);
        Assert.Null(RoundIds.Problem(round));
        Assert.NotNull(RoundIds.Problem("agent-1.1"));
        Assert.Equal(round, RoundIds.Complete("agent-1.1", s.Net.NetworkTag));
    }

    [Fact]
    public void A_validator_that_reports_itself_from_a_second_address_loses_most_of_the_slash()
    {
        var s = new ConsensusScenario();
        var round = s.OpenRound();
        var cheat = s.Committee(round)[0];
        var first = s.Net.Sign(new CommitVote(cheat.Address, round, HexBytes.From(Keccak.Hash([1]))), cheat);
        var second = s.Net.Sign(new CommitVote(cheat.Address, round, HexBytes.From(Keccak.Hash([2]))), cheat);
        var before = s.Net.Account(cheat.Address).Holdings + s.Net.Account(s.Reporter.Address).Holdings;
        var slashed = s.Net.Account(cheat.Address).ValidatorStake * (UInt128)Rules.Consensus.Round.EquivocationSlashBps / 10_000;

        // The reporter is the cheat's own second address: the bounty comes back to it, the rest of the slash does not.
        ConsensusScenario.Expect(s.Net.Execute(new ReportEquivocation(s.Reporter.Address, round, cheat.Address, "CommitVote",
            first.Envelope.Message.ToString(Newtonsoft.Json.Formatting.None), first.Envelope.Signature.AsHex(),
            second.Envelope.Message.ToString(Newtonsoft.Json.Formatting.None), second.Envelope.Signature.AsHex()), s.Reporter));
        s.Net.DeliverAll();

        var after = s.Net.Account(cheat.Address).Holdings + s.Net.Account(s.Reporter.Address).Holdings;
        Assert.Equal(before - slashed * (UInt128)(10_000 - Rules.Consensus.Round.EquivocationBountyBps) / 10_000, after);
        Assert.True(Rules.Consensus.Round.EquivocationBountyBps <= ConsensusOptions.MaxEquivocationBountyBps);
    }

    [Fact]
    public void A_bounty_above_half_the_slash_is_refused_at_start()
    {
        var config = Akka.Configuration.ConfigurationFactory.ParseString("pot.consensus.equivocation-bounty-bps = 5001")
            .WithFallback(PoT.Hosting.PotConfig.Embedded("pot.conf"));

        var refused = Assert.Throws<Akka.Configuration.ConfigurationException>(() => ConsensusOptions.FromConfig(config.GetConfig("pot")));

        Assert.Contains("equivocation-bounty-bps", refused.Message);
    }

    [Fact]
    public async Task The_node_says_when_it_runs_on_the_development_domain_and_names_its_network()
    {
        await using var node = await TestNode.Start(_dir.Path, TestNode.Genesis((Keys.Alice, 1_000)));

        var health = (await node.Get("/health")).Body;

        Assert.True((bool)health["developmentDomain"]!);
        Assert.Equal(NetworkIdentity.TagOf(node.Settings.Domain, (string)health["genesis"]!), (string)health["networkTag"]!);
    }

    [Fact]
    public async Task A_node_on_its_own_domain_is_not_the_development_network()
    {
        await using var node = await TestNode.Start(_dir.Path, TestNode.Genesis((Keys.Alice, 1_000)),
            "pot.domain { chain-id = 424242, verifying-contract = \"0x00000000000000000000000000000000000000c0\" }");

        var health = (await node.Get("/health")).Body;

        Assert.False((bool)health["developmentDomain"]!);
        Assert.NotEqual(NetworkIdentity.TagOf(new Eip712Domain("PoT", "1", 31337, Address.Zero), (string)health["genesis"]!), (string)health["networkTag"]!);
    }
}
