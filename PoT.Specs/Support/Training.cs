using PoT.Proofs;
using PoT.Protocol;

namespace PoT.Specs.Support;

/// <summary>Small, fast, honest training runs for specs, on the node's default task (hocon/pot.conf, blobs-8x3).</summary>
public static class Training
{
    public static readonly TrainingTask Task = new("blobs-8x3", 8003, 8, 3, 1.5, 2.0, 300, null, new TrainingRequirements(100, 500_000));

    /// <summary>An honest run of 10 steps per epoch: the default 10 epochs meet the task's 100-step minimum.</summary>
    public static TrainingRecord Honest(Address provider, string agentId = "agent-1", int epochs = 10) =>
        Prover.Train(Task.TrainingSet(1, 160), new TrainingPlan(ModelSpec.Mlp(8, 6, 3), 0.1, 16, epochs, 4, HexBytes.From([3])), provider, agentId,
            Task.Name, "spec model");
}
