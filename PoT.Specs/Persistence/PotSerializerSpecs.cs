using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using PoT.Persistence;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Persistence;

/// <summary>Everything PoT persists is JSON under a stable manifest, survives a round trip byte for byte (the hash
/// chain depends on it), and never carries a .NET type name.</summary>
public sealed class PotSerializerSpecs : Akka.TestKit.Xunit2.TestKit
{
    public PotSerializerSpecs() : base(PoT.Hosting.PotConfig.Embedded("pot.conf").WithFallback(ConfigurationFactory.ParseString("akka.actor.provider = local")))
    {
    }

    [Fact]
    public void Every_persisted_type_has_a_sample_here()
    {
        var sampled = Samples.All().Select(s => s.GetType()).ToHashSet();
        var missing = PotSerializer.Manifests.Keys.Where(t => !sampled.Contains(t)).Select(t => t.Name).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_sample_round_trips_to_identical_bytes_through_the_bound_serializer()
    {
        foreach (var sample in Samples.All())
        {
            var serializer = Sys.Serialization.FindSerializerFor(sample);
            Assert.IsType<PotSerializer>(serializer);
            var manifest = Serialization.ManifestFor(serializer, sample);
            var bytes = serializer.ToBinary(sample);
            var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
            Assert.Equal(sample.GetType(), back.GetType());
            Assert.Equal(System.Text.Encoding.UTF8.GetString(bytes), System.Text.Encoding.UTF8.GetString(serializer.ToBinary(back)));
        }
    }

    [Fact]
    public void Manifests_are_versioned_kebab_case_and_json_has_no_type_names()
    {
        foreach (var (type, manifest) in PotSerializer.Manifests)
            Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*\\.v[0-9]+$", manifest);
        foreach (var sample in Samples.All())
        {
            var json = PotJson.Serialize(sample);
            Assert.DoesNotContain("$type", json);
            Assert.DoesNotContain("PoT.", json);
        }
    }

    [Fact]
    public void Amounts_are_decimal_strings_and_addresses_checksummed()
    {
        var json = PotJson.Serialize(new PoT.Ledger.TransferSent(Keys.Bob.Address, UInt128.MaxValue));
        Assert.Contains($"\"to\":\"{Keys.Bob.Address.Value}\"", json);
        Assert.Contains("\"amount\":\"340282366920938463463374607431768211455\"", json);
    }

    [Theory]
    [InlineData("agent-call-recorded.v1", """{"taskId":"t","user":"0x0000000000000000000000000000000000000001","success":true,"latencyMs":5,"stamp":{"ordering":3,"index":0},"meta":{"prev":"","at":"2026-01-01T00:00:00+00:00"}}""")]
    [InlineData("stake-slashed.v1", """{"agentId":"a1","amount":"5","burned":"5","payouts":[],"reason":"r","stamp":{"ordering":3,"index":0},"meta":{"prev":"","at":"2026-01-01T00:00:00+00:00"}}""")]
    [InlineData("sla-breached.v1", """{"window":1,"calls":2,"successes":0,"successRateBps":0,"p95LatencyMs":0,"reason":"r","provider":"0x0000000000000000000000000000000000000001","compensationBps":500,"affected":[],"meta":{"prev":"","at":"2026-01-01T00:00:00+00:00"}}""")]
    public void Events_written_before_the_market_fields_existed_still_read_with_their_defaults(string manifest, string json)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(PoT.Ledger.TransferSent));
        var e = serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(json), manifest);
        switch (e)
        {
            case PoT.Orchestration.AgentCallRecorded c:
                Assert.Equal(UInt128.Zero, c.Paid);
                break;
            case PoT.Ledger.StakeSlashed x:
                Assert.Equal((UInt128.Zero, (UInt128)5), (x.FromUnbonding, x.FromStake));
                break;
            case PoT.Orchestration.SlaBreached b:
                Assert.True(b.Caps.IsEmpty);   // uncapped: as the node that wrote it decided
                break;
            default:
                Assert.Fail(e.GetType().Name);
                break;
        }
    }

    [Fact]
    public void An_unknown_manifest_is_an_error_not_a_guess()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(PoT.Ledger.TransferSent));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "transfer-sent.v999"));
    }
}
