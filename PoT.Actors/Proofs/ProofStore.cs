using Newtonsoft.Json;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>
/// Proof bundles kept off the journal, content-addressed: <c>{directory}/{hash}.json</c>, where the hash is the one a
/// <c>SubmitTrainingProof</c> names. A file is written to a temporary name and moved into place, so a reader never
/// sees half a proof; reading re-derives the hash, so a file changed on disk is refused rather than believed.
/// </summary>
public sealed class ProofStore(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>Stores a bundle (idempotent: the same proof twice is one file) and returns its hash.</summary>
    public HexBytes Put(IProofBundle bundle)
    {
        var hash = bundle.Hash();
        var path = PathOf(hash);
        if (File.Exists(path)) return hash;
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, bundle.ToBundle().ToString(Formatting.None));
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another writer stored the same proof first: same hash, same content.
            File.Delete(temporary);
        }
        return hash;
    }

    public bool Contains(HexBytes hash) => hash.Length == 32 && File.Exists(PathOf(hash));

    /// <summary>The bundle stored under <paramref name="hash"/>, or null if there is none.</summary>
    public IProofBundle? Find(HexBytes hash)
    {
        var path = PathOf(hash);
        if (!File.Exists(path)) return null;
        var bundle = ProofBundle.Parse(File.ReadAllText(path));
        return bundle.Hash() == hash ? bundle : throw new InvalidDataException($"{path} no longer hashes to {hash}: the file was changed");
    }

    private string PathOf(HexBytes hash) =>
        hash.Length == 32 ? Path.Combine(Directory, $"{hash}.json") : throw new ArgumentException($"{hash} is not a 32-byte proof hash");
}
