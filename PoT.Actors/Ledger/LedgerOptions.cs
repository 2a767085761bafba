using Akka.Configuration;

namespace PoT.Ledger;

/// <summary>Ledger parameters (hocon/pot.conf, pot.ledger), with the two charges the account takes for other contexts'
/// actions: the registration fee of an agent (pot.registry.registration-fee, burned) and the bond of a proof
/// submission (pot.consensus.proof-bond, held until the round's verdict).</summary>
public sealed record LedgerOptions(TimeSpan UnbondingPeriod, int ReceiptWindow, int SnapshotEvery, UInt128 RegistrationFee = default,
    UInt128 ProofBond = default)
{
    public static LedgerOptions FromConfig(Config pot) => new(
        pot.GetTimeSpan("ledger.unbonding-period"),
        pot.GetInt("ledger.receipt-window"),
        pot.GetInt("ledger.snapshot-every"),
        Amount(pot, "registry.registration-fee"),
        Amount(pot, "consensus.proof-bond"));

    private static UInt128 Amount(Config pot, string key) =>
        UInt128.TryParse(pot.GetString(key), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new ConfigurationException($"pot.{key} must be an amount of base units (a decimal string)");
}
