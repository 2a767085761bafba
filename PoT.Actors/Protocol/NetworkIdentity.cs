namespace PoT.Protocol;

/// <summary>
/// The network a node belongs to: its EIP-712 domain and its genesis. Round ids carry its tag
/// ("{agentId}.{n}@{tag}", docs/security.md), so a vote, which carries no nonce, names its network in its own signed
/// message: a vote cast on one network can never be replayed into a same-named round of another, even when both were
/// left on the development domain and accept each other's signatures. Set once, when the node knows its genesis.
/// </summary>
public sealed class NetworkIdentity
{
    /// <summary>The development domain every network gets when it sets none (hocon/pot.conf, pot.domain).</summary>
    public static bool IsDevelopment(Eip712Domain domain) => domain.ChainId == 31337 && domain.VerifyingContract == Address.Zero;

    private volatile string? _tag;

    /// <summary>The network's tag, or null while the node has no genesis.</summary>
    public string? Tag => _tag;

    /// <summary>12 hex digits of keccak256(domain separator ‖ utf8(genesis hash)).</summary>
    public static string TagOf(Eip712Domain domain, string genesisHash) =>
        Convert.ToHexStringLower(Keccak.Hash(domain.Separator(TypedDataSchema.Pot), System.Text.Encoding.UTF8.GetBytes(genesisHash)))[..12];

    public void Set(Eip712Domain domain, string genesisHash)
    {
        var tag = TagOf(domain, genesisHash);
        if (_tag is { } known && known != tag)
            throw new InvalidOperationException($"this node already belongs to network {known}; genesis {genesisHash} makes {tag}");
        _tag = tag;
    }
}
