using PoT.Persistence;

namespace PoT.Reputation;

/// <summary>
/// Folds the whole journal from offset 0 into fresh read models (`pot projections rebuild`, PoT.Bench, specs). Pages
/// are read one ahead and decoded on every core; the fold itself stays sequential, in journal order.
/// </summary>
public static class ReputationRebuild
{
    public static async Task<ReputationState> Fold(JournalPages journal, ReputationParameters parameters, int pageSize = 5000,
        Action<long, long>? progress = null, CancellationToken cancellationToken = default)
    {
        var total = await journal.MaxOrdering(cancellationToken);
        var state = ReputationState.Empty;
        var next = journal.After(0, pageSize, cancellationToken);
        while (true)
        {
            var page = await next;
            if (page.Count == 0) return state;
            next = journal.After(page[^1].Ordering, pageSize, cancellationToken);
            var decoded = page.AsParallel().AsOrdered().Select(row => (Row: row, Event: row.Deleted ? null : row.Decode())).ToList();
            foreach (var (row, e) in decoded)
                state = e is null ? state with { Offset = row.Ordering } : state.Apply(row.PersistenceId, row.SequenceNr, e, row.Ordering, parameters);
            progress?.Invoke(state.Offset, total);
        }
    }
}
