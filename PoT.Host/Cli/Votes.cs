using System.Globalization;
using Newtonsoft.Json.Linq;
using PoT.Consensus;
using PoT.Protocol;

namespace PoT.Host.Cli;

/// <summary>
/// Commit–reveal on the command line. `commit` draws a random salt and keeps verdict, score and salt in a file per
/// round and validator before it sends anything, so `reveal` is one command and a crash cannot lose the salt. It
/// refuses to commit a different vote where one is kept: a second, different commit is equivocation, and slashed.
/// </summary>
public static class Votes
{
    public static CommitVote Commit(Address validator, string roundId, string verdictText, string scoreText, string saltDir)
    {
        var verdict = verdictText.ToLowerInvariant() switch
        {
            "approve" => Verdict.Approve,
            "reject" => Verdict.Reject,
            _ => throw new ArgumentException("--verdict: approve or reject")
        };
        var score = Score(scoreText);
        var file = SaltFile(saltDir, roundId, validator);
        HexBytes salt;
        if (File.Exists(file))
        {
            var kept = JObject.Parse(File.ReadAllText(file));
            if ((string?)kept["verdict"] != verdict.ToString() || (uint)kept["score"]! != score)
                throw new InvalidOperationException(
                    $"you already committed {kept["verdict"]} / {kept["score"]} in round {roundId} ({file}); a different commit is equivocation and is slashed");
            salt = HexBytes.Parse((string)kept["salt"]!);
        }
        else
        {
            salt = VoteCommitment.NewSalt();
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, new JObject
            {
                ["round"] = roundId,
                ["validator"] = validator.Value,
                ["verdict"] = verdict.ToString(),
                ["score"] = score,
                ["salt"] = salt.Value
            }.ToString());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return new CommitVote(validator, roundId, VoteCommitment.Of(verdict, score, salt, validator));
    }

    public static RevealVote Reveal(Address validator, string roundId, string saltDir)
    {
        var file = SaltFile(saltDir, roundId, validator);
        if (!File.Exists(file)) throw new FileNotFoundException($"no committed vote kept for round {roundId} at {file}");
        var kept = JObject.Parse(File.ReadAllText(file));
        return new RevealVote(validator, roundId, (byte)Enum.Parse<Verdict>((string)kept["verdict"]!), (uint)kept["score"]!,
            HexBytes.Parse((string)kept["salt"]!));
    }

    public static ReportEquivocation Report(Address reporter, string roundId, Address validator, FileInfo first, FileInfo second)
    {
        // Either a bare envelope {type, message, signature} or the output of `pot send … --dry-run` ({envelope: …}).
        static JObject Envelope(FileInfo file)
        {
            var root = JObject.Parse(File.ReadAllText(file.FullName));
            return root["envelope"] as JObject ?? root;
        }
        var a = Envelope(first);
        var b = Envelope(second);
        var type = (string?)a["type"] ?? throw new FormatException($"{first.Name}: not a signed envelope (no type)");
        if ((string?)b["type"] != type) throw new FormatException("the two votes must be of the same type");
        return new ReportEquivocation(reporter, roundId, validator, type,
            a["message"]!.ToString(Newtonsoft.Json.Formatting.None), HexBytes.Parse((string)a["signature"]!),
            b["message"]!.ToString(Newtonsoft.Json.Formatting.None), HexBytes.Parse((string)b["signature"]!));
    }

    /// <summary>"0.93" → 930000 millionths.</summary>
    public static uint Score(string text)
    {
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < 0 || value > 1
            || decimal.Round(value, 6) != value)
            throw new FormatException("--score: a number from 0 to 1 with at most 6 decimals");
        return (uint)(value * Basis.Million);
    }

    private static string SaltFile(string dir, string roundId, Address validator) => Path.Combine(dir, $"{roundId}.{validator.Value}.json");
}
