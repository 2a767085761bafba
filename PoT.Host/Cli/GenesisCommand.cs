using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using PoT.Ledger;
using PoT.Protocol;

namespace PoT.Host.Cli;

/// <summary>`pot genesis`: writes a development genesis file.</summary>
public static class GenesisCommand
{
    public static Command Create()
    {
        var allocations = new Argument<string[]>("allocations")
        {
            Description = "ADDRESS or ADDRESS=AMOUNT (base units), one per account",
            Arity = ArgumentArity.OneOrMore
        };
        var amount = new Option<string>("--amount") { Description = "Amount for allocations given without =AMOUNT", DefaultValueFactory = _ => "1000000000" };
        var output = new Option<string>("--out", "-o") { Description = "File to write", DefaultValueFactory = _ => "data/genesis.json" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file" };
        var command = new Command("genesis", "Write a genesis file allocating tokens to the given addresses") { allocations, amount, output, force };
        command.SetAction(parse => Cli.Run(() =>
        {
            var spec = new GenesisSpec([.. parse.GetValue(allocations)!.Select(a => Allocation(a, parse.GetValue(amount)!))]);
            var json = spec.CanonicalJson().ToString();
            _ = GenesisSpec.Parse(json); // the node's own validation: duplicates, zero amounts, overflow
            var path = parse.GetValue(output)!;
            if (File.Exists(path) && !parse.GetValue(force)) throw new IOException($"{path} exists (use --force to overwrite)");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, json + Environment.NewLine);
            Console.WriteLine($"{path}: {spec.Allocations.Length} accounts, supply {spec.Total}, genesis {spec.Hash}");
        }));
        return command;
    }

    private static GenesisAllocation Allocation(string text, string defaultAmount)
    {
        var parts = text.Split('=', 2);
        var amountText = parts.Length == 2 ? parts[1] : defaultAmount;
        if (!UInt128.TryParse(amountText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value == UInt128.Zero)
            throw new FormatException($"'{text}': the amount must be a positive integer of base units");
        return new GenesisAllocation(Address.Parse(parts[0]), value);
    }
}
