namespace PoT.Proofs;

public enum ModelKind
{
    Softmax,
    Mlp
}

/// <summary>
/// The architecture of a small classifier and the layout of its parameters in one vector (what checkpoints hold):
/// softmax regression = W (classes×features), b (classes); MLP = W1 (hidden×features), b1 (hidden), W2 (classes×hidden),
/// b2 (classes), ReLU between.
/// </summary>
public sealed record ModelSpec(ModelKind Kind, int Features, int Hidden, int Classes)
{
    public int ParameterCount => Kind == ModelKind.Softmax
        ? Classes * Features + Classes
        : Hidden * Features + Hidden + Classes * Hidden + Classes;

    public static ModelSpec Softmax(int features, int classes) => new(ModelKind.Softmax, features, 0, classes);

    public static ModelSpec Mlp(int features, int hidden, int classes) => new(ModelKind.Mlp, features, hidden, classes);
}

/// <summary>
/// Forward pass, gradient and SGD step, written as plain sequential loops over doubles: no SIMD, no parallel sums,
/// no fused multiply-add, so that the same inputs give bit-identical outputs on one machine and runtime (the
/// determinism envelope a proof declares). Re-execution by a verifier relies on it.
/// </summary>
public static class Model
{
    /// <summary>Initial parameters from a seed: small Gaussian weights (He-scaled for the MLP's layers), zero biases.</summary>
    public static double[] Initialize(ModelSpec spec, ulong seed)
    {
        var random = new SplitMix64(seed);
        var p = new double[spec.ParameterCount];
        if (spec.Kind == ModelKind.Softmax)
        {
            for (var i = 0; i < spec.Classes * spec.Features; i++) p[i] = 0.01 * random.NextGaussian();
            return p;
        }
        var w1 = spec.Hidden * spec.Features;
        for (var i = 0; i < w1; i++) p[i] = Math.Sqrt(2.0 / spec.Features) * random.NextGaussian();
        var w2Start = w1 + spec.Hidden;
        for (var i = 0; i < spec.Classes * spec.Hidden; i++) p[w2Start + i] = Math.Sqrt(2.0 / spec.Hidden) * random.NextGaussian();
        return p;
    }

    /// <summary>Class probabilities for one example (and the hidden activations of an MLP, for the backward pass).</summary>
    public static double[] Probabilities(ModelSpec spec, double[] p, IReadOnlyList<double> x, double[]? hidden = null)
    {
        var logits = new double[spec.Classes];
        if (spec.Kind == ModelKind.Softmax)
        {
            var bias = spec.Classes * spec.Features;
            for (var c = 0; c < spec.Classes; c++)
            {
                var z = p[bias + c];
                for (var f = 0; f < spec.Features; f++) z += p[c * spec.Features + f] * x[f];
                logits[c] = z;
            }
        }
        else
        {
            hidden ??= new double[spec.Hidden];
            var b1 = spec.Hidden * spec.Features;
            for (var h = 0; h < spec.Hidden; h++)
            {
                var z = p[b1 + h];
                for (var f = 0; f < spec.Features; f++) z += p[h * spec.Features + f] * x[f];
                hidden[h] = z > 0 ? z : 0;
            }
            var w2 = b1 + spec.Hidden;
            var b2 = w2 + spec.Classes * spec.Hidden;
            for (var c = 0; c < spec.Classes; c++)
            {
                var z = p[b2 + c];
                for (var h = 0; h < spec.Hidden; h++) z += p[w2 + c * spec.Hidden + h] * hidden[h];
                logits[c] = z;
            }
        }
        var max = logits.Max();
        var sum = 0.0;
        for (var c = 0; c < logits.Length; c++) sum += logits[c] = Math.Exp(logits[c] - max);
        for (var c = 0; c < logits.Length; c++) logits[c] /= sum;
        return logits;
    }

    /// <summary>One SGD step on a batch (mean cross-entropy), in place: p ← p − lr · ∇.</summary>
    public static void Step(ModelSpec spec, double[] p, IReadOnlyList<Example> batch, double learningRate)
    {
        var grad = new double[p.Length];
        var hidden = new double[Math.Max(spec.Hidden, 1)];
        var delta = new double[spec.Classes];
        foreach (var example in batch)
        {
            var x = example.Features;
            var probabilities = Probabilities(spec, p, x, hidden);
            for (var c = 0; c < spec.Classes; c++) delta[c] = probabilities[c] - (c == example.Label ? 1 : 0);
            if (spec.Kind == ModelKind.Softmax)
            {
                var bias = spec.Classes * spec.Features;
                for (var c = 0; c < spec.Classes; c++)
                {
                    for (var f = 0; f < spec.Features; f++) grad[c * spec.Features + f] += delta[c] * x[f];
                    grad[bias + c] += delta[c];
                }
                continue;
            }
            var b1 = spec.Hidden * spec.Features;
            var w2 = b1 + spec.Hidden;
            var b2 = w2 + spec.Classes * spec.Hidden;
            for (var c = 0; c < spec.Classes; c++)
            {
                for (var h = 0; h < spec.Hidden; h++) grad[w2 + c * spec.Hidden + h] += delta[c] * hidden[h];
                grad[b2 + c] += delta[c];
            }
            for (var h = 0; h < spec.Hidden; h++)
            {
                if (hidden[h] <= 0) continue;
                var back = 0.0;
                for (var c = 0; c < spec.Classes; c++) back += p[w2 + c * spec.Hidden + h] * delta[c];
                for (var f = 0; f < spec.Features; f++) grad[h * spec.Features + f] += back * x[f];
                grad[b1 + h] += back;
            }
        }
        var scale = learningRate / batch.Count;
        for (var i = 0; i < p.Length; i++) p[i] -= scale * grad[i];
    }

    public static int Predict(ModelSpec spec, double[] p, IReadOnlyList<double> x)
    {
        var probabilities = Probabilities(spec, p, x);
        var best = 0;
        for (var c = 1; c < probabilities.Length; c++) if (probabilities[c] > probabilities[best]) best = c;
        return best;
    }

    /// <summary>Accuracy in millionths, on any labelled set.</summary>
    public static uint Accuracy(ModelSpec spec, double[] p, IReadOnlyList<Example> examples) =>
        examples.Count == 0 ? 0 : (uint)((long)examples.Count(e => Predict(spec, p, e.Features) == e.Label) * 1_000_000 / examples.Count);
}
