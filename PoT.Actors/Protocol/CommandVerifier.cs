using Newtonsoft.Json.Linq;

namespace PoT.Protocol;

/// <summary>
/// Turns a client's signed envelope into a <see cref="Signed"/> command: checks the message against the schema,
/// hashes it (EIP-712), recovers the signer, and requires signer == the account the command acts for. Stateless
/// and thread-safe, so the HTTP edge runs it on every core before anything reaches an entity. Nonces are checked
/// by the account entity, which is the only place that knows them.
/// </summary>
public sealed class CommandVerifier
{
    private readonly byte[] _domainSeparator;

    public CommandCatalog Catalog { get; }
    public Eip712Domain Domain { get; }

    public CommandVerifier(CommandCatalog catalog, Eip712Domain domain)
    {
        Catalog = catalog;
        Domain = domain;
        _domainSeparator = domain.Separator(catalog.Schema);
    }

    /// <summary>Verifies a wire envelope <c>{"type","message","signature"}</c>.</summary>
    public Signed Verify(JObject envelope)
    {
        foreach (var property in envelope.Properties())
        {
            if (property.Name is not ("type" or "message" or "signature"))
                throw new ProtocolException(ErrorCodes.InvalidField, $"{property.Name}: an envelope has only type, message and signature");
        }
        var type = envelope["type"] is { Type: JTokenType.String } t ? (string)t! : throw Missing("type", "the EIP-712 primary type, e.g. \"Transfer\"");
        var message = envelope["message"] as JObject ?? throw Missing("message", "the signed message object");
        var signature = envelope["signature"] is { Type: JTokenType.String } s ? (string)s! : throw Missing("signature", "0x + 130 hex digits");
        return Verify(type, message, signature);
    }

    public Signed Verify(string type, JObject message, string signatureHex)
    {
        var (command, normalized, signature, digest, signer) = Recover(type, message, signatureHex);
        var canonical = (JObject)TypedDataSchema.ToJson(normalized);
        return new Signed(command, new SignedEnvelope(type, canonical, Keccak.Hex(signature), signer, Keccak.Hex(digest)));
    }

    /// <summary>Reads, decodes and recovers a signed message without building its canonical envelope: what an
    /// audit needs to hold a recorded envelope against (it compares digest and signer itself).</summary>
    public (ISignedMessage Command, byte[] Digest, Address Signer) Check(string type, JObject message, string signatureHex)
    {
        var (command, _, _, digest, signer) = Recover(type, message, signatureHex);
        return (command, digest, signer);
    }

    private (ISignedMessage, TypedStruct, byte[], byte[], Address) Recover(string type, JObject message, string signatureHex)
    {
        if (!Catalog.Knows(type))
            throw new ProtocolException(ErrorCodes.UnknownCommandType, $"'{type}' is not a command; known: {string.Join(", ", Catalog.TypeNames.Order())}");
        var normalized = Catalog.Schema.Read(type, message);
        var command = Catalog.Decode(normalized);
        var signature = EthSignature.Parse(signatureHex);
        var digest = Digest(normalized);
        var signer = EthSignature.Recover(digest, signature);
        if (signer != command.Account)
            throw new ProtocolException(ErrorCodes.WrongSigner, $"signed by {signer}, but the command acts for {command.Account}");
        return (command, normalized, signature, digest, signer);
    }

    /// <summary>Signs a command record with a key (clients, simulations and specs).</summary>
    public Signed Sign(ISignedMessage command, EthKey key)
    {
        var type = Catalog.TypeNameOf(command);
        var normalized = Catalog.Schema.Read(type, Catalog.Encode(command));
        var digest = Digest(normalized);
        var envelope = new SignedEnvelope(type, (JObject)TypedDataSchema.ToJson(normalized), key.SignHex(digest), key.Address, Keccak.Hex(digest));
        return new Signed(command, envelope);
    }

    public byte[] Digest(string type, JObject message) => Digest(Catalog.Schema.Read(type, message));

    public byte[] Digest(TypedStruct message) => TypedDataSchema.Digest(_domainSeparator, Catalog.Schema.HashStruct(message));

    /// <summary>The full eth_signTypedData_v4 document for a message, as a wallet wants it.</summary>
    public JObject TypedDataDocument(string type, JObject message)
    {
        var members = Catalog.Schema.Members(TypedDataSchema.DomainType);
        var types = new JObject { [TypedDataSchema.DomainType] = MembersJson(members) };
        foreach (var dependency in Catalog.Schema.EncodeType(type).Split(')', StringSplitOptions.RemoveEmptyEntries).Select(p => p[..p.IndexOf('(')]))
            types[dependency] = MembersJson(Catalog.Schema.Members(dependency));
        return new JObject
        {
            ["types"] = types,
            ["primaryType"] = type,
            ["domain"] = Domain.ToJson(),
            ["message"] = message
        };
    }

    public static JObject WireEnvelope(SignedEnvelope envelope) => new()
    {
        ["type"] = envelope.Type,
        ["message"] = envelope.Message.DeepClone(),
        ["signature"] = envelope.Signature
    };

    private static JArray MembersJson(IEnumerable<TypedMember> members) =>
        new(members.Select(m => new JObject { ["name"] = m.Name, ["type"] = m.Type }));

    private static ProtocolException Missing(string field, string what) => new(ErrorCodes.MissingField, $"{field}: required ({what})");
}
