namespace PoT.Orchestration;

/// <summary>
/// The MetaSuperAgent's in-memory index of routable agents, kept current from registry and reputation events and from
/// the outcomes of calls, and ranking agents for a step (docs/orchestration.md, "Routing").
/// <para>
/// Threading: one writer (<see cref="Upsert"/>, <see cref="UpsertAll"/>, <see cref="Remove"/>, <see cref="SetReputation"/>,
/// <see cref="RecordCall"/>; they also take a lock, so a second writer is safe, only slower), any number of readers
/// (<see cref="Rank"/>, <see cref="Offers"/>) that never lock.
/// </para>
/// <para>
/// Layout: the score splits into a per-agent part (reputation, recent success rate, recent latency, or −∞ when the
/// agent breaches its SLA) and a per-capability part (the price term, relative to the capability's dearest agent).
/// Readers see an immutable snapshot: per capability, parallel arrays sorted by agent id (prices, price terms, each
/// agent's live cell, the candidates), rebuilt copy-on-write by Upsert/Remove and published through a volatile
/// reference. The per-agent part changes often (every recorded call, every reputation change), so it lives in one
/// small object per agent that the writer recomputes and stores with one volatile 64-bit write; a Rank reads it with
/// one load. (The node runs as a 64-bit process, where those writes are atomic.)
/// </para>
/// </summary>
public sealed class AgentIndex
{
    /// <summary>What changes between snapshots: written by the writer, read by <see cref="Rank"/>.</summary>
    private sealed class Live
    {
        /// <summary>wReputation·reputation + wSuccess·success − wLatency·latency; −∞ when the SLA filter skips the agent.</summary>
        public double AgentPart;

        public uint Reputation;
    }

    /// <summary>One capability's candidates: Listed agents offering it, in agent id order (ordinal), as parallel arrays.</summary>
    private sealed class Table
    {
        public required Tracked[] Members;
        public required AgentCandidate[] Agents;
        public required Live[] Lives;
        public required UInt128[] Prices;
        public required double[] PriceTerms;
        public required UInt128 MaxPrice;
    }

    /// <summary>The writer's record of an agent: the candidate as last upserted, its live cell, its recent calls.</summary>
    private sealed class Tracked(AgentCandidate agent, int window)
    {
        public AgentCandidate Agent = agent;
        public readonly Live Live = new();
        public readonly uint[] LatencyUs = new uint[window];
        public readonly bool[] Succeeded = new bool[window];
        public int Next, Calls, Successes;
        public uint P95Us;
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
                Refresh(tracked);
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
            Refresh(tracked);
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
            t.Calls = Math.Min(t.Calls + 1, window);
            var successes = 0;
            for (var i = 0; i < t.Calls; i++)
            {
                _scratch[i] = t.LatencyUs[i];
                if (t.Succeeded[i]) successes++;
            }
            Array.Sort(_scratch, 0, t.Calls);
            t.Successes = successes;
            t.P95Us = _scratch[P95Rank(t.Calls) - 1];
            Refresh(t);
        }
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
    /// latency above it). One pass over the capability's arrays keeping the top k; allocates only the result.
    /// </summary>
    public IReadOnlyList<RankedAgent> Rank(string capability, UInt128 maxPrice, Func<string, bool>? excluded = null, int k = 3)
    {
        if (k <= 0 || !_snapshot.ByCapability.TryGetValue(capability, out var table)) return [];
        var lives = table.Lives;
        var priceTerms = table.PriceTerms;
        var prices = table.Prices;
        var agents = table.Agents;
        var checkPrice = maxPrice < table.MaxPrice;
        if (k > lives.Length) k = lives.Length;
        Span<int> top = k <= StackTop ? stackalloc int[k] : new int[k];
        Span<double> scores = k <= StackTop ? stackalloc double[k] : new double[k];
        var count = 0;
        var threshold = double.NegativeInfinity; // a candidate must beat it: −∞ until the top k is full, then the k-th score
        for (var i = 0; i < lives.Length && i < priceTerms.Length; i++)
        {
            if (checkPrice && prices[i] > maxPrice) continue;
            var score = Volatile.Read(ref lives[i].AgentPart) - priceTerms[i];
            if (!(score > threshold)) continue; // also skips −∞: the agent breaches its SLA
            if (excluded is not null && excluded(agents[i].AgentId)) continue;
            var j = count < k ? count++ : k - 1;
            for (; j > 0 && scores[j - 1] < score; j--)
            {
                scores[j] = scores[j - 1];
                top[j] = top[j - 1];
            }
            scores[j] = score;
            top[j] = i;
            if (count == k) threshold = scores[k - 1];
        }
        if (count == 0) return [];
        var ranked = new RankedAgent[count];
        for (var r = 0; r < count; r++)
        {
            var agent = agents[top[r]];
            var reputation = Volatile.Read(ref lives[top[r]].Reputation);
            ranked[r] = new RankedAgent(agent.ReputationScore == reputation ? agent : agent with { ReputationScore = reputation }, scores[r]);
        }
        return ranked;
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
    /// wLatency·(p95 / declared p95); with no recent calls success = the declared rate and the latency term is 0; −∞
    /// when the window holds at least min-calls-for-sla calls and breaches the SLA. A declared p95 of 0 counts as 1 ms
    /// (the registry refuses 0).
    /// </summary>
    private void Refresh(Tracked t)
    {
        var a = t.Agent;
        var slaP95Us = Math.Max(a.SlaP95LatencyMs, 1u) * 1000UL;
        double success, latency;
        if (t.Calls == 0)
        {
            success = a.SlaSuccessRateBps / (double)PoT.Consensus.Basis.Points;
            latency = 0;
        }
        else
        {
            success = t.Successes / (double)t.Calls;
            latency = t.P95Us / (double)slaP95Us;
        }
        var breached = t.Calls >= _weights.MinCallsForSla
                       && ((long)t.Successes * PoT.Consensus.Basis.Points < (long)a.SlaSuccessRateBps * t.Calls || t.P95Us > slaP95Us);
        var part = breached ? double.NegativeInfinity : _wReputation * (a.ReputationScore / Millionths) + _wSuccess * success - _wLatency * latency;
        Volatile.Write(ref t.Live.AgentPart, part);
        Volatile.Write(ref t.Live.Reputation, a.ReputationScore);
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
            var kept = current.TryGetValue(capability, out var old) ? old.Members.Where(t => !changed.Contains(t.Agent.AgentId)) : [];
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

    private Table Build(List<Tracked> members)
    {
        var maxPrice = UInt128.Zero;
        foreach (var t in members)
            if (t.Agent.PricePerCall > maxPrice) maxPrice = t.Agent.PricePerCall;
        var n = members.Count;
        var table = new Table
        {
            Members = [.. members],
            Agents = new AgentCandidate[n],
            Lives = new Live[n],
            Prices = new UInt128[n],
            PriceTerms = new double[n],
            MaxPrice = maxPrice
        };
        for (var i = 0; i < n; i++)
        {
            var a = members[i].Agent;
            table.Agents[i] = a;
            table.Lives[i] = members[i].Live;
            table.Prices[i] = a.PricePerCall;
            table.PriceTerms[i] = _wPrice * PriceShare(a.PricePerCall, maxPrice);
        }
        return table;
    }
}
