using PoT.Ledger;
using PoT.Persistence;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Persistence;

public sealed class HashChainSpecs
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    [Fact]
    public void Sealed_events_each_carry_the_hash_of_the_one_before()
    {
        var sealedEvents = HashChain.Seal([new ValidatorStakeLocked(1), new ValidatorStakeLocked(2), new ValidatorStakeLocked(3)],
            HashChain.Genesis, At, Samples.Envelope);
        Assert.Equal(HashChain.Genesis, sealedEvents[0].Event.Meta.Prev);
        Assert.Equal(sealedEvents[0].Hash, sealedEvents[1].Event.Meta.Prev);
        Assert.Equal(sealedEvents[1].Hash, sealedEvents[2].Event.Meta.Prev);
        Assert.All(sealedEvents, s => Assert.Equal(HashChain.HashOf(s.Event), s.Hash));
    }

    [Fact]
    public void Changing_any_field_changes_the_hash()
    {
        var original = HashChain.Seal([new TransferSent(Keys.Bob.Address, 10)], HashChain.Genesis, At, Samples.Envelope)[0];
        Assert.NotEqual(original.Hash, HashChain.HashOf(original.Event with { Meta = original.Event.Meta with { Prev = new string('1', 64) } }));
        Assert.NotEqual(original.Hash, HashChain.HashOf((TransferSent)original.Event with { Amount = 11 }));
        Assert.NotEqual(original.Hash, HashChain.HashOf(original.Event with { Meta = original.Event.Meta with { At = At.AddTicks(1) } }));
    }
}
