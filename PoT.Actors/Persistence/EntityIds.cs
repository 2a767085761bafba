namespace PoT.Persistence;

/// <summary>The kinds of sharded entity; each has its own region and persistence-id prefix.</summary>
public enum EntityKind
{
    Account,
    Agent,
    Round,
    ValidatorSet,
    Task,
    Emission
}

/// <summary>The emission schedule is one sharded entity, like the validator set.</summary>
public static class EmissionIds
{
    public const string EntityId = "schedule";
}

/// <summary>The validator set is one sharded entity (a singleton that sharding places and moves).</summary>
public static class ValidatorSetIds
{
    public const string EntityId = "validators";
}

public static class EntityIds
{
    public static string PersistenceId(EntityKind kind, string entityId) => $"{Prefix(kind)}-{entityId}";

    public static string Prefix(EntityKind kind) => kind switch
    {
        EntityKind.Account => "account",
        EntityKind.Agent => "agent",
        EntityKind.Round => "round",
        EntityKind.ValidatorSet => "validator-set",
        EntityKind.Task => "task",
        EntityKind.Emission => "emission",
        _ => throw new ArgumentOutOfRangeException(nameof(kind))
    };

    /// <summary>The entity a persistence id names (false for the node's own: genesis, relay offset).</summary>
    public static bool TryParse(string persistenceId, out EntityKind kind, out string entityId)
    {
        foreach (var k in Enum.GetValues<EntityKind>())
        {
            var prefix = Prefix(k) + "-";
            if (!persistenceId.StartsWith(prefix, StringComparison.Ordinal)) continue;
            (kind, entityId) = (k, persistenceId[prefix.Length..]);
            return true;
        }
        (kind, entityId) = (default, "");
        return false;
    }

    /// <summary>An event id as clients see it: "persistenceId:sequenceNr".</summary>
    public static string EventId(string persistenceId, long sequenceNr) => $"{persistenceId}:{sequenceNr}";
}
