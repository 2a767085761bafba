using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Newtonsoft.Json.Linq;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Bench;

/// <summary>BenchmarkDotNet micro benchmarks of the steps every signed command takes.</summary>
public static class MicroBench
{
    public static int Run(string[] args)
    {
        BenchmarkSwitcher.FromTypes([typeof(CommandPathBenchmarks)]).Run(args);
        return 0;
    }
}

[MemoryDiagnoser]
public class CommandPathBenchmarks
{
    private readonly CommandVerifier _verifier = new(CommandCatalog.Pot, new Eip712Domain("PoT", "1", 31337, Address.Zero));
    private JObject _wire = null!;
    private byte[] _digest = null!;
    private byte[] _signature = null!;
    private TransferSent _event = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var key = EthKey.FromSeed("micro");
        var signed = _verifier.Sign(new Transfer(key.Address, Address.Zero, 5, 7), key);
        _wire = CommandVerifier.WireEnvelope(signed.Envelope);
        _digest = Convert.FromHexString(signed.Envelope.Digest[2..]);
        _signature = EthSignature.Parse(signed.Envelope.Signature);
        _event = new TransferSent(Address.Zero, 5) { Meta = new EventMeta(HashChain.Genesis, DateTimeOffset.UnixEpoch, signed.Envelope) };
    }

    [Benchmark(Description = "EIP-712 digest of a Transfer")]
    public byte[] Digest() => _verifier.Digest("Transfer", (JObject)_wire["message"]!);

    [Benchmark(Description = "secp256k1 recovery")]
    public Address Recover() => EthSignature.Recover(_digest, _signature);

    [Benchmark(Description = "whole verification (schema, digest, recovery)")]
    public Signed Verify() => _verifier.Verify(_wire);

    [Benchmark(Description = "event serialization + hash-chain link")]
    public string SealEvent() => HashChain.HashOf(_event);
}
