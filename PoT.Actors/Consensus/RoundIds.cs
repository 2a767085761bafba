using System.Text.RegularExpressions;

namespace PoT.Consensus;

/// <summary>Round ids are "{agentId}.{n}@{network}": the n-th validation round of that agent on the network whose tag
/// follows the '@' (<see cref="PoT.Protocol.NetworkIdentity"/>). Clients may name a round without its tag
/// ("summarizer-1.1"); the node and `pot` complete it with the node's own.</summary>
public static partial class RoundIds
{
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,63}\\.[1-9][0-9]{0,8}@[0-9a-f]{12}$")]
    private static partial Regex Pattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,63}\\.[1-9][0-9]{0,8}$")]
    private static partial Regex Untagged();

    public static string Of(string agentId, int n, string networkTag) => $"{agentId}.{n}@{networkTag}";

    public static string? Problem(string roundId) =>
        Pattern().IsMatch(roundId) ? null : "roundId: \"{agentId}.{n}@{network}\", e.g. \"summarizer-1.1@0123456789ab\" (GET /health: networkTag)";

    /// <summary>A round id as a client wrote it, completed with <paramref name="networkTag"/> when it has none.</summary>
    public static string Complete(string roundId, string? networkTag) =>
        networkTag is not null && Untagged().IsMatch(roundId) ? $"{roundId}@{networkTag}" : roundId;
}
