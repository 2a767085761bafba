using System.Collections.Concurrent;
using Newtonsoft.Json.Linq;
using PoT.Protocol;

namespace PoT.Audit;

/// <summary>
/// Verifies recorded envelopes, each signature once while it is recent: the events of one decision carry the same
/// envelope, and they sit next to each other in the journal. Bounded (two generations of up to `generation`
/// entries) so that a long journal does not keep every command it ever saw. A hit is only taken when the whole
/// envelope is the same — a forged row that reuses a genuine digest and signature over another message is verified
/// on its own. Safe on any thread; a race only costs a second verification.
/// </summary>
public sealed class VerifiedEnvelopes(CommandVerifier verifier, int generation = 8192)
{

    private sealed record Entry(SignedEnvelope Envelope, ISignedMessage? Command, string? Error);

    private ConcurrentDictionary<string, Entry> _recent = new(), _older = new();
    private int _recentCount;
    private long _verified;

    /// <summary>Signatures actually recovered.</summary>
    public long Verified => Interlocked.Read(ref _verified);

    public (ISignedMessage? Command, string? Error) Check(SignedEnvelope envelope)
    {
        var key = envelope.Signature + envelope.Digest;
        if ((_recent.TryGetValue(key, out var hit) || _older.TryGetValue(key, out hit)) && Same(hit.Envelope, envelope))
            return (hit.Command, hit.Error);
        var (command, error) = Verify(envelope);
        Interlocked.Increment(ref _verified);
        if (_recent.TryAdd(key, new Entry(envelope, command, error)) && Interlocked.Increment(ref _recentCount) >= generation)
        {
            // Whichever thread crosses the bound ages the generations; entries lost to a concurrent swap are re-verified.
            _older = _recent;
            _recent = new ConcurrentDictionary<string, Entry>();
            Interlocked.Exchange(ref _recentCount, 0);
        }
        return (command, error);
    }

    private static bool Same(SignedEnvelope a, SignedEnvelope b) =>
        a.Type == b.Type && a.Signer == b.Signer && JToken.DeepEquals(a.Message, b.Message);

    private (ISignedMessage?, string?) Verify(SignedEnvelope envelope)
    {
        try
        {
            var (command, digest, signer) = verifier.Check(envelope.Type, envelope.Message, envelope.Signature);
            var hex = Keccak.Hex(digest);
            if (hex != envelope.Digest) return (null, $"the message hashes to {hex}, the envelope says {envelope.Digest}");
            if (signer != envelope.Signer) return (null, $"the signature recovers {signer}, the envelope says {envelope.Signer}");
            return (command, null);
        }
        catch (ProtocolException x)
        {
            return (null, $"{x.Code}: {x.Message}");
        }
    }
}
