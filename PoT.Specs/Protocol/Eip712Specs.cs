using System.Numerics;
using Nethereum.ABI.EIP712;
using Nethereum.Signer;
using Nethereum.Signer.EIP712;
using Newtonsoft.Json.Linq;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Protocol;

/// <summary>Our EIP-712 encoder and secp256k1 signatures against the spec's own vector and against Nethereum.</summary>
public sealed class Eip712Specs
{
    // The "Mail" example of https://eips.ethereum.org/EIPS/eip-712 (its test vector).
    private const string MailSchema = """
        {"domain":{"name":"Ether Mail","version":"1"},"types":{
          "EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
          "Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],
          "Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]}}
        """;

    private static readonly JObject MailMessage = JObject.Parse("""
        {"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
         "to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}
        """);

    private static readonly Eip712Domain MailDomain = new("Ether Mail", "1", 1, Address.Parse("0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"));

    [Fact]
    public void Mail_example_hashes_to_the_spec_digest()
    {
        var schema = TypedDataSchema.Parse(MailSchema);
        Assert.Equal("Mail(Person from,Person to,string contents)Person(string name,address wallet)", schema.EncodeType("Mail"));
        Assert.Equal("0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f", Keccak.Hex(MailDomain.Separator(schema)));
        var digest = TypedDataSchema.Digest(MailDomain.Separator(schema), schema.HashStruct(schema.Read("Mail", MailMessage)));
        Assert.Equal("0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2", Keccak.Hex(digest));
    }

    [Fact]
    public void Mail_example_signature_is_reproduced_and_recovers_the_cow()
    {
        var schema = TypedDataSchema.Parse(MailSchema);
        var digest = TypedDataSchema.Digest(MailDomain.Separator(schema), schema.HashStruct(schema.Read("Mail", MailMessage)));
        using var cow = EthKey.FromSeed("cow");
        Assert.Equal("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826", cow.Address.Value);
        var signature = cow.SignHex(digest);
        // v = 28, r and s as printed in the EIP.
        Assert.Equal("0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d"
                     + "07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562" + "1c", signature);
        Assert.Equal(cow.Address, EthSignature.Recover(digest, EthSignature.Parse(signature)));
    }

    [Fact]
    public void Every_command_type_hashes_exactly_as_Nethereum_does()
    {
        var domain = new Eip712Domain("PoT", "1", 31337, Address.Parse("0x00000000000000000000000000000000000000b7"));
        var verifier = new CommandVerifier(CommandCatalog.Pot, domain);
        ISignedMessage[] commands =
        [
            new Transfer(Keys.Alice.Address, Keys.Bob.Address, UInt128.MaxValue, ulong.MaxValue),
            new StakeAsValidator(Keys.Alice.Address, 12345, 1),
            new StakeForAgent(Keys.Alice.Address, "agent-1", 7, 2),
            new Unstake(Keys.Alice.Address, 3, 3),
            new Withdraw(Keys.Alice.Address, 4),
            new RegisterAgent(Keys.Alice.Address, "agent-1", ["summarize", "translate"], "http", "https://example.org/run",
                """{"timeoutMs":500}""", 10, 1500, 9950, 1000, 5),
            new UpdateAgent(Keys.Alice.Address, "agent-1", [], "https://example.org/v2", "", 0, 1, 0, 6),
            new DeregisterAgent(Keys.Alice.Address, "agent-1", 7),
            new SubmitTrainingProof(Keys.Alice.Address, "agent-1", "opaque", HexBytes.From(Keccak.Hash([1, 2, 3])), "ipfs://proof", 8),
            new PoT.Consensus.CommitVote(Keys.Alice.Address, "agent-1.1", HexBytes.From(Keccak.Hash([4]))),
            new PoT.Consensus.RevealVote(Keys.Alice.Address, "agent-1.1", 2, 999_999, HexBytes.From(Keccak.Hash([5]))),
            new PoT.Consensus.ReportEquivocation(Keys.Alice.Address, "agent-1.1", Keys.Bob.Address, "CommitVote", """{"a":1}""",
                HexBytes.From(new byte[65]), """{"b":2}""", HexBytes.From([1, 2, 3])),
            new PoT.Orchestration.SubmitTask(Keys.Alice.Address, "task-1", "answer", "", ["retrieve", "answer"], "", "what is PoT?", 500, 1_800_000_000, 9)
        ];
        Assert.Equal(CommandCatalog.Pot.TypeNames.Order(), commands.Select(CommandCatalog.Pot.TypeNameOf).Order());
        foreach (var command in commands)
        {
            var signed = verifier.Sign(command, Keys.Alice);
            var document = verifier.TypedDataDocument(signed.Envelope.Type, signed.Envelope.Message);
            var nethereum = Eip712TypedDataEncoder.Current.EncodeAndHashTypedData(document.ToString());
            Assert.Equal(Keccak.Hex(nethereum), signed.Envelope.Digest);
            // And Nethereum recovers our signature to the same signer.
            Assert.Equal(Keys.Alice.Address.Value,
                new Eip712TypedDataSigner().RecoverFromSignatureV4(document.ToString(), signed.Envelope.Signature), ignoreCase: true);
        }
    }

    [Fact]
    public void Integers_beyond_their_type_are_refused_and_big_ones_accepted_as_strings()
    {
        var schema = TypedDataSchema.Pot;
        var message = new JObject { ["account"] = Keys.Alice.Address.Value, ["to"] = Keys.Bob.Address.Value, ["nonce"] = "0" };
        message["amount"] = ((BigInteger.One << 256) - 1).ToString();
        Assert.Equal((BigInteger.One << 256) - 1, (BigInteger)schema.Read("Transfer", message)["amount"]);
        message["amount"] = (BigInteger.One << 256).ToString();
        Assert.Equal(ErrorCodes.AmountOverflow, Assert.Throws<ProtocolException>(() => schema.Read("Transfer", message)).Code);
        message["amount"] = "-1";
        Assert.Equal(ErrorCodes.InvalidField, Assert.Throws<ProtocolException>(() => schema.Read("Transfer", message)).Code);
        message["amount"] = "1.5";
        Assert.Equal(ErrorCodes.InvalidField, Assert.Throws<ProtocolException>(() => schema.Read("Transfer", message)).Code);
        message["amount"] = "0x10";
        Assert.Equal(new BigInteger(16), (BigInteger)schema.Read("Transfer", message)["amount"]);
    }
}
