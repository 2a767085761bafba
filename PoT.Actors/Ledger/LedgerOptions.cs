using Akka.Configuration;

namespace PoT.Ledger;

/// <summary>Ledger parameters (hocon/pot.conf, pot.ledger).</summary>
public sealed record LedgerOptions(TimeSpan UnbondingPeriod, int ReceiptWindow, int SnapshotEvery)
{
    public static LedgerOptions FromConfig(Config pot) => new(
        pot.GetTimeSpan("ledger.unbonding-period"),
        pot.GetInt("ledger.receipt-window"),
        pot.GetInt("ledger.snapshot-every"));
}
