using System.Numerics;
using Newtonsoft.Json.Linq;

namespace PoT.Protocol;

/// <summary>The EIP-712 domain of one PoT network: name and version from the schema, chainId and verifyingContract
/// from configuration (pot.domain). A signature made for another chain or contract recovers a different signer.</summary>
public sealed record Eip712Domain(string Name, string Version, BigInteger ChainId, Address VerifyingContract)
{
    public JObject ToJson() => new()
    {
        ["name"] = Name,
        ["version"] = Version,
        ["chainId"] = ChainId.ToString(),
        ["verifyingContract"] = VerifyingContract.Value
    };

    public byte[] Separator(TypedDataSchema schema) => schema.HashStruct(schema.Read(TypedDataSchema.DomainType, ToJson()));
}
