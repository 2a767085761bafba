namespace PoT.Protocol;

/// <summary>A client's input broke a protocol rule. Carries a stable error code (see <see cref="ErrorCodes"/>).</summary>
public sealed class ProtocolException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
