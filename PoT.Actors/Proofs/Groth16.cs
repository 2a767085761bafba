using System.Collections.Immutable;
using System.Numerics;
using Nethereum.Signer.Crypto;
using Newtonsoft.Json.Linq;
using Fp2Element = Nethereum.Signer.Crypto.BN128.Fp2;
using Twist = Nethereum.Signer.Crypto.BN128;

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
/// Groth16 verification in pure C#, on Nethereum's BN254 (alt_bn128) arithmetic in the EVM precompile formats
/// (ecAdd, ecMul, ecPairing). Checks: e(−A, B) · e(α, β) · e(vk_x, γ) · e(C, δ) = 1 with
/// vk_x = IC₀ + Σ publicᵢ · ICᵢ₊₁. Every point is checked to be on its curve (and G2 in its subgroup) first, and every
/// public input to be a field element, so malformed proofs are refused with a reason instead of an exception.
/// </summary>
public static class Groth16
{
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
        try
        {
            var vkX = vk.IC[0];
            for (var i = 0; i < publicSignals.Count; i++) vkX = Bn254.Add(vkX, Bn254.Multiply(vk.IC[i + 1], publicSignals[i]));
            var valid = Bn254.PairingProductIsOne(
                [(Bn254.Negate(proof.A), proof.B), (vk.Alpha, vk.Beta), (vkX, vk.Gamma), (proof.C, vk.Delta)]);
            return valid ? Groth16Result.Ok : Groth16Result.Invalid("the pairing equation does not hold");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            return Groth16Result.Invalid($"the curve arithmetic refused the proof: {e.Message}");
        }
    }
}

/// <summary>BN254 through Nethereum's precompile-format functions: 32-byte big-endian words, G2 imaginary part first.</summary>
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

    public static bool OnCurve(G1Point p) =>
        p.X >= 0 && p.X < FieldModulus && p.Y >= 0 && p.Y < FieldModulus
        && (p.X.IsZero && p.Y.IsZero || BigInteger.ModPow(p.Y, 2, FieldModulus) == (BigInteger.ModPow(p.X, 3, FieldModulus) + 3) % FieldModulus);

    public static bool OnTwistInSubgroup(G2Point p)
    {
        if (new[] { p.XReal, p.XImaginary, p.YReal, p.YImaginary }.Any(c => c < 0 || c >= FieldModulus)) return false;
        try
        {
            var (x, y) = (Fp2(p.XReal, p.XImaginary), Fp2(p.YReal, p.YImaginary));
            return OnTwist(x, y) && Twist.TwistPoint.FromAffine(x, y).IsInCorrectSubgroup();
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
        var rhs = new Fp2Element().Add(x3, Twist.BN128Constants.TwistB);
        return y2.Equals(rhs);
    }

    public static G1Point Add(G1Point a, G1Point b) => ReadG1(BN128Curve.Add([.. Word(a.X), .. Word(a.Y), .. Word(b.X), .. Word(b.Y)]));

    public static G1Point Multiply(G1Point p, BigInteger scalar) => ReadG1(BN128Curve.Mul([.. Word(p.X), .. Word(p.Y), .. Word(scalar)]));

    public static G1Point Negate(G1Point p) => p.Y.IsZero ? p : p with { Y = FieldModulus - p.Y };

    /// <summary>The ecPairing precompile: true iff the product of the pairings is one.</summary>
    public static bool PairingProductIsOne(IEnumerable<(G1Point G1, G2Point G2)> pairs)
    {
        var input = new List<byte>();
        foreach (var (g1, g2) in pairs)
            input.AddRange([.. Word(g1.X), .. Word(g1.Y), .. Word(g2.XImaginary), .. Word(g2.XReal), .. Word(g2.YImaginary), .. Word(g2.YReal)]);
        var output = BN128Curve.Pairing([.. input]);
        return output.Length == 32 && output[31] == 1 && output[..31].All(b => b == 0);
    }

    private static G1Point ReadG1(byte[] output) =>
        new(new BigInteger(output.AsSpan(0, 32), isUnsigned: true, isBigEndian: true), new BigInteger(output.AsSpan(32, 32), isUnsigned: true, isBigEndian: true));

    private static byte[] Word(BigInteger value)
    {
        var word = new byte[32];
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(word, 32 - bytes.Length);
        return word;
    }

    /// <summary>Nethereum's Fp2(a, b) is a·i + b (go-ethereum's layout): imaginary part first.</summary>
    private static Fp2Element Fp2(BigInteger real, BigInteger imaginary) => new(Bc(imaginary), Bc(real));

    private static Org.BouncyCastle.Math.BigInteger Bc(BigInteger value) => new(value.ToString());
}
