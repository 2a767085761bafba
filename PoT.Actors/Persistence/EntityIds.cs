namespace PoT.Persistence;

/// <summary>The kinds of sharded entity; each has its own region and persistence-id prefix.</summary>
public enum EntityKind
{
    Account,
    Agent
}

public static class EntityIds
{
    public static string PersistenceId(EntityKind kind, string entityId) => $"{Prefix(kind)}-{entityId}";

    public static string Prefix(EntityKind kind) => kind switch
    {
        EntityKind.Account => "account",
        EntityKind.Agent => "agent",
        _ => throw new ArgumentOutOfRangeException(nameof(kind))
    };

    /// <summary>An event id as clients see it: "persistenceId:sequenceNr".</summary>
    public static string EventId(string persistenceId, long sequenceNr) => $"{persistenceId}:{sequenceNr}";
}
