using Akka.Actor;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Ledger;

/// <summary>
/// Records the genesis allocation once (persistence id "genesis"). Applying the same file again is a no-op;
/// a different file is refused, because minting it would change the supply of an existing network.
/// </summary>
public sealed class GenesisActor : PotEntity<GenesisState>
{
    public const string PersistenceIdValue = "genesis";

    public GenesisActor(TimeProvider clock) : base(PersistenceIdValue, new GenesisState(null, UInt128.Zero, 0), int.MaxValue, clock)
    {
        Command<ApplyGenesis>(apply =>
        {
            var hash = apply.Spec.Hash;
            if (State.Hash == hash)
            {
                Sender.Tell(State);
                return;
            }
            if (State.Hash is not null)
            {
                Sender.Tell(new CommandRejected("genesis-mismatch",
                    $"this journal was created from genesis {State.Hash}; the configured genesis file is {hash}"));
                return;
            }
            var replyTo = Sender;
            PersistDecided([new GenesisAllocated(hash, apply.Spec.Allocations, apply.Spec.Total)], Clock.GetUtcNow(), null,
                _ => replyTo.Tell(State));
        });
        Command<GetGenesis>(_ => Sender.Tell(State));
    }

    protected override GenesisState Evolve(GenesisState state, PotEvent e) => e is GenesisAllocated g
        ? new GenesisState(g.Hash, g.Total, g.Allocations.Length)
        : throw new ArgumentException($"not a genesis event: {e.GetType().Name}");

    protected override IPotMessage ToSnapshot(GenesisState state, string head) => new GenesisSnapshot(state, head);

    protected override (GenesisState State, string Head) FromSnapshot(object snapshot) =>
        snapshot is GenesisSnapshot s ? (s.State, s.Head) : throw new ArgumentException("not a genesis snapshot");

    public static Props PropsFor(TimeProvider clock) => Props.Create(() => new GenesisActor(clock));
}
