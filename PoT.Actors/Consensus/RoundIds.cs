using System.Text.RegularExpressions;

namespace PoT.Consensus;

/// <summary>Round ids are "{agentId}.{n}": the n-th validation round of that agent.</summary>
public static partial class RoundIds
{
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,63}\\.[1-9][0-9]{0,8}$")]
    private static partial Regex Pattern();

    public static string? Problem(string roundId) =>
        Pattern().IsMatch(roundId) ? null : "roundId: \"{agentId}.{n}\", e.g. \"summarizer-1.1\"";
}
