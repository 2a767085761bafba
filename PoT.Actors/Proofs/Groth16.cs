using System.Collections.Immutable;
using System.Numerics;
using Nethereum.Signer.Crypto;
using Newtonsoft.Json.Linq;
using System.Runtime.CompilerServices;
using Nethereum.Signer.Crypto.BN128;
using Org.BouncyCastle.Math.EC;
using Fp2Element = Nethereum.Signer.Crypto.BN128.Fp2;

namespace PoT.Proofs;

/// <summary>A point of BN254's G1, affine.</summary>
public sealed record G1Point(BigInteger X, BigInteger Y);

/// <summary>A point of BN254's G2 (over Fp2 = Fp[i]), affine: each coordinate is real + imaginary·i.</summary>
public sealed record G2Point(BigInteger XReal, BigInteger XImaginary, BigInteger YReal, BigInteger YImaginary);

/// <summary>A Groth16 proof as snarkjs writes it (proof.json).</summary>
public sealed record Groth16Proof(G1Point A, G2Point B, G1Point C)
{
    public static Groth16Proof FromSnarkJs(JObject proof) =>
        new(Bn254.ParseG1(proof["pi_a"]!), Bn254.ParseG2(proof["pi_b"]!), Bn254.ParseG1(proof["pi_c"]!));
}

/// <summary>A Groth16 verification key as snarkjs exports it (verification_key.json).</summary>
public sealed record VerificationKey(G1Point Alpha, G2Point Beta, G2Point Gamma, G2Point Delta, ImmutableArray<G1Point> IC)
{
    public int PublicInputs => IC.Length - 1;

    public static VerificationKey FromSnarkJs(JObject vk)
    {
        if ((string?)vk["protocol"] != "groth16" || (string?)vk["curve"] != "bn128")
            throw new FormatException("a Groth16 verification key over bn128 is expected");
        return new VerificationKey(Bn254.ParseG1(vk["vk_alpha_1"]!), Bn254.ParseG2(vk["vk_beta_2"]!), Bn254.ParseG2(vk["vk_gamma_2"]!),
            Bn254.ParseG2(vk["vk_delta_2"]!), [.. ((JArray)vk["IC"]!).Select(Bn254.ParseG1)]);
    }
}

/// <summary>Why a proof did or did not verify.</summary>
public sealed record Groth16Result(bool Valid, string Reason)
{
    public static readonly Groth16Result Ok = new(true, "valid");

    public static Groth16Result Invalid(string reason) => new(false, reason);
}

/// <summary>
/// Groth16 verification in pure C#, on Nethereum's BN254 (alt_bn128) arithmetic: checks
/// e(−A, B) · e(α, β) · e(vk_x, γ) · e(C, δ) = 1 with vk_x = IC₀ + Σ publicᵢ · ICᵢ₊₁, as one product of Miller loops and
/// one final exponentiation. Every proof point is checked to be on its curve (and B in G2's subgroup) first, and every
/// public input to be a field element, so malformed proofs are refused with a reason instead of an exception. A key's
/// points are checked and converted once, the first time it is used (docs/benchmarks.md gives the cost).
/// </summary>
public static class Groth16
{
    private sealed record PreparedKey(ECPoint Alpha, TwistPoint Beta, TwistPoint Gamma, TwistPoint Delta, ECPoint[] IC);

    private static readonly ConditionalWeakTable<VerificationKey, PreparedKey> Prepared = new();

    public static Groth16Result Verify(VerificationKey vk, Groth16Proof proof, IReadOnlyList<BigInteger> publicSignals)
    {
        if (publicSignals.Count != vk.PublicInputs)
            return Groth16Result.Invalid($"{publicSignals.Count} public signals; the key expects {vk.PublicInputs}");
        foreach (var signal in publicSignals)
            if (signal.Sign < 0 || signal >= Bn254.ScalarOrder)
                return Groth16Result.Invalid($"public signal {signal} is not an element of the scalar field");
        foreach (var (name, point) in new[] { ("A", proof.A), ("C", proof.C) })
            if (!Bn254.OnCurve(point)) return Groth16Result.Invalid($"proof point {name} is not on the curve");
        if (!Bn254.OnTwistInSubgroup(proof.B)) return Groth16Result.Invalid("proof point B is not in G2");
        var key = Prepared.GetValue(vk, Prepare);
        var vkX = key.IC[0];
        for (var i = 0; i < publicSignals.Count; i++) vkX = vkX.Add(key.IC[i + 1].Multiply(Bn254.Bc(publicSignals[i])));
        var valid = BN128Pairing.PairingCheck(
            [Bn254.ToG1(proof.A).Negate(), key.Alpha, vkX.Normalize(), Bn254.ToG1(proof.C)],
            [Bn254.ToTwist(proof.B), key.Beta, key.Gamma, key.Delta]);
        return valid ? Groth16Result.Ok : Groth16Result.Invalid("the pairing equation does not hold");
    }

    private static PreparedKey Prepare(VerificationKey vk)
    {
        if (!vk.IC.Append(vk.Alpha).All(Bn254.OnCurve) || !new[] { vk.Beta, vk.Gamma, vk.Delta }.All(Bn254.OnTwistInSubgroup))
            throw new InvalidOperationException("the verification key has points off their curves");
        return new PreparedKey(Bn254.ToG1(vk.Alpha), Bn254.ToTwist(vk.Beta), Bn254.ToTwist(vk.Gamma), Bn254.ToTwist(vk.Delta),
            [.. vk.IC.Select(Bn254.ToG1)]);
    }
}

/// <summary>BN254 points, checks and conversions to Nethereum's types (G2 coordinates there are imaginary part first).</summary>
public static class Bn254
{
    public static readonly BigInteger FieldModulus =
        BigInteger.Parse("21888242871839275222246405745257275088696311157297823662689037894645226208583");

    public static readonly BigInteger ScalarOrder =
        BigInteger.Parse("21888242871839275222246405745257275088548364400416034343698204186575808495617");

    public static G1Point ParseG1(JToken point)
    {
        var p = (JArray)point;
        if ((string?)p[2] != "1") throw new FormatException("G1 points must be affine (z = 1)");
        return new G1Point(BigInteger.Parse((string)p[0]!), BigInteger.Parse((string)p[1]!));
    }

    /// <summary>snarkjs writes each G2 coordinate real part first: [[x_re, x_im], [y_re, y_im], ["1", "0"]].</summary>
    public static G2Point ParseG2(JToken point)
    {
        var p = (JArray)point;
        if ((string?)p[2]![0] != "1" || (string?)p[2]![1] != "0") throw new FormatException("G2 points must be affine (z = 1)");
        return new G2Point(BigInteger.Parse((string)p[0]![0]!), BigInteger.Parse((string)p[0]![1]!),
            BigInteger.Parse((string)p[1]![0]!), BigInteger.Parse((string)p[1]![1]!));
    }

    /// <summary>y² = x³ + 3 over Fp, coordinates reduced; (0, 0) stands for the point at infinity.</summary>
    public static bool OnCurve(G1Point p) =>
        p.X >= 0 && p.X < FieldModulus && p.Y >= 0 && p.Y < FieldModulus
        && (p.X.IsZero && p.Y.IsZero || BigInteger.ModPow(p.Y, 2, FieldModulus) == (BigInteger.ModPow(p.X, 3, FieldModulus) + 3) % FieldModulus);

    public static bool OnTwistInSubgroup(G2Point p)
    {
        if (new[] { p.XReal, p.XImaginary, p.YReal, p.YImaginary }.Any(c => c < 0 || c >= FieldModulus)) return false;
        try
        {
            var (x, y) = (Fp2(p.XReal, p.XImaginary), Fp2(p.YReal, p.YImaginary));
            return OnTwist(x, y) && TwistPoint.FromAffine(x, y).IsInCorrectSubgroup();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>y² = x³ + 3/(9 + i) over Fp2.</summary>
    private static bool OnTwist(Fp2Element x, Fp2Element y)
    {
        var y2 = new Fp2Element().Square(y);
        var x3 = new Fp2Element().Mul(new Fp2Element().Square(x), x);
        var rhs = new Fp2Element().Add(x3, BN128Constants.TwistB);
        return y2.Equals(rhs);
    }

    public static G1Point Negate(G1Point p) => p.Y.IsZero ? p : p with { Y = FieldModulus - p.Y };

    /// <summary>The product of the pairings of <paramref name="pairs"/> is one (the ecPairing precompile's question).</summary>
    public static bool PairingProductIsOne(IEnumerable<(G1Point G1, G2Point G2)> pairs)
    {
        var list = pairs.ToList();
        return BN128Pairing.PairingCheck([.. list.Select(p => ToG1(p.G1))], [.. list.Select(p => ToTwist(p.G2))]);
    }

    public static ECPoint ToG1(G1Point p) => p.X.IsZero && p.Y.IsZero ? BN128Curve.Curve.Infinity : BN128Curve.Curve.CreatePoint(Bc(p.X), Bc(p.Y));

    public static TwistPoint ToTwist(G2Point p) => TwistPoint.FromAffine(Fp2(p.XReal, p.XImaginary), Fp2(p.YReal, p.YImaginary));

    /// <summary>Nethereum's Fp2(a, b) is a·i + b (go-ethereum's layout): imaginary part first.</summary>
    private static Fp2Element Fp2(BigInteger real, BigInteger imaginary) => new(Bc(imaginary), Bc(real));

    public static Org.BouncyCastle.Math.BigInteger Bc(BigInteger value) => new(value.ToString());
}
