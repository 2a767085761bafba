using System.Collections.Immutable;
using PoT.Protocol;

namespace PoT.Persistence;

/// <summary>What a pure rule decides about a command: events to persist, a rejection, or "already done" (an
/// identical retry, answered with the first execution's receipt and no new effect).</summary>
public abstract record Decision
{
    public sealed record Accept(ImmutableArray<PotEvent> Events) : Decision;

    public sealed record Reject(CommandRejected Error) : Decision;

    public sealed record AlreadyDone(CommandAccepted Receipt) : Decision;

    public static Decision Emit(params PotEvent[] events) => new Accept([.. events]);

    public static Decision Rejected(string code, string message) => new Reject(new CommandRejected(code, message));

    public static Decision Done(CommandAccepted receipt) => new AlreadyDone(receipt);
}
