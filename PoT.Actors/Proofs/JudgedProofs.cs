using System.Collections.Immutable;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>
/// What a validator judged in earlier rounds, as its duty folds it from the journal (which records bundle hashes only):
/// the bundle of every judged round — a <c>pol-v1</c> log is replayed by resubmitting it — and, among them, the
/// <c>groth16-sgd-v1</c> bundles, whose statements <see cref="ProofChecker"/> reads from the content-addressed store, since a
/// ZK proof is replayed by re-randomising or re-spelling the same statement under a new bundle hash.
/// </summary>
public sealed record JudgedProofs(ImmutableHashSet<HexBytes> Bundles, ImmutableHashSet<HexBytes> ZkBundles)
{
    public static readonly JudgedProofs None = new([], []);

    public JudgedProofs Add(HexBytes bundle, string kind) =>
        new(Bundles.Add(bundle), kind == SgdStepProof.Kind ? ZkBundles.Add(bundle) : ZkBundles);
}
