using Akka.Actor;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Ledger;

/// <summary>The account entity on a real SQLite file: replies, recovery by a second actor system, snapshots.</summary>
public sealed class AccountActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private readonly TempDir _dir;
    private readonly CommandVerifier _verifier = new(CommandCatalog.Pot, new Eip712Domain("PoT", "1", 31337, Address.Zero));
    private readonly LedgerOptions _options;

    public AccountActorSpecs() : this(new TempDir())
    {
    }

    private AccountActorSpecs(TempDir dir) : base(SpecConfig.LocalActors(dir.File("pot.db"), "pot.ledger.snapshot-every = 3"))
    {
        _dir = dir;
        _options = LedgerOptions.FromConfig(Sys.Settings.Config.GetConfig("pot"));
    }

    private string DbFile => _dir.File("pot.db");

    private IActorRef Account(ActorSystem system, Address address) =>
        system.ActorOf(AccountActor.PropsFor(address, _options, TimeProvider.System));

    private Signed Sign(ISignedCommand command, EthKey key) => _verifier.Sign(command, key);

    [Fact]
    public async Task A_second_actor_system_over_the_same_file_recovers_balance_stakes_nonce_and_receipts()
    {
        var alice = Account(Sys, Keys.Alice.Address);
        alice.Tell(new MintGenesis(Keys.Alice.Address, 10_000, "0xgenesis"));
        ExpectMsg<PoT.Persistence.DeliveryAck>();
        var transfer = Sign(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 1_000, 0), Keys.Alice);
        alice.Tell(transfer);
        var accepted = ExpectMsg<CommandAccepted>();
        alice.Tell(Sign(new StakeAsValidator(Keys.Alice.Address, 2_000, 1), Keys.Alice));
        ExpectMsg<CommandAccepted>();
        alice.Tell(Sign(new Unstake(Keys.Alice.Address, 500, 2), Keys.Alice));
        ExpectMsg<CommandAccepted>();
        alice.Tell(new GetAccount(Keys.Alice.Address));
        var before = ExpectMsg<AccountView>();

        // Snapshots every 3 events: recovery here reads a snapshot and replays what follows it.
        var second = ActorSystem.Create("second", Sys.Settings.Config);
        try
        {
            var probe = new Akka.TestKit.TestProbe(second, new Akka.TestKit.Xunit2.XunitAssertions());
            var recovered = Account(second, Keys.Alice.Address);
            recovered.Tell(new GetAccount(Keys.Alice.Address), probe.Ref);
            var after = probe.ExpectMsg<AccountView>();
            Assert.Equal(PoT.Persistence.PotJson.Serialize(before), PoT.Persistence.PotJson.Serialize(after));
            Assert.Equal((7_000u, 1_500u, 500u, 3ul), ((ulong)after.Balance, (ulong)after.ValidatorStake, (ulong)after.Unbonding.Sum(u => (decimal)u.Amount), after.NextNonce));

            // The receipt survived too: the identical envelope is answered, not re-executed.
            recovered.Tell(transfer, probe.Ref);
            var replayed = probe.ExpectMsg<CommandAccepted>();
            Assert.True(replayed.Replayed);
            Assert.Equal(accepted.EventIds.ToArray(), replayed.EventIds.ToArray());
        }
        finally
        {
            await second.Terminate();
        }
        Assert.Contains(JournalReader.Rows(DbFile), r => r.Manifest == "transfer-sent.v1");
    }

    [Fact]
    public void Every_event_carries_the_hash_of_the_one_before_it()
    {
        var bob = Account(Sys, Keys.Bob.Address);
        bob.Tell(new MintGenesis(Keys.Bob.Address, 100, "0xgenesis"));
        ExpectMsg<PoT.Persistence.DeliveryAck>();
        for (ulong n = 0; n < 4; n++)
        {
            bob.Tell(Sign(new StakeAsValidator(Keys.Bob.Address, 1, n), Keys.Bob));
            ExpectMsg<CommandAccepted>();
        }
        var rows = JournalReader.Rows(DbFile).Where(r => r.PersistenceId == $"account-{Keys.Bob.Address}").ToList();
        Assert.Equal(5, rows.Count);
        var previous = PoT.Persistence.HashChain.Genesis;
        foreach (var row in rows)
        {
            Assert.Contains($"\"prev\":\"{previous}\"", row.Payload);
            previous = PoT.Persistence.HashChain.HashOf(System.Text.Encoding.UTF8.GetBytes(row.Payload));
        }
    }

    [Fact]
    public void A_rejected_command_writes_nothing()
    {
        var carol = Account(Sys, Keys.Carol.Address);
        carol.Tell(new MintGenesis(Keys.Carol.Address, 100, "0xgenesis"));
        ExpectMsg<PoT.Persistence.DeliveryAck>();
        var rows = JournalReader.Count(DbFile);
        carol.Tell(Sign(new Transfer(Keys.Carol.Address, Keys.Bob.Address, 101, 0), Keys.Carol));
        Assert.Equal(ErrorCodes.InsufficientFunds, ExpectMsg<CommandRejected>().Code);
        carol.Tell(Sign(new Transfer(Keys.Carol.Address, Keys.Bob.Address, 1, 5), Keys.Carol));
        Assert.Equal(ErrorCodes.FutureNonce, ExpectMsg<CommandRejected>().Code);
        Assert.Equal(rows, JournalReader.Count(DbFile));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _dir.Dispose();
    }
}
