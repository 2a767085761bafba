using PoT.Ledger;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Registry;

/// <summary>The registry's pure rules and their coordination with the provider's account.</summary>
public sealed class AgentRulesSpecs
{
    private readonly InMemoryNetwork _net = Rules.Network((Keys.Alice, 10_000), (Keys.Bob, 500));
    private static Address Alice => Keys.Alice.Address;

    private static RegisterAgent Register(string id = "agent-1", ulong stake = 2_000, ulong nonce = 0, Address? account = null, string adapter = "http",
        string endpoint = "https://agent.example/run", string[]? capabilities = null, string config = "") =>
        new(account ?? Alice, id, [.. capabilities ?? ["summarize"]], adapter, endpoint, config, 30, 1500, 9900, stake, nonce);

    private static string CodeOf(CommandResult result) => Assert.IsType<CommandRejected>(result).Code;

    [Fact]
    public void Registration_locks_the_stake_and_lists_the_agent_as_pending()
    {
        Assert.IsType<CommandAccepted>(_net.Execute(Register(), Keys.Alice));
        Assert.Equal(AgentStatus.Registering, _net.Agent("agent-1").Status);
        Assert.Equal(10_000u, (ulong)_net.Account(Alice).Balance);
        _net.DeliverAll();
        Assert.Equal(AgentStatus.Pending, _net.Agent("agent-1").Status);
        Assert.Equal(8_000u - (ulong)Rules.Ledger.RegistrationFee, (ulong)_net.Account(Alice).Balance);
        Assert.Equal(2_000u, (ulong)_net.Account(Alice).AgentStakes["agent-1"]);
    }

    [Fact]
    public void Redelivering_the_account_step_locks_the_stake_once()
    {
        _net.Execute(Register(), Keys.Alice);
        _net.DeliverOne(twice: true);
        Assert.Equal(8_000u - (ulong)Rules.Ledger.RegistrationFee, (ulong)_net.Account(Alice).Balance);
        Assert.Equal(AgentStatus.Pending, _net.Agent("agent-1").Status);
    }

    [Fact]
    public void Redelivering_a_proof_submissions_account_step_opens_one_round_and_locks_one_bond()
    {
        // The relay delivers at least once: after a restart it brings the account's step of a submission again, even
        // after the agent already asked its round to open.
        var s = new ConsensusScenario();
        Assert.IsType<CommandAccepted>(s.Net.Execute(new SubmitTrainingProof(s.Provider.Address, ConsensusScenario.AgentId, "opaque",
            HexBytes.From(Keccak.Hash([3])), "ipfs://proof", s.ProviderNonce), s.Provider));

        while (s.Net.PendingDeliveries > 0) s.Net.DeliverOne(twice: true);

        Assert.Single(s.Net.Journal, j => j.Event is ValidationRoundRequested);
        Assert.Single(s.Net.Journal, j => j.Event is PoT.Consensus.RoundOpened);
        Assert.Equal(Rules.Ledger.ProofBond, s.Net.Account(s.Provider.Address).ProofBonds[ConsensusScenario.AgentId]);
        Assert.Equal(AgentStatus.Validating, s.Net.Agent(ConsensusScenario.AgentId).Status);
    }

    [Fact]
    public void A_registration_the_account_cannot_fund_leaves_no_event_anywhere()
    {
        var journal = _net.Journal.Count;
        Assert.Equal(ErrorCodes.InsufficientFunds, CodeOf(_net.Execute(Register(stake: 10_001), Keys.Alice)));
        Assert.Equal(journal, _net.Journal.Count);
        Assert.Equal(AgentStatus.Unregistered, _net.Agent("agent-1").Status);
    }

    [Fact]
    public void If_the_account_refuses_after_the_intent_the_intent_is_aborted_and_the_id_freed()
    {
        _net.Execute(Register(stake: 6_000), Keys.Alice);
        // A transfer (same account, next nonce) races ahead of the account step in the outbox...
        _net.Execute(new Transfer(Alice, Keys.Bob.Address, 5_000, 0), Keys.Alice);
        _net.DeliverAll();
        // ...so the step meets a spent nonce: nothing is locked, and the agent id is free again.
        Assert.Equal(AgentStatus.Unregistered, _net.Agent("agent-1").Status);
        Assert.Empty(_net.Account(Alice).AgentStakes);
        Assert.IsType<CommandAccepted>(_net.Execute(Register(stake: 2_000, nonce: 1), Keys.Alice));
    }

    [Fact]
    public void Agent_ids_are_never_reused()
    {
        _net.Execute(Register(), Keys.Alice);
        _net.DeliverAll();
        Assert.Equal(ErrorCodes.AgentExists, CodeOf(_net.Execute(Register(nonce: 1), Keys.Alice)));
        Assert.Equal(ErrorCodes.AgentExists, CodeOf(_net.Execute(Register(account: Keys.Bob.Address, stake: 1_000), Keys.Bob)));
    }

    [Fact]
    public void A_second_command_while_one_is_in_flight_is_told_to_retry()
    {
        _net.Execute(Register(), Keys.Alice);
        var update = new UpdateAgent(Alice, "agent-1", ["summarize"], "https://agent.example/v2", "", 30, 1500, 9900, 1);
        Assert.Equal(ErrorCodes.AgentBusy, CodeOf(_net.Execute(update, Keys.Alice)));
    }

    [Fact]
    public void Stake_below_the_minimum_is_refused()
    {
        Assert.Equal(ErrorCodes.StakeBelowMinimum, CodeOf(_net.Execute(Register(stake: 999), Keys.Alice)));
    }

    [Theory]
    [InlineData("Agent_1")]
    [InlineData("a")]
    [InlineData("-leading-dash")]
    public void Malformed_agent_ids_are_refused(string id) =>
        Assert.Equal(ErrorCodes.InvalidField, CodeOf(_net.Execute(Register(id), Keys.Alice)));

    [Theory]
    [InlineData("ftp", "https://x.example", "summarize", "")]
    [InlineData("http", "not a url", "summarize", "")]
    [InlineData("http", "https://x.example", "Summarize!", "")]
    [InlineData("http", "https://x.example", "summarize", "[1,2]")]
    [InlineData("http", "https://x.example", "summarize", "{broken")]
    public void Malformed_profiles_are_refused(string adapter, string endpoint, string capability, string config) =>
        Assert.Equal(ErrorCodes.InvalidField,
            CodeOf(_net.Execute(Register(adapter: adapter, endpoint: endpoint, capabilities: [capability], config: config), Keys.Alice)));

    [Fact]
    public void Rag_and_zk_agents_take_any_endpoint()
    {
        Assert.IsType<CommandAccepted>(_net.Execute(Register("rag-1", adapter: "rag", endpoint: "index://papers"), Keys.Alice));
    }

    [Fact]
    public void Only_the_provider_updates_and_the_update_applies_after_the_account_step()
    {
        _net.Execute(Register(), Keys.Alice);
        _net.DeliverAll();
        var foreign = new UpdateAgent(Keys.Bob.Address, "agent-1", ["qa"], "https://bob.example", "", 1, 1, 1, 0);
        Assert.Equal(ErrorCodes.NotAgentOwner, CodeOf(_net.Execute(foreign, Keys.Bob)));

        var update = new UpdateAgent(Alice, "agent-1", ["qa", "summarize"], "https://agent.example/v2", "", 70, 800, 9990, 1);
        Assert.IsType<CommandAccepted>(_net.Execute(update, Keys.Alice));
        Assert.Equal("https://agent.example/run", _net.Agent("agent-1").Profile!.Endpoint);
        _net.DeliverAll();
        var profile = _net.Agent("agent-1").Profile!;
        Assert.Equal(("https://agent.example/v2", 800u, "http"), (profile.Endpoint, profile.SlaP95LatencyMs, profile.Adapter));
        Assert.Equal(2ul, _net.Account(Alice).Nonce);
    }

    [Fact]
    public void Deregistration_moves_all_agent_stake_to_unbonding_and_ends_the_agent()
    {
        _net.Execute(Register(), Keys.Alice);
        _net.DeliverAll();
        _net.Execute(new StakeForAgent(Alice, "agent-1", 500, 1), Keys.Alice);
        _net.Execute(new DeregisterAgent(Alice, "agent-1", 2), Keys.Alice);
        _net.DeliverAll();
        Assert.Equal(AgentStatus.Deregistered, _net.Agent("agent-1").Status);
        var account = _net.Account(Alice);
        Assert.Empty(account.AgentStakes);
        Assert.Equal(2_500u, (ulong)account.UnbondingTotal);
        Assert.Equal(ErrorCodes.AgentDeregistered, CodeOf(_net.Execute(new DeregisterAgent(Alice, "agent-1", 3), Keys.Alice)));
    }

    [Fact]
    public void Commands_for_an_unknown_agent_are_refused()
    {
        Assert.Equal(ErrorCodes.UnknownAgent, CodeOf(_net.Execute(new DeregisterAgent(Alice, "ghost", 0), Keys.Alice)));
    }
}
