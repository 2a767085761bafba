using PoT.Persistence;
using PoT.Reputation;

namespace PoT.Specs.Support;

/// <summary>What a node's SQLite file holds, read from outside the node: the journal folded into reputation as a
/// rebuild would, and the read models as the node stored them.</summary>
public static class Journal
{
    public static async Task<ReputationState> Rebuilt(string sqliteFile, ReputationParameters? parameters = null)
    {
        var state = ReputationState.Empty;
        await foreach (var row in JournalPages.Sqlite(sqliteFile).All())
            state = ReputationProjection.Fold(state, [row], parameters ?? ReputationParameters.Default);
        return state;
    }

    public static Task<long> MaxOrdering(string sqliteFile) => JournalPages.Sqlite(sqliteFile).MaxOrdering();

    public static ReputationState Stored(string sqliteFile) => new ReadModelStore(() => JournalPages.SqliteConnection(sqliteFile)).Load();
}
