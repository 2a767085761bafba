namespace PoT.Orchestration;

/// <summary>
/// The MetaSuperAgent's in-memory index of routable agents, kept current from registry and reputation events and from
/// the outcomes of calls, and ranking agents for a step (docs/orchestration.md, "Routing").
/// <para>
/// Threading: one writer (<see cref="Upsert"/>, <see cref="UpsertAll"/>, <see cref="Remove"/>, <see cref="SetReputation"/>,
/// <see cref="RecordCall"/>; they also take a lock, so a second writer is safe, only slower), any number of readers
/// (<see cref="Rank"/>, <see cref="Offers"/>) that never lock. Readers see an immutable snapshot — per capability, an
/// array of small structs sorted by agent id, rebuilt copy-on-write by Upsert/Remove and published through a volatile
/// reference — plus, per agent, one small object holding the two values that change often (the reputation score
/// and the packed recent-call window), written in place with single 32/64-bit volatile writes (the node runs as a
/// 64-bit process, where those are atomic).
/// </para>
/// </summary>
public sealed class AgentIndex
{
    /// <summary>What changes between snapshots: written by the writer, read by <see cref="Rank"/>.</summary>
    private sealed class Live
    {
        public uint Reputation;

        /// <summary>The recent window packed in one word: calls (bits 0–15), successes (16–31), p95 latency in µs (32–63).</summary>
        public long Window;
    }

    private struct Entry
    {
        public UInt128 Price;
        public double PriceShare;
        public double DeclaredSuccess;
        public double SlaP95Us;
        public ulong SlaP95UsLimit;
        public long SlaBps;
        public Live Live;
        public AgentCandidate Agent;
    }

    /// <summary>The writer's record of an agent: the candidate as last upserted, its live values, its recent calls.</summary>
    private sealed class Tracked(AgentCandidate agent, Live live, int window)
    {
        public AgentCandidate Agent = agent;
        public readonly Live Live = live;
        public readonly uint[] LatencyUs = new uint[window];
        public readonly bool[] Succeeded = new bool[window];
        public int Next, Count;
    }

    private sealed class Snapshot(Dictionary<string, Entry[]> byCapability)
    {
        public readonly Dictionary<string, Entry[]> ByCapability = byCapability;
    }

    private const int StackTop = 32;

    private readonly RoutingWeights _weights;
    private readonly double _wReputation, _wSuccess, _wPrice, _wLatency;
    private readonly int _minCallsForSla;
    private readonly Lock _write = new();
    private readonly Dictionary<string, Tracked> _agents = new(StringComparer.Ordinal);
    private readonly uint[] _scratch;
    private volatile Snapshot _snapshot = new(new Dictionary<string, Entry[]>(StringComparer.Ordinal));
    private int _listed;

    public AgentIndex(RoutingWeights weights)
    {
        _weights = weights.Validated();
        _wReputation = weights.ReputationBps / (double)PoT.Consensus.Basis.Points;
        _wSuccess = weights.SuccessBps / (double)PoT.Consensus.Basis.Points;
        _wPrice = weights.PriceBps / (double)PoT.Consensus.Basis.Points;
        _wLatency = weights.LatencyBps / (double)PoT.Consensus.Basis.Points;
        _minCallsForSla = weights.MinCallsForSla;
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
                    tracked = new Tracked(agent, new Live(), _weights.WindowCalls);
                    _agents.Add(agent.AgentId, tracked);
                }
                if (agent.Listed) _listed++;
                Volatile.Write(ref tracked.Live.Reputation, agent.ReputationScore);
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
            Volatile.Write(ref tracked.Live.Reputation, score);
        }
    }

    /// <summary>The outcome of one call to the agent: its recent window (the last window-calls calls) gets it, and the
    /// window's success rate and p95 latency (nearest rank over all calls, failed ones too) take effect at once. An
    /// unknown agent is ignored.</summary>
    public void RecordCall(string agentId, bool success, TimeSpan latency)
    {
        lock (_write)
        {
            if (!_agents.TryGetValue(agentId, out var t)) return;
            var window = t.LatencyUs.Length;
            t.LatencyUs[t.Next] = (uint)Math.Clamp(latency.Ticks / TimeSpan.TicksPerMicrosecond, 0, uint.MaxValue);
            t.Succeeded[t.Next] = success;
            t.Next = (t.Next + 1) % window;
            t.Count = Math.Min(t.Count + 1, window);
            var successes = 0;
            for (var i = 0; i < t.Count; i++)
            {
                _scratch[i] = t.LatencyUs[i];
                if (t.Succeeded[i]) successes++;
            }
            Array.Sort(_scratch, 0, t.Count);
            var p95 = _scratch[P95Rank(t.Count) - 1];
            Volatile.Write(ref t.Live.Window, Pack(t.Count, successes, p95));
        }
    }

    /// <summary>The agent's recent window: calls, successes and p95 latency; null for an unknown agent.</summary>
    public (int Calls, int Successes, TimeSpan P95)? Recent(string agentId)
    {
        lock (_write)
        {
            if (!_agents.TryGetValue(agentId, out var t)) return null;
            var (calls, successes, p95Us) = Unpack(Volatile.Read(ref t.Live.Window));
            return (calls, successes, TimeSpan.FromMicroseconds(p95Us));
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
    /// latency above it). One pass over the capability's array keeping the top k; allocates only the result.
    /// </summary>
    public IReadOnlyList<RankedAgent> Rank(string capability, UInt128 maxPrice, Func<string, bool>? excluded = null, int k = 3)
    {
        if (k <= 0 || !_snapshot.ByCapability.TryGetValue(capability, out var entries)) return [];
        if (k > entries.Length) k = entries.Length;
        Span<int> top = k <= StackTop ? stackalloc int[k] : new int[k];
        Span<double> scores = k <= StackTop ? stackalloc double[k] : new double[k];
        var count = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            ref readonly var e = ref entries[i];
            if (e.Price > maxPrice) continue;
            var live = e.Live;
            var window = Volatile.Read(ref live.Window);
            double success, latency;
            var calls = (int)(window & 0xFFFF);
            if (calls == 0)
            {
                success = e.DeclaredSuccess;
                latency = 0;
            }
            else
            {
                long successes = (window >> 16) & 0xFFFF;
                var p95 = (ulong)window >> 32;
                if (calls >= _minCallsForSla && (successes * PoT.Consensus.Basis.Points < e.SlaBps * calls || p95 > e.SlaP95UsLimit)) continue;
                success = successes / (double)calls;
                latency = p95 / e.SlaP95Us;
            }
            var score = _wReputation * (Volatile.Read(ref live.Reputation) / Millionths) + _wSuccess * success - _wPrice * e.PriceShare - _wLatency * latency;
            if (count == k && !(score > scores[k - 1])) continue;
            if (excluded is not null && excluded(e.Agent.AgentId)) continue;
            var j = count < k ? count++ : k - 1;
            for (; j > 0 && scores[j - 1] < score; j--)
            {
                scores[j] = scores[j - 1];
                top[j] = top[j - 1];
            }
            scores[j] = score;
            top[j] = i;
        }
        if (count == 0) return [];
        var ranked = new RankedAgent[count];
        for (var r = 0; r < count; r++)
        {
            ref readonly var e = ref entries[top[r]];
            var agent = e.Agent;
            var reputation = Volatile.Read(ref e.Live.Reputation);
            ranked[r] = new RankedAgent(agent.ReputationScore == reputation ? agent : agent with { ReputationScore = reputation }, scores[r]);
        }
        return ranked;
    }

    /// <summary>Scores and reputations are millionths.</summary>
    public const double Millionths = 1_000_000.0;

    /// <summary>Nearest rank of the 95th percentile among n values (1-based): ⌈0.95·n⌉.</summary>
    public static int P95Rank(int n) => (95 * n + 99) / 100;

    private static long Pack(int calls, int successes, uint p95Us) => (long)((uint)calls | ((ulong)(uint)successes << 16) | ((ulong)p95Us << 32));

    private static (int Calls, int Successes, uint P95Us) Unpack(long window) =>
        ((int)(window & 0xFFFF), (int)((window >> 16) & 0xFFFF), (uint)((ulong)window >> 32));

    private static void AddRoutedCapabilities(AgentCandidate agent, HashSet<string> capabilities)
    {
        if (!agent.Listed || agent.Capabilities.IsDefault) return;
        foreach (var capability in agent.Capabilities) capabilities.Add(capability);
    }

    /// <summary>Rebuilds the arrays of <paramref name="capabilities"/> (each: the agents it held that did not change,
    /// merged in id order with the changed agents that are Listed and offer it) and publishes a new snapshot.</summary>
    private void Publish(HashSet<string> capabilities, HashSet<string> changed)
    {
        var current = _snapshot.ByCapability;
        var next = new Dictionary<string, Entry[]>(current, StringComparer.Ordinal);
        foreach (var capability in capabilities)
        {
            var kept = current.TryGetValue(capability, out var old) ? old.Where(e => !changed.Contains(e.Agent.AgentId)).Select(e => _agents[e.Agent.AgentId]) : [];
            var added = changed.Select(id => _agents.GetValueOrDefault(id)).OfType<Tracked>()
                .Where(t => t.Agent.Listed && t.Agent.Capabilities.Contains(capability)).OrderBy(t => t.Agent.AgentId, StringComparer.Ordinal);
            var members = Merge(kept, added);
            if (members.Count == 0) next.Remove(capability);
            else next[capability] = Build(members);
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

    private static Entry[] Build(List<Tracked> members)
    {
        var maxPrice = UInt128.Zero;
        foreach (var t in members)
            if (t.Agent.PricePerCall > maxPrice) maxPrice = t.Agent.PricePerCall;
        var entries = new Entry[members.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var a = members[i].Agent;
            var slaP95Ms = Math.Max(a.SlaP95LatencyMs, 1u); // the registry refuses 0; never divide by it
            entries[i] = new Entry
            {
                Price = a.PricePerCall,
                PriceShare = PriceShare(a.PricePerCall, maxPrice),
                DeclaredSuccess = a.SlaSuccessRateBps / (double)PoT.Consensus.Basis.Points,
                SlaP95Us = slaP95Ms * 1000.0,
                SlaP95UsLimit = slaP95Ms * 1000UL,
                SlaBps = a.SlaSuccessRateBps,
                Live = members[i].Live,
                Agent = a
            };
        }
        return entries;
    }

    /// <summary>price / the highest price among the capability's Listed agents (0 when all are free).</summary>
    public static double PriceShare(UInt128 price, UInt128 maxPrice) => maxPrice == UInt128.Zero ? 0 : (double)price / (double)maxPrice;
}
