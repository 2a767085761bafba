using PoT.Persistence;
using PoT.Protocol;
using Xunit;

namespace PoT.Specs.Protocol;

/// <summary>The schema in contracts/ is the one source: the C# records must match it member by member.</summary>
public sealed class CommandCatalogSpecs
{
    [Eip712Type("Transfer"), Manifest("spec-bad-transfer.v1")]
    private sealed record TransferWithWrongTypes(Address Account, string To, ulong Amount, ulong Nonce) : ISignedCommand;

    [Eip712Type("NotInSchema"), Manifest("spec-not-in-schema.v1")]
    private sealed record NotInSchema(Address Account, ulong Nonce) : ISignedCommand;

    [Fact]
    public void The_shipped_schema_and_records_agree()
    {
        Assert.Equal(
            TypedDataSchema.Pot.Types.Keys.Where(k => k != TypedDataSchema.DomainType).Order(),
            CommandCatalog.Pot.TypeNames.Order());
    }

    [Fact]
    public void A_record_that_disagrees_with_its_schema_type_is_a_startup_error_naming_each_difference()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new CommandCatalog(TypedDataSchema.Pot, [typeof(TransferWithWrongTypes)]));
        Assert.Contains("to is address in the schema", e.Message);
        Assert.Contains("amount is uint256 in the schema", e.Message);
        Assert.Contains("schema type Withdraw has no C# record", e.Message);
    }

    [Fact]
    public void A_record_naming_a_type_the_schema_lacks_is_reported()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new CommandCatalog(TypedDataSchema.Pot, [typeof(NotInSchema)]));
        Assert.Contains("[Eip712Type(\"NotInSchema\")] is not a type in the schema", e.Message);
    }
}
