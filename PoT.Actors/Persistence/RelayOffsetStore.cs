using Akka.Actor;
using Akka.Persistence;

namespace PoT.Persistence;

[Manifest("get-relay-offset.v1")]
public sealed record GetRelayOffset : IPotMessage
{
    public static readonly GetRelayOffset Instance = new();
}

[Manifest("commit-relay-offset.v1")]
public sealed record CommitRelayOffset(long Offset) : IPotMessage;

/// <summary>The journal ordering up to which every outbox event has been delivered.</summary>
[Manifest("relay-offset.v1")]
public sealed record RelayOffset(long Offset) : IPotMessage;

/// <summary>
/// Keeps the outbox relay's offset as the one snapshot of persistence id "outbox-relay-offset" (the SQL snapshot
/// store replaces it in place), so it lives in the same database as the journal, whichever that is. One save is in
/// flight at a time: two racing saves of one snapshot row could otherwise leave the older offset.
/// </summary>
public sealed class RelayOffsetStore : ReceivePersistentActor
{
    private long _offset;
    private long _saving = -1;
    private readonly List<(long Offset, IActorRef ReplyTo)> _waiting = [];

    public override string PersistenceId => "outbox-relay-offset";

    public RelayOffsetStore()
    {
        Recover<SnapshotOffer>(offer => _offset = ((RelayOffset)offer.Snapshot).Offset);
        Command<GetRelayOffset>(_ => Sender.Tell(new RelayOffset(_offset)));
        Command<CommitRelayOffset>(commit =>
        {
            if (commit.Offset <= _offset && _saving < 0)
            {
                Sender.Tell(new RelayOffset(_offset));
                return;
            }
            _waiting.Add((commit.Offset, Sender));
            SaveNext();
        });
        Command<SaveSnapshotSuccess>(_ =>
        {
            _offset = Math.Max(_offset, _saving);
            _saving = -1;
            foreach (var done in _waiting.Where(w => w.Offset <= _offset).ToList())
            {
                done.ReplyTo.Tell(new RelayOffset(_offset));
                _waiting.Remove(done);
            }
            SaveNext();
        });
        Command<SaveSnapshotFailure>(failure =>
        {
            _saving = -1;
            foreach (var (_, replyTo) in _waiting) replyTo.Tell(new Status.Failure(failure.Cause));
            _waiting.Clear();
        });
    }

    private void SaveNext()
    {
        if (_saving >= 0 || _waiting.Count == 0) return;
        _saving = _waiting.Max(w => w.Offset);
        SaveSnapshot(new RelayOffset(_saving));
    }
}
