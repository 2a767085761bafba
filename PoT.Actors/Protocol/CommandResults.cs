using System.Collections.Immutable;
using PoT.Persistence;

namespace PoT.Protocol;

/// <summary>The reply to a command: accepted with the ids of the events it caused, or rejected with a stable code.</summary>
public abstract record CommandResult : IPotMessage;

/// <summary><paramref name="Replayed"/> is true when the identical envelope had already executed: the reply is the
/// first execution's result, and nothing happened again.</summary>
[Manifest("command-accepted.v1")]
public sealed record CommandAccepted(string CommandId, ImmutableArray<string> EventIds, bool Replayed = false) : CommandResult;

[Manifest("command-rejected.v1")]
public sealed record CommandRejected(string Code, string Message) : CommandResult
{
    public static CommandRejected From(ProtocolException e) => new(e.Code, e.Message);
}
