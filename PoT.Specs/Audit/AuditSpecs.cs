using Newtonsoft.Json.Linq;
using PoT.Audit;
using PoT.Persistence;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Audit;

/// <summary>`pot audit` on a real node's database: clean as written, and every kind of tampering found and located.</summary>
public sealed class AuditSpecs(AuditedNode node) : IClassFixture<AuditedNode>, IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(int Exit, JObject Report)> Audit(string database)
    {
        var (exit, output, error) = await PotCli.Run("audit", "--db", database, "--config", node.ConfigFile, "--json");
        Assert.True(exit is 0 or 1, $"exit {exit}: {error}");
        return (exit, JObject.Parse(output));
    }

    [Fact]
    public async Task The_journal_as_the_node_wrote_it_audits_clean_from_a_snapshot_taken_while_it_runs()
    {
        var copy = _dir.File("snapshot.db");
        var (snapshotExit, snapshot, snapshotError) = await PotCli.Run("snapshot", "--db", node.Database, "--out", copy);
        Assert.True(snapshotExit == 0, snapshotError);
        var (exit, report) = await Audit(copy);

        Assert.True(exit == 0, report.ToString());
        Assert.Equal((long)JObject.Parse(snapshot)["journalOrdering"]!, (long)report["reputation"]!["offset"]!);
        Assert.Equal("clean", (string)report["verdict"]!);
        Assert.Equal((string)report["storedReadModels"]!["digest"]!, (string)report["reputation"]!["digest"]!);
        Assert.True((long)report["envelopes"]! > 20);
    }

    [Fact]
    public async Task A_snapshot_never_overwrites_a_file()
    {
        var existing = _dir.File("existing.db");
        await File.WriteAllTextAsync(existing, "keep me");

        var (exit, _, error) = await PotCli.Run("snapshot", "--db", node.Database, "--out", existing);

        Assert.Equal(1, exit);
        Assert.Contains("never overwrites", error);
        Assert.Equal("keep me", await File.ReadAllTextAsync(existing));
    }

    private static readonly string Alice = EntityIds.PersistenceId(EntityKind.Account, Keys.Alice.Address.Value);
    private static readonly string Bob = EntityIds.PersistenceId(EntityKind.Account, Keys.Bob.Address.Value);

    /// <summary>Audits a tampered copy: it must fail, and name <paramref name="rule"/> at the entity and sequence number.</summary>
    private async Task<JArray> AssertFound(string database, string rule, string persistenceId, long sequenceNr)
    {
        var (exit, report) = await Audit(database);
        Assert.Equal(1, exit);
        var findings = (JArray)report["findings"]!;
        Assert.True(findings.Any(f => (string)f["rule"]! == rule && (string)f["persistenceId"]! == persistenceId && (long)f["sequenceNr"]! == sequenceNr),
            $"expected {rule} at {persistenceId}#{sequenceNr}; found:\n{findings}");
        return findings;
    }

    [Fact]
    public async Task An_epoch_that_mints_more_than_the_schedule_decides_is_found_at_the_schedule()
    {
        var db = node.Copy(_dir);
        var editor = new JournalEditor(db);
        var schedule = EntityIds.PersistenceId(EntityKind.Emission, EmissionIds.EntityId);
        var closed = editor.Rows(schedule).First(r => r.Manifest == "epoch-closed.v1" && (string)r.Payload["minted"]! != "0");
        var payload = closed.Payload;
        var payout = (JObject)((JArray)payload["payouts"]!)[0];
        payout["amount"] = (UInt128.Parse((string)payout["amount"]!) + 1_000).ToString();
        payload["minted"] = (UInt128.Parse((string)payload["minted"]!) + 1_000).ToString();
        editor.SetPayload(closed.Ordering, payload);

        var findings = await AssertFound(db, AuditRules.Emission, schedule, closed.SequenceNr);
        Assert.Contains(findings, f => (string)f["rule"]! == AuditRules.Conservation);
    }

    [Fact]
    public async Task A_changed_amount_is_found_where_it_was_changed()
    {
        var db = node.Copy(_dir);
        var editor = new JournalEditor(db);
        var sent = editor.Rows(Alice).First(r => r.Manifest == "transfer-sent.v1");
        var payload = sent.Payload;
        payload["amount"] = "1";
        editor.SetPayload(sent.Ordering, payload);

        var findings = await AssertFound(db, AuditRules.StateTransition, Alice, sent.SequenceNr);
        Assert.Contains(findings, f => (string)f["rule"]! == AuditRules.HashChain && (string)f["persistenceId"]! == Alice && (long)f["sequenceNr"]! == sent.SequenceNr + 1);
    }

    [Fact]
    public async Task A_changed_relayed_credit_is_found_against_the_delivery_that_was_owed()
    {
        var db = node.Copy(_dir);
        var editor = new JournalEditor(db);
        var reward = editor.Rows().First(r => r.Manifest == "credited.v1");
        var payload = reward.Payload;
        payload["amount"] = ((ulong)payload["amount"]! + 1000).ToString();
        editor.SetPayload(reward.Ordering, payload);

        var findings = await AssertFound(db, AuditRules.StateTransition, reward.PersistenceId, reward.SequenceNr);
        Assert.Contains(findings, f => (string)f["rule"]! == AuditRules.Conservation);
    }

    [Fact]
    public async Task A_deleted_last_credit_is_found_as_a_delivery_the_relay_had_made()
    {
        var db = node.Copy(_dir);
        var editor = new JournalEditor(db);
        var received = editor.Rows(Bob).First(r => r.Manifest == "transfer-received.v1");
        var later = editor.Rows(Bob).Where(r => r.SequenceNr > received.SequenceNr).ToList();
        // Remove the credit and everything after it in Bob's stream: no gap and no broken link remain.
        foreach (var row in later.Prepend(received)) editor.Delete(row.Ordering);
        var sent = editor.Rows(Alice).First(r => r.Manifest == "transfer-sent.v1" && (string)r.Payload["meta"]!["envelope"]!["digest"]! ==
            (string)received.Payload["commandId"]!);

        await AssertFound(db, AuditRules.DeliveryLost, Alice, sent.SequenceNr);
    }

    [Fact]
    public async Task A_deleted_event_is_found_as_a_gap_in_its_entity()
    {
        var db = node.Copy(_dir);
        var editor = new JournalEditor(db);
        var second = editor.Rows(Alice)[1];
        editor.Delete(second.Ordering);

        await AssertFound(db, AuditRules.SequenceGap, Alice, second.SequenceNr + 1);
    }

    [Fact]
    public async Task Two_reordered_events_break_the_hash_chain_where_they_were_swapped()
    {
        var db = node.Copy(_dir);
        var editor = new JournalEditor(db);
        var rows = editor.Rows(Alice);
        var (a, b) = (rows[1], rows[2]);
        editor.SetPayload(a.Ordering, b.Payload);
        editor.SetPayload(b.Ordering, a.Payload);

        await AssertFound(db, AuditRules.HashChain, Alice, a.SequenceNr);
    }

    [Fact]
    public async Task A_swapped_signature_is_found_on_the_event_that_carries_it()
    {
        var db = node.Copy(_dir);
        var editor = new JournalEditor(db);
        var signed = editor.Rows(Alice).Where(r => r.Payload["meta"]?["envelope"] is JObject).Take(2).ToList();
        var payload = signed[0].Payload;
        payload["meta"]!["envelope"]!["signature"] = signed[1].Payload["meta"]!["envelope"]!["signature"];
        editor.SetPayload(signed[0].Ordering, payload);

        await AssertFound(db, AuditRules.BadSignature, Alice, signed[0].SequenceNr);
    }

    [Fact]
    public async Task A_forged_event_with_a_correct_hash_chain_is_found_as_unexplained_and_unbalanced()
    {
        var db = node.Copy(_dir);
        var editor = new JournalEditor(db);
        var last = editor.Rows(Bob)[^1];
        // The forger knows the format and the chain: a credit that no round, slash or transfer ever owed.
        var forged = new JObject
        {
            ["amount"] = "1000000",
            ["reason"] = "validation-reward:made-up.1",
            ["stamp"] = new JObject { ["ordering"] = 999_999, ["index"] = 0 },
            ["meta"] = new JObject { ["prev"] = last.Hash, ["at"] = "2026-11-26T00:30:00+00:00" }
        };
        editor.Insert(Bob, last.SequenceNr + 1, "credited.v1", forged);

        var findings = await AssertFound(db, AuditRules.UnexplainedEvent, Bob, last.SequenceNr + 1);
        Assert.Contains(findings, f => (string)f["rule"]! == AuditRules.Conservation && (long)f["sequenceNr"]! == last.SequenceNr + 1);
        Assert.DoesNotContain(findings, f => (string)f["rule"]! == AuditRules.HashChain);
    }

    [Fact]
    public async Task A_changed_read_model_is_found_against_the_replay()
    {
        var db = node.Copy(_dir);
        new JournalEditor(db).Sql("UPDATE pot_agent_reputation SET score = 999999 WHERE agent_id = 'forging-agent'");

        var (exit, report) = await Audit(db);

        Assert.Equal(1, exit);
        Assert.Equal(AuditRules.ReadModel, (string)((JArray)report["findings"]!).Single()["rule"]!);
    }

    [Fact]
    public async Task The_human_report_ends_with_the_verdict_and_locates_findings()
    {
        var db = node.Copy(_dir);
        var editor = new JournalEditor(db);
        editor.Delete(editor.Rows(Alice)[1].Ordering);

        var (exit, output, _) = await PotCli.Run("audit", "--db", db, "--config", node.ConfigFile);

        Assert.Equal(1, exit);
        Assert.Contains($"{AuditRules.SequenceGap} at {Alice}#3", output);
        Assert.Matches(@"verdict: \d+ FINDING\(S\)", output.TrimEnd().Split('\n')[^1]);
    }
}
