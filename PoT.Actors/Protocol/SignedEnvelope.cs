using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PoT.Persistence;

namespace PoT.Protocol;

/// <summary>
/// What a client signed, kept with every event it caused so an auditor can re-verify it without trusting the node:
/// the EIP-712 primary type, the message in canonical JSON, the signature, and (for readability; the auditor
/// recomputes both) the recovered signer and the digest, which is also the command's id.
/// </summary>
public sealed record SignedEnvelope(string Type, JObject Message, string Signature, Address Signer, string Digest);

/// <summary>A message read from an EIP-712 type and signed by the account it acts for.</summary>
public interface ISignedMessage : IPotMessage
{
    Address Account { get; }
}

/// <summary>A signed message that changes the acting account's own history: it carries that account's next nonce,
/// spent exactly once. (Votes are signed messages without a nonce: a round accepts one commit and one reveal per
/// validator, so replaying one changes nothing and a different one is equivocation.)</summary>
public interface ISignedCommand : ISignedMessage
{
    ulong Nonce { get; }
}

/// <summary>Names the EIP-712 primary type (in contracts/pot.eip712.json) that a command record is read from.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class Eip712TypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>A verified command on its way to the entity that executes it: the decoded record and its envelope.
/// Between nodes only the envelope travels; the receiver decodes the record again.</summary>
[Manifest("signed.v1")]
public sealed record Signed : IPotMessage
{
    public Signed(ISignedMessage command, SignedEnvelope envelope)
    {
        Command = command;
        Envelope = envelope;
    }

    [JsonConstructor]
    public Signed(SignedEnvelope envelope) : this(envelope.Command(), envelope)
    {
    }

    [JsonIgnore]
    public ISignedMessage Command { get; }

    public SignedEnvelope Envelope { get; }

    [Newtonsoft.Json.JsonIgnore]
    public string CommandId => Envelope.Digest;
}

public static class SignedEnvelopeExtensions
{
    /// <summary>The nonce of the signed message (canonical JSON holds integers as decimal strings).</summary>
    public static ulong Nonce(this SignedEnvelope envelope) => ulong.Parse((string)envelope.Message["nonce"]!);

    /// <summary>The command record of an envelope that was verified when it entered the node.</summary>
    public static ISignedMessage Command(this SignedEnvelope envelope) =>
        CommandCatalog.Pot.Decode(CommandCatalog.Pot.Schema.Read(envelope.Type, envelope.Message));
}
