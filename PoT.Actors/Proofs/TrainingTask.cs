using System.Text;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>
/// A learning task validators know how to test: either a seeded distribution (Gaussian blobs) from which every
/// validator draws its own held-out challenge set, or a held-out CSV file the validator keeps to itself. A proof names
/// its task; a validator that does not know it cannot score the model and refuses the proof (unknown-task). The task's
/// <paramref name="Requirements"/> are the least training and accuracy a listed model must show.
/// </summary>
public sealed record TrainingTask(string Name, ulong Seed, int Features, int Classes, double Noise, double Spread, int ChallengeRows, string? ChallengeCsv,
    TrainingRequirements Requirements)
{
    /// <summary>The provider's training data for this task (blobs only): the same distribution as the challenge sets,
    /// a different sample.</summary>
    public Dataset TrainingSet(ulong sampleSeed, int rows) => Dataset.Blobs(Seed, sampleSeed, rows, Features, Classes, Noise, Spread);

    /// <summary>The validator's challenge set for one round: drawn from keccak(validator ‖ round seed), so no two
    /// validators test on the same rows and no provider knows them before the round opens.</summary>
    public IReadOnlyList<Example> ChallengeSet(Address validator, HexBytes roundSeed)
    {
        if (ChallengeCsv is not null) return Dataset.FromCsv(ChallengeCsv).Rows;
        var sample = SplitMix64.SeedFrom(Keccak.Hash(Encoding.UTF8.GetBytes("pot/pol/challenge"), validator.ToBytes(), roundSeed.ToBytes()));
        return Dataset.Blobs(Seed, sample, ChallengeRows, Features, Classes, Noise, Spread).Rows;
    }
}
