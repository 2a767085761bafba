using PoT.Ledger;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Ledger;

/// <summary>The ledger's pure rules, command by command.</summary>
public sealed class AccountRulesSpecs
{
    private readonly InMemoryNetwork _net = Rules.Network((Keys.Alice, 1_000), (Keys.Bob, 50));
    private static Address Alice => Keys.Alice.Address;
    private static Address Bob => Keys.Bob.Address;

    private static string CodeOf(CommandResult result) => Assert.IsType<CommandRejected>(result).Code;

    [Fact]
    public void Transfer_debits_now_and_credits_when_the_relay_delivers()
    {
        Assert.IsType<CommandAccepted>(_net.Execute(new Transfer(Alice, Bob, 300, 0), Keys.Alice));
        Assert.Equal(700u, (ulong)_net.Account(Alice).Balance);
        Assert.Equal(50u, (ulong)_net.Account(Bob).Balance);
        Assert.Equal(300u, (ulong)_net.InFlight);
        _net.DeliverAll();
        Assert.Equal(350u, (ulong)_net.Account(Bob).Balance);
        Assert.Equal(1ul, _net.Account(Alice).Nonce);
    }

    [Fact]
    public void A_redelivered_credit_is_applied_once()
    {
        _net.Execute(new Transfer(Alice, Bob, 300, 0), Keys.Alice);
        _net.DeliverOne(twice: true);
        Assert.Equal(350u, (ulong)_net.Account(Bob).Balance);
    }

    [Fact]
    public void Transfer_beyond_the_balance_is_refused_and_changes_nothing()
    {
        var journal = _net.Journal.Count;
        Assert.Equal(ErrorCodes.InsufficientFunds, CodeOf(_net.Execute(new Transfer(Alice, Bob, 1_001, 0), Keys.Alice)));
        Assert.Equal(journal, _net.Journal.Count);
        Assert.Equal(0ul, _net.Account(Alice).Nonce);
    }

    [Fact]
    public void Zero_amounts_and_self_transfers_are_refused()
    {
        Assert.Equal(ErrorCodes.InvalidAmount, CodeOf(_net.Execute(new Transfer(Alice, Bob, 0, 0), Keys.Alice)));
        Assert.Equal(ErrorCodes.InvalidAmount, CodeOf(_net.Execute(new StakeAsValidator(Alice, 0, 0), Keys.Alice)));
        Assert.Equal(ErrorCodes.SelfTransfer, CodeOf(_net.Execute(new Transfer(Alice, Alice, 1, 0), Keys.Alice)));
    }

    [Fact]
    public void An_account_that_never_held_tokens_cannot_act()
    {
        Assert.Equal(ErrorCodes.UnknownAccount, CodeOf(_net.Execute(new Transfer(Keys.Carol.Address, Bob, 1, 0), Keys.Carol)));
    }

    [Fact]
    public void Nonces_must_be_exactly_the_next_one()
    {
        Assert.Equal(ErrorCodes.FutureNonce, CodeOf(_net.Execute(new Transfer(Alice, Bob, 1, 1), Keys.Alice)));
        Assert.IsType<CommandAccepted>(_net.Execute(new Transfer(Alice, Bob, 1, 0), Keys.Alice));
        Assert.Equal(ErrorCodes.NonceAlreadyUsed, CodeOf(_net.Execute(new Transfer(Alice, Bob, 2, 0), Keys.Alice)));
    }

    [Fact]
    public void An_identical_retry_returns_the_first_receipt_without_a_second_effect()
    {
        var first = Assert.IsType<CommandAccepted>(_net.Execute(new Transfer(Alice, Bob, 10, 0), Keys.Alice));
        var journal = _net.Journal.Count;
        var retry = Assert.IsType<CommandAccepted>(_net.Execute(new Transfer(Alice, Bob, 10, 0), Keys.Alice));
        Assert.True(retry.Replayed);
        Assert.Equal(first.CommandId, retry.CommandId);
        Assert.Equal(new[] { $"account-{Alice}:2" }, retry.EventIds.ToArray());
        Assert.Equal(journal, _net.Journal.Count);
        Assert.Equal(990u, (ulong)_net.Account(Alice).Balance);
    }

    [Fact]
    public void Receipts_older_than_the_window_answer_stale_nonce()
    {
        for (ulong n = 0; n <= (ulong)Rules.Ledger.ReceiptWindow; n++) _net.Execute(new Transfer(Alice, Bob, 1, n), Keys.Alice);
        Assert.Equal(ErrorCodes.StaleNonce, CodeOf(_net.Execute(new Transfer(Alice, Bob, 1, 0), Keys.Alice)));
    }

    [Fact]
    public void Validator_stake_unbonds_for_the_period_and_then_withdraws()
    {
        _net.Execute(new StakeAsValidator(Alice, 400, 0), Keys.Alice);
        Assert.Equal(ErrorCodes.InsufficientStake, CodeOf(_net.Execute(new Unstake(Alice, 401, 1), Keys.Alice)));
        Assert.Equal(ErrorCodes.NothingToWithdraw, CodeOf(_net.Execute(new Withdraw(Alice, 1), Keys.Alice)));
        _net.Execute(new Unstake(Alice, 150, 1), Keys.Alice);
        var account = _net.Account(Alice);
        Assert.Equal((600u, 250u, 150u), ((ulong)account.Balance, (ulong)account.ValidatorStake, (ulong)account.UnbondingTotal));

        _net.Advance(Rules.Ledger.UnbondingPeriod - TimeSpan.FromSeconds(1));
        Assert.Equal(ErrorCodes.UnbondingNotMatured, CodeOf(_net.Execute(new Withdraw(Alice, 2), Keys.Alice)));
        _net.Advance(TimeSpan.FromSeconds(1));
        Assert.IsType<CommandAccepted>(_net.Execute(new Withdraw(Alice, 2), Keys.Alice));
        Assert.Equal((750u, 0u), ((ulong)_net.Account(Alice).Balance, (ulong)_net.Account(Alice).UnbondingTotal));
    }

    [Fact]
    public void Stake_for_an_agent_needs_an_agent_of_ones_own()
    {
        Assert.Equal(ErrorCodes.UnknownAgent, CodeOf(_net.Execute(new StakeForAgent(Alice, "nobody", 5, 0), Keys.Alice)));
    }

    [Fact]
    public void Genesis_is_minted_once_even_if_delivered_twice()
    {
        var minted = _net.Account(Alice);
        Assert.IsType<PoT.Persistence.Decision.AlreadyDone>(AccountRules.Decide(minted, new MintGenesis(Alice, 1_000, minted.GenesisHash!)));
    }
}
