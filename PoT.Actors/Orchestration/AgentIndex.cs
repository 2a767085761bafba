using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PoT.Orchestration;

/// <summary>
/// The MetaSuperAgent's in-memory index of routable agents, kept current from registry and reputation events and from
/// the outcomes of calls, and ranking agents for a step (docs/orchestration.md, "Routing").
/// <para>
/// Threading: one writer (<see cref="Upsert"/>, <see cref="UpsertAll"/>, <see cref="Remove"/>, <see cref="SetReputation"/>,
/// <see cref="RecordCall"/>, <see cref="RecordOutcome"/>, <see cref="Decay"/>; they also take a lock, so a second writer is safe, only slower), any number of readers
/// (<see cref="Rank"/>, <see cref="Offers"/>) that never lock.
/// </para>
/// <para>
/// Layout: per capability, a table of parallel arrays over the Listed agents offering it: each agent's current score,
/// its rank in agent id order (ordinal, for ties), its price, its candidate record. The arrays are laid out best
/// score first as of the table's build, so a Rank's bar rises at once whatever the ids. Membership and layout are
/// immutable: Upsert and Remove rebuild the tables they touch (copy-on-write) and publish a new snapshot through a
/// volatile reference. The score cells change in place: the score splits into a per-agent part (reputation, recent
/// success rate, recent latency, or −∞ when the agent breaches its SLA) and a per-capability price term, and every
/// recorded call or reputation change recomputes the agent's part and stores part − price term in each of its cells
/// (one per capability it offers) with one volatile 64-bit write (atomic in the 64-bit process the node runs as). A
/// Rank therefore scans one contiguous array of doubles (four at a time with AVX2), and looks at id ranks, prices and
/// records only for the few candidates that could make the top k.
/// </para>
/// </summary>
public sealed class AgentIndex
{
    /// <summary>
    /// One capability's candidates, the Listed agents offering it, as parallel arrays in the order of their scores when
    /// the table was built (best first, so that a Rank's bar rises at once whatever the agent ids), each with its rank
    /// in agent id order (ordinal) to break ties. Scores and Agents are written in place by the writer (one cell per
    /// agent); the rest never changes.
    /// </summary>
    private sealed class Table
    {
        /// <summary>The members in agent id order (the writer merges from it).</summary>
        public required Tracked[] ById;

        public required AgentCandidate[] Agents;
        public required double[] Scores;
        public required long[] IdRanks;
        public required double[] PriceTerms;
        public required UInt128[] Prices;
        public required UInt128 MaxPrice;
    }

    /// <summary>Where an agent's score lives: its cell in a capability's table.</summary>
    private readonly record struct Cell(string Capability, Table Table, int Index);

    /// <summary>The writer's record of an agent: the candidate as last upserted, its score part, its recent calls (a ring:
    /// the Calls entries before Next), whether it was called since the last <see cref="Decay"/>, its half-open state (a
    /// decay made a breaching agent routable again: its next call is a probe) or tripped state (its probe failed: skipped
    /// until the next decay), and its cells in the current tables.</summary>
    private sealed class Tracked(AgentCandidate agent, int window)
    {
        public AgentCandidate Agent = agent;
        public double AgentPart;
        public readonly uint[] LatencyUs = new uint[window];
        public readonly bool[] Succeeded = new bool[window];
        public int Next, Calls, Successes;
        public uint P95Us;
        public bool Called, HalfOpen, Tripped;
        public readonly List<Cell> Cells = [];
    }

    private sealed class Snapshot(Dictionary<string, Table> byCapability)
    {
        public readonly Dictionary<string, Table> ByCapability = byCapability;
    }

    private const int StackTop = 32;

    private readonly RoutingWeights _weights;
    private readonly double _wReputation, _wSuccess, _wPrice, _wLatency;
    private readonly Lock _write = new();
    private readonly Dictionary<string, Tracked> _agents = new(StringComparer.Ordinal);
    private readonly uint[] _scratch;
    private volatile Snapshot _snapshot = new(new Dictionary<string, Table>(StringComparer.Ordinal));
    private int _listed;

    public AgentIndex(RoutingWeights weights)
    {
        _weights = weights.Validated();
        _wReputation = weights.ReputationBps / (double)PoT.Consensus.Basis.Points;
        _wSuccess = weights.SuccessBps / (double)PoT.Consensus.Basis.Points;
        _wPrice = weights.PriceBps / (double)PoT.Consensus.Basis.Points;
        _wLatency = weights.LatencyBps / (double)PoT.Consensus.Basis.Points;
        _scratch = new uint[weights.WindowCalls];
    }

    public RoutingWeights Weights => _weights;

    /// <summary>Agents the index holds, Listed or not.</summary>
    public int Count
    {
        get
        {
            lock (_write) return _agents.Count;
        }
    }

    /// <summary>Agents the index routes to (Listed).</summary>
    public int ListedCount => Volatile.Read(ref _listed);

    private volatile bool _ready;

    /// <summary>Whether the index holds every agent the journal had when the node started (set by its feeder): before
    /// that, "no agent offers it" may only mean "not loaded yet", so nobody should act on it.</summary>
    public bool Ready => _ready;

    public void MarkReady() => _ready = true;

    /// <summary>Adds or replaces an agent (registered, updated, listed, rejected, deregistered…). Listed = false keeps
    /// it (and its recent calls) but takes it out of routing. Its reputation becomes the candidate's.</summary>
    public void Upsert(AgentCandidate agent) => UpsertAll([agent]);

    /// <summary>Upserts many agents with one rebuild of each capability they touch (loading the index at start).</summary>
    public void UpsertAll(IEnumerable<AgentCandidate> agents)
    {
        lock (_write)
        {
            var changed = new HashSet<string>(StringComparer.Ordinal);
            var capabilities = new HashSet<string>(StringComparer.Ordinal);
            foreach (var agent in agents)
            {
                ArgumentNullException.ThrowIfNull(agent);
                if (_agents.TryGetValue(agent.AgentId, out var tracked))
                {
                    AddRoutedCapabilities(tracked.Agent, capabilities);
                    if (tracked.Agent.Listed) _listed--;
                    tracked.Agent = agent;
                }
                else
                {
                    tracked = new Tracked(agent, _weights.WindowCalls);
                    _agents.Add(agent.AgentId, tracked);
                }
                if (agent.Listed) _listed++;
                Refresh(tracked, writeCells: false); // its tables are all rebuilt below
                AddRoutedCapabilities(agent, capabilities);
                changed.Add(agent.AgentId);
            }
            Publish(capabilities, changed);
        }
    }

    /// <summary>Forgets an agent and its recent calls.</summary>
    public void Remove(string agentId)
    {
        lock (_write)
        {
            if (!_agents.Remove(agentId, out var tracked)) return;
            if (tracked.Agent.Listed) _listed--;
            var capabilities = new HashSet<string>(StringComparer.Ordinal);
            AddRoutedCapabilities(tracked.Agent, capabilities);
            Publish(capabilities, new HashSet<string>(StringComparer.Ordinal) { agentId });
        }
    }

    /// <summary>The agent's reputation score changed (millionths). Takes effect at once, without a rebuild; an unknown
    /// agent is ignored (its Upsert carries its score).</summary>
    public void SetReputation(string agentId, uint score)
    {
        lock (_write)
        {
            if (!_agents.TryGetValue(agentId, out var tracked)) return;
            tracked.Agent = tracked.Agent with { ReputationScore = score };
            Refresh(tracked, writeCells: true);
        }
    }

    /// <summary>The outcome of one call to the agent, counted as evidence about it: its recent window (the last
    /// window-calls calls) gets it, and the window's success rate and p95 latency (nearest rank over all calls, failed
    /// ones too) take effect at once. If the agent was half-open (see <see cref="Decay"/>) the call was its probe: a
    /// success starts its window over from that call, a failure trips it (skipped until the next decay). An unknown
    /// agent is ignored. The executor reports through <see cref="RecordOutcome"/>, which applies the counting rule.</summary>
    public void RecordCall(string agentId, bool success, TimeSpan latency)
    {
        lock (_write)
        {
            if (_agents.TryGetValue(agentId, out var t)) Record(t, success, latency);
        }
    }

    /// <summary>The outcome of one call as the executor saw it: recorded (<see cref="RecordCall"/>) only if it is evidence
    /// about the agent (<see cref="CallCounting.Counts"/>: not a self-call of its provider, and a success or a failure the
    /// agent caused — a 4xx answering the caller's input, throttling, an open circuit, a cancellation do not count).
    /// Returns whether it was recorded.</summary>
    public bool RecordOutcome(string agentId, Address payer, bool success, string? code, TimeSpan latency)
    {
        lock (_write)
        {
            if (!_agents.TryGetValue(agentId, out var t) || !CallCounting.Counts(success, code, payer, t.Agent.Provider)) return false;
            Record(t, success, latency);
            return true;
        }
    }

    private void Record(Tracked t, bool success, TimeSpan latency)
    {
        t.Called = true;
        if (t.HalfOpen)
        {
            t.HalfOpen = false;
            if (success) t.Calls = 0; // the probe succeeded: recovery starts from a window of this one call
            else t.Tripped = true;
        }
        var window = t.LatencyUs.Length;
        t.LatencyUs[t.Next] = (uint)Math.Clamp(latency.Ticks / TimeSpan.TicksPerMicrosecond, 0, uint.MaxValue);
        t.Succeeded[t.Next] = success;
        t.Next = (t.Next + 1) % window;
        t.Calls = Math.Min(t.Calls + 1, window);
        Measure(t);
        Refresh(t, writeCells: true);
    }

    /// <summary>
    /// Recovery (docs/orchestration.md, "Decay and probes"), called every pot.orchestration.routing.decay-interval by the
    /// index's feeder: a tripped agent (its probe failed) is untripped, and every agent not called since the previous
    /// decay forgets the oldest call of its window. An agent that breached its SLA and no longer does after this is
    /// half-open: it is routed again, scored as a new agent would be (its declared success rate, no latency term), and
    /// its next call is a probe — a success starts its recovery from a window of that one call, a failure trips it
    /// (skipped until the next decay; the failure stays in its window). An agent that is called keeps its window, so
    /// decay only ever helps agents nobody calls: the ones the SLA filter shut out.
    /// </summary>
    public void Decay()
    {
        lock (_write)
        {
            foreach (var t in _agents.Values)
            {
                var wasBreached = Breached(t);
                var changed = t.Tripped;
                t.Tripped = false;
                if (t.Called) t.Called = false;
                else if (t.Calls > 0)
                {
                    t.Calls--; // the oldest entry is the one Calls no longer reaches
                    Measure(t);
                    changed = true;
                }
                if (!changed) continue;
                if (wasBreached && !Breached(t)) t.HalfOpen = true;
                Refresh(t, writeCells: true);
            }
        }
    }

    /// <summary>Whether the agent is half-open: made routable again by a decay, its next call a probe.</summary>
    public bool IsProbing(string agentId)
    {
        lock (_write) return _agents.TryGetValue(agentId, out var t) && t.HalfOpen;
    }

    /// <summary>Successes and p95 over the window's entries (the Calls entries before Next, in the ring).</summary>
    private void Measure(Tracked t)
    {
        var window = t.LatencyUs.Length;
        var start = (t.Next - t.Calls + window) % window;
        var successes = 0;
        for (var j = 0; j < t.Calls; j++)
        {
            var i = (start + j) % window;
            _scratch[j] = t.LatencyUs[i];
            if (t.Succeeded[i]) successes++;
        }
        Array.Sort(_scratch, 0, t.Calls);
        t.Successes = successes;
        t.P95Us = t.Calls == 0 ? 0 : _scratch[P95Rank(t.Calls) - 1];
    }

    /// <summary>The SLA filter: tripped by a failed probe, or (not half-open) a window of at least min-calls-for-sla calls
    /// below the declared success rate or above the declared p95.</summary>
    private bool Breached(Tracked t)
    {
        if (t.Tripped) return true;
        if (t.HalfOpen || t.Calls < _weights.MinCallsForSla) return false;
        var slaP95Us = Math.Max(t.Agent.SlaP95LatencyMs, 1u) * 1000UL;
        return (long)t.Successes * PoT.Consensus.Basis.Points < (long)t.Agent.SlaSuccessRateBps * t.Calls || t.P95Us > slaP95Us;
    }

    /// <summary>The agent's recent window: calls, successes and p95 latency; null for an unknown agent.</summary>
    public (int Calls, int Successes, TimeSpan P95)? Recent(string agentId)
    {
        lock (_write)
        {
            return _agents.TryGetValue(agentId, out var t) ? (t.Calls, t.Successes, TimeSpan.FromMicroseconds(t.P95Us)) : null;
        }
    }

    /// <summary>Some Listed agent offers the capability (the Planner's check).</summary>
    public bool Offers(string capability) => _snapshot.ByCapability.ContainsKey(capability);

    /// <summary>
    /// The best at most <paramref name="k"/> Listed agents offering <paramref name="capability"/>, best first, by the
    /// score of docs/orchestration.md ("Routing"); equal scores in agent id order (ordinal), so routing is
    /// deterministic. Skipped: agents priced above <paramref name="maxPrice"/>, agents <paramref name="excluded"/>
    /// (circuit open, already tried; asked only of agents that would otherwise make the top k), and agents whose recent
    /// window holds at least min-calls-for-sla calls and breaches their declared SLA (success rate below it, or p95
    /// latency above it). One pass over the capability's score cells keeping the top k; allocates only the result.
    /// </summary>
    public IReadOnlyList<RankedAgent> Rank(string capability, UInt128 maxPrice, Func<string, bool>? excluded = null, int k = 3)
    {
        if (k <= 0 || !_snapshot.ByCapability.TryGetValue(capability, out var table)) return [];
        var cells = table.Scores;
        if (k > cells.Length) k = cells.Length;
        var top = new TopK(k <= StackTop ? stackalloc double[k] : new double[k], k <= StackTop ? stackalloc int[k] : new int[k],
            table, maxPrice, excluded);
        var ranks = table.IdRanks;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && cells.Length >= Vector256<double>.Count)
        {
            // Four cells at a time against the bar; only a block with a cell that beats it is looked at one by one.
            ref var firstScore = ref MemoryMarshal.GetArrayDataReference(cells);
            ref var firstRank = ref MemoryMarshal.GetArrayDataReference(ranks);
            var barScore = Vector256.Create(top.BarScore);
            var barRank = Vector256.Create(top.BarRank);
            for (var last = Math.Min(cells.Length, ranks.Length) - Vector256<double>.Count; i <= last; i += Vector256<double>.Count)
            {
                var block = Vector256.LoadUnsafe(ref firstScore, (nuint)i);
                var blockRanks = Vector256.LoadUnsafe(ref firstRank, (nuint)i);
                var beats = Vector256.GreaterThan(block, barScore).AsInt64()
                            | (Vector256.Equals(block, barScore).AsInt64() & Vector256.LessThan(blockRanks, barRank));
                var lanes = beats.ExtractMostSignificantBits();
                if (lanes == 0) continue;
                for (; lanes != 0; lanes &= lanes - 1)
                {
                    var lane = BitOperations.TrailingZeroCount(lanes);
                    top.Consider(i + lane, block.GetElement(lane));
                }
                barScore = Vector256.Create(top.BarScore);
                barRank = Vector256.Create(top.BarRank);
            }
        }
        for (; i < cells.Length; i++) top.Consider(i, Volatile.Read(ref cells[i]));
        return top.Result();
    }

    /// <summary>The best k candidates so far, best first (an insertion into k slots; k is small). Order: score
    /// descending, then agent id ascending (the id rank).</summary>
    private ref struct TopK(Span<double> scores, Span<int> indices, Table table, UInt128 maxPrice, Func<string, bool>? excluded)
    {
        private readonly Span<double> _scores = scores;
        private readonly Span<int> _indices = indices;
        private readonly bool _checkPrice = maxPrice < table.MaxPrice;
        private int _count;

        /// <summary>The bar a candidate must beat: until k are held, (−∞, long.MinValue), which only −∞ (an agent
        /// breaching its SLA) fails to beat; then the k-th candidate's score and id rank.</summary>
        public double BarScore { get; private set; } = double.NegativeInfinity;

        public long BarRank { get; private set; } = long.MinValue;

        public void Consider(int i, double score)
        {
            var rank = table.IdRanks[i];
            if (!(score > BarScore || (score == BarScore && rank < BarRank))) return;
            if (_checkPrice && table.Prices[i] > maxPrice) return;
            if (excluded is not null && excluded(Volatile.Read(ref table.Agents[i]).AgentId)) return;
            var k = _scores.Length;
            var j = _count < k ? _count++ : k - 1;
            for (; j > 0 && (_scores[j - 1] < score || (_scores[j - 1] == score && table.IdRanks[_indices[j - 1]] > rank)); j--)
            {
                _scores[j] = _scores[j - 1];
                _indices[j] = _indices[j - 1];
            }
            _scores[j] = score;
            _indices[j] = i;
            if (_count == k)
            {
                BarScore = _scores[k - 1];
                BarRank = table.IdRanks[_indices[k - 1]];
            }
        }

        public readonly IReadOnlyList<RankedAgent> Result()
        {
            if (_count == 0) return [];
            var ranked = new RankedAgent[_count];
            for (var r = 0; r < _count; r++) ranked[r] = new RankedAgent(Volatile.Read(ref table.Agents[_indices[r]]), _scores[r]);
            return ranked;
        }
    }

    /// <summary>Scores and reputations are millionths.</summary>
    public const double Millionths = 1_000_000.0;

    /// <summary>Nearest rank of the 95th percentile among n values (1-based): ⌈0.95·n⌉.</summary>
    public static int P95Rank(int n) => (95 * n + 99) / 100;

    /// <summary>price / the highest price among the capability's Listed agents (0 when all are free).</summary>
    public static double PriceShare(UInt128 price, UInt128 maxPrice) => maxPrice == UInt128.Zero ? 0 : (double)price / (double)maxPrice;

    /// <summary>
    /// The per-agent part of the score, from its declared SLA, reputation and recent window (evaluated in this order,
    /// which the specs' reference repeats to the bit): wReputation·(reputation / 1e6) + wSuccess·success −
    /// wLatency·(p95 / declared p95); with no recent calls, or half-open (waiting for its probe), success = the declared
    /// rate and the latency term is 0; −∞ when the window holds at least min-calls-for-sla calls and breaches the SLA, or
    /// a probe failed since the last decay. A declared p95 of 0 counts as 1 ms (the registry refuses 0).
    /// </summary>
    private void Refresh(Tracked t, bool writeCells)
    {
        var a = t.Agent;
        var slaP95Us = Math.Max(a.SlaP95LatencyMs, 1u) * 1000UL;
        double success, latency;
        if (t.Calls == 0 || t.HalfOpen)
        {
            success = a.SlaSuccessRateBps / (double)PoT.Consensus.Basis.Points;
            latency = 0;
        }
        else
        {
            success = t.Successes / (double)t.Calls;
            latency = t.P95Us / (double)slaP95Us;
        }
        t.AgentPart = Breached(t) ? double.NegativeInfinity : _wReputation * (a.ReputationScore / Millionths) + _wSuccess * success - _wLatency * latency;
        if (!writeCells) return;
        foreach (var cell in t.Cells)
        {
            Volatile.Write(ref cell.Table.Scores[cell.Index], t.AgentPart - cell.Table.PriceTerms[cell.Index]);
            if (!ReferenceEquals(cell.Table.Agents[cell.Index], a)) Volatile.Write(ref cell.Table.Agents[cell.Index], a);
        }
    }

    private static void AddRoutedCapabilities(AgentCandidate agent, HashSet<string> capabilities)
    {
        if (!agent.Listed || agent.Capabilities.IsDefault) return;
        foreach (var capability in agent.Capabilities) capabilities.Add(capability);
    }

    /// <summary>Rebuilds the tables of <paramref name="capabilities"/> (each: the agents it held that did not change,
    /// merged in id order with the changed agents that are Listed and offer it) and publishes a new snapshot.</summary>
    private void Publish(HashSet<string> capabilities, HashSet<string> changed)
    {
        var current = _snapshot.ByCapability;
        var next = new Dictionary<string, Table>(current, StringComparer.Ordinal);
        foreach (var capability in capabilities)
        {
            var kept = current.TryGetValue(capability, out var old) ? old.ById.Where(t => !changed.Contains(t.Agent.AgentId)) : [];
            var added = changed.Select(id => _agents.GetValueOrDefault(id)).OfType<Tracked>()
                .Where(t => t.Agent.Listed && !t.Agent.Capabilities.IsDefault && t.Agent.Capabilities.Contains(capability)).OrderBy(t => t.Agent.AgentId, StringComparer.Ordinal);
            var members = Merge(kept, added);
            foreach (var id in changed)
                if (_agents.TryGetValue(id, out var t)) RemoveCell(t, capability); // Build gives members theirs again
            if (members.Count == 0)
            {
                next.Remove(capability);
                continue;
            }
            next[capability] = Build(capability, members);
        }
        _snapshot = new Snapshot(next);
    }

    private static List<Tracked> Merge(IEnumerable<Tracked> a, IEnumerable<Tracked> b)
    {
        var merged = new List<Tracked>();
        using var x = a.GetEnumerator();
        using var y = b.GetEnumerator();
        bool hasX = x.MoveNext(), hasY = y.MoveNext();
        while (hasX || hasY)
        {
            if (hasX && (!hasY || string.CompareOrdinal(x.Current.Agent.AgentId, y.Current.Agent.AgentId) < 0))
            {
                merged.Add(x.Current);
                hasX = x.MoveNext();
            }
            else
            {
                merged.Add(y.Current);
                hasY = y.MoveNext();
            }
        }
        return merged;
    }

    /// <summary>A capability's table over its members (in id order), laid out by their current scores (best first, ties
    /// in id order), and each member's cell in it.</summary>
    private Table Build(string capability, List<Tracked> byId)
    {
        var n = byId.Count;
        var maxPrice = UInt128.Zero;
        foreach (var t in byId)
            if (t.Agent.PricePerCall > maxPrice) maxPrice = t.Agent.PricePerCall;
        var priceTerms = new double[n];
        var scores = new double[n];
        for (var i = 0; i < n; i++)
        {
            priceTerms[i] = _wPrice * PriceShare(byId[i].Agent.PricePerCall, maxPrice);
            scores[i] = byId[i].AgentPart - priceTerms[i];
        }
        var keys = new LayoutKey[n];
        for (var i = 0; i < n; i++) keys[i] = new LayoutKey(scores[i], i);
        Array.Sort(keys);
        var layout = new int[n];
        for (var p = 0; p < n; p++) layout[p] = keys[p].IdRank;

        var table = new Table
        {
            ById = [.. byId],
            Agents = new AgentCandidate[n],
            Scores = new double[n],
            IdRanks = new long[n],
            PriceTerms = new double[n],
            Prices = new UInt128[n],
            MaxPrice = maxPrice
        };
        for (var p = 0; p < n; p++)
        {
            var member = byId[layout[p]];
            table.Agents[p] = member.Agent;
            table.Scores[p] = scores[layout[p]];
            table.IdRanks[p] = layout[p];
            table.PriceTerms[p] = priceTerms[layout[p]];
            table.Prices[p] = member.Agent.PricePerCall;
            SetCell(member, new Cell(capability, table, p));
        }
        return table;
    }

    private static void SetCell(Tracked member, Cell cell)
    {
        for (var c = 0; c < member.Cells.Count; c++)
            if (member.Cells[c].Capability == cell.Capability)
            {
                member.Cells[c] = cell;
                return;
            }
        member.Cells.Add(cell);
    }

    private static void RemoveCell(Tracked member, string capability)
    {
        for (var c = 0; c < member.Cells.Count; c++)
            if (member.Cells[c].Capability == capability)
            {
                member.Cells.RemoveAt(c);
                return;
            }
    }

    /// <summary>Sorts best first, equal scores by id rank.</summary>
    private readonly record struct LayoutKey(double Score, int IdRank) : IComparable<LayoutKey>
    {
        public int CompareTo(LayoutKey other) => other.Score.CompareTo(Score) is var c && c != 0 ? c : IdRank.CompareTo(other.IdRank);
    }
}
