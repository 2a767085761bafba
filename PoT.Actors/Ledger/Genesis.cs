using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Newtonsoft.Json.Linq;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Ledger;

public sealed record GenesisAllocation(Address Address, UInt128 Amount);

/// <summary>
/// The initial token allocation, read from the file named by pot.genesis.file:
/// <c>{"allocations":[{"address":"0x…","amount":"1000000"}]}</c>. Its hash (keccak256 of the canonical JSON, sorted by
/// address) is recorded when it is minted; a node never mints twice, nor from a different file.
/// </summary>
public sealed record GenesisSpec(ImmutableArray<GenesisAllocation> Allocations)
{
    [Newtonsoft.Json.JsonIgnore]
    public UInt128 Total => Allocations.Aggregate(UInt128.Zero, (sum, a) => checked(sum + a.Amount));

    [Newtonsoft.Json.JsonIgnore]
    public string Hash => Keccak.Hex(Keccak.Hash(Encoding.UTF8.GetBytes(CanonicalJson().ToString(Newtonsoft.Json.Formatting.None))));

    public JObject CanonicalJson() => new()
    {
        ["allocations"] = new JArray(Allocations.OrderBy(a => a.Address).Select(a =>
            new JObject { ["address"] = a.Address.Value, ["amount"] = a.Amount.ToString(CultureInfo.InvariantCulture) }))
    };

    public static GenesisSpec Parse(string json)
    {
        JObject root;
        try
        {
            root = JObject.Parse(json);
        }
        catch (Newtonsoft.Json.JsonException e)
        {
            throw new FormatException($"genesis: not JSON ({e.Message})");
        }
        if (root["allocations"] is not JArray items) throw new FormatException("genesis: needs an \"allocations\" array");
        var allocations = ImmutableArray.CreateBuilder<GenesisAllocation>();
        var seen = new HashSet<Address>();
        foreach (var (item, i) in items.Select((item, i) => (item, i)))
        {
            if (!Address.TryParse((string?)item["address"], out var address, out var error))
                throw new FormatException($"genesis: allocations[{i}].address: {error}");
            if (!UInt128.TryParse((string?)item["amount"], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount == UInt128.Zero)
                throw new FormatException($"genesis: allocations[{i}].amount: a positive integer of base units, as a decimal string");
            if (!seen.Add(address.Value)) throw new FormatException($"genesis: {address} is allocated twice");
            allocations.Add(new GenesisAllocation(address.Value, amount));
        }
        var spec = new GenesisSpec(allocations.ToImmutable());
        try
        {
            _ = spec.Total;
        }
        catch (OverflowException)
        {
            throw new FormatException("genesis: the total supply exceeds 2^128-1 base units");
        }
        return spec;
    }

    public static GenesisSpec Load(string path) => Parse(File.ReadAllText(path));
}

/// <summary>The genesis allocation was recorded; the outbox relay mints each account's share.</summary>
[Manifest("genesis-allocated.v1")]
public sealed record GenesisAllocated(string Hash, ImmutableArray<GenesisAllocation> Allocations, UInt128 Total)
    : PotEvent, ILedgerEvent, IOutboxEvent
{
    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source) =>
        Allocations.Select(a => new OutboxDelivery(EntityKind.Account, a.Address.Value, new MintGenesis(a.Address, a.Amount, Hash)));
}

[Manifest("apply-genesis.v1")]
public sealed record ApplyGenesis(GenesisSpec Spec) : IPotMessage;

[Manifest("get-genesis.v1")]
public sealed record GetGenesis : IPotMessage
{
    public static readonly GetGenesis Instance = new();
}

/// <summary>The genesis as recorded in the journal (empty before the first genesis file is applied).</summary>
[Manifest("genesis-state.v1")]
public sealed record GenesisState(string? Hash, UInt128 Total, int Accounts) : IPotMessage;

[Manifest("genesis-snapshot.v1")]
public sealed record GenesisSnapshot(GenesisState State, string Head) : IPotMessage;
