using System.Text.RegularExpressions;

namespace PoT.Protocol;

/// <summary>The one rule for ids users choose (agent ids, task ids): 2-64 characters of a-z, 0-9, '.', '_' or '-',
/// starting with a letter or digit — safe in URLs, persistence ids and HTTP headers.</summary>
public static partial class Identifiers
{
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,63}$")]
    private static partial Regex Pattern();

    /// <summary>Null when <paramref name="value"/> is a well-formed id, else what is wrong, naming <paramref name="field"/>.</summary>
    public static string? Problem(string field, string value) =>
        Pattern().IsMatch(value) ? null : $"{field}: 2-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit";
}
