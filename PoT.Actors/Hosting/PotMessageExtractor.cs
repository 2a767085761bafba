using Akka.Cluster.Sharding;

namespace PoT.Hosting;

/// <summary>Every message to an entity travels in a <see cref="ShardingEnvelope"/> (the address or agent id is the
/// entity id), which the base extractor unwraps itself; anything else is not routable.</summary>
public sealed class PotMessageExtractor(int numberOfShards) : HashCodeMessageExtractor(numberOfShards)
{
    public override string? EntityId(object message) => null;
}

/// <summary>Keys of the actors the node registers in Akka.Hosting's ActorRegistry.</summary>
public sealed class AccountRegion;

public sealed class AgentRegion;

public sealed class RoundRegion;

public sealed class ValidatorSetRegion;

public sealed class EmissionRegion;

public sealed class GenesisSingleton;

public sealed class OutboxRelaySingleton;

public sealed class AgentDirectoryActor;

public sealed class ProofVerifierPool;

public sealed class ReputationProjectionActor;

public sealed class TaskRegion;

public sealed class AgentIndexActor;
