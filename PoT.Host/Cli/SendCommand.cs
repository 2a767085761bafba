using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Registry;

namespace PoT.Host.Cli;

/// <summary>`pot send &lt;command&gt;`: builds a command, signs it (EIP-712) with a key file and posts it to a node.</summary>
public static class SendCommand
{
    private static readonly Option<string> KeyOption = new("--key", "-k") { Description = "Key file of the acting account", Required = true };
    private static readonly Option<FileInfo?> PasswordOption = new("--password-file") { Description = $"Password of an encrypted key file (or set {KeyFile.PasswordVariable})" };
    private static readonly Option<string> NodeOption = new("--node", "-n") { Description = "Node URL", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
    private static readonly Option<ulong?> NonceOption = new("--nonce") { Description = "Nonce to sign (default: the account's next nonce, asked from the node)" };
    private static readonly Option<bool> DryRunOption = new("--dry-run") { Description = "Print the signed envelope and the EIP-712 typed data instead of sending" };

    public static Command Create()
    {
        var to = new Option<string>("--to") { Description = "Recipient address", Required = true };
        var amount = new Option<string>("--amount") { Description = "Amount in base units", Required = true };
        var agent = new Option<string>("--agent") { Description = "Agent id", Required = true };
        var capabilities = new Option<string[]>("--capability") { Description = "A capability the agent offers (repeat for more)", Required = true, AllowMultipleArgumentsPerToken = true };
        var adapter = new Option<string>("--adapter") { Description = "http, rag or zk", DefaultValueFactory = _ => "http" };
        var endpoint = new Option<string>("--endpoint") { Description = "Where the agent is reached (an http(s) URL for http agents)", Required = true };
        var config = new Option<string>("--config") { Description = "Adapter settings as a JSON object", DefaultValueFactory = _ => "" };
        var price = new Option<string>("--price")
        {
            Description = "Price per call in base units (at least the node's pot.registry.min-price-per-call, 10 by default)", DefaultValueFactory = _ => "10"
        };
        var p95 = new Option<uint>("--sla-p95-ms") { Description = "SLA: p95 latency in milliseconds", DefaultValueFactory = _ => 2000 };
        var success = new Option<ushort>("--sla-success-bps") { Description = "SLA: success rate in basis points (9900 = 99 %)", DefaultValueFactory = _ => 9900 };
        var stake = new Option<string>("--stake") { Description = "Stake locked behind the agent, in base units", Required = true };
        var proofKind = new Option<string>("--proof-kind")
        {
            Description = "pol-v1 (training log), groth16-sgd-v1 (ZK proof of an SGD step) or opaque (judged by hand)", DefaultValueFactory = _ => "opaque"
        };
        var proofHash = new Option<string?>("--proof-hash") { Description = "keccak256 of the proof package (0x + 64 hex)" };
        var proofFile = new Option<FileInfo?>("--proof-file")
        {
            Description = "The proof: a bundle from `pot proof train|pack-zk` (its hash is the proof hash), or any file (its keccak256)"
        };
        var proofUri = new Option<string>("--proof-uri") { Description = "Where validators fetch the proof package", Required = true };
        var round = new Option<string>("--round")
        {
            Description = "Round id, e.g. summarizer-1.1 (the node's network tag, \"@…\", is added when missing)", Required = true
        };
        var verdict = new Option<string>("--verdict") { Description = "approve or reject", Required = true };
        var score = new Option<string>("--score") { Description = "Score from 0 to 1 (up to 6 decimals)", Required = true };
        var saltDir = new Option<string>("--salt-dir")
        {
            Description = "Where commit keeps vote salts for reveal",
            DefaultValueFactory = _ => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pot", "salts")
        };
        var validator = new Option<string>("--validator") { Description = "The validator that equivocated", Required = true };
        var first = new Option<FileInfo>("--first") { Description = "A file with the first signed vote (an envelope {type, message, signature})", Required = true };
        var second = new Option<FileInfo>("--second") { Description = "A file with the second, different signed vote", Required = true };

        return new Command("send", "Sign a command with a key file and send it to a node")
        {
            Verb("transfer", "Transfer tokens to another account", [to, amount],
                (p, a, n) => new Transfer(a, Address.Parse(p.GetValue(to)!), Amount(p.GetValue(amount)!), n)),
            Verb("stake-validator", "Stake tokens as a validator", [amount],
                (p, a, n) => new StakeAsValidator(a, Amount(p.GetValue(amount)!), n)),
            Verb("stake-agent", "Add stake behind one of your agents", [agent, amount],
                (p, a, n) => new StakeForAgent(a, p.GetValue(agent)!, Amount(p.GetValue(amount)!), n)),
            Verb("unstake", "Move validator stake into unbonding", [amount],
                (p, a, n) => new Unstake(a, Amount(p.GetValue(amount)!), n)),
            Verb("withdraw", "Return matured unbonding stake to the balance", [],
                (_, a, n) => new Withdraw(a, n)),
            Verb("register-agent", "Register an agent, locking stake behind it", [agent, capabilities, adapter, endpoint, config, price, p95, success, stake],
                (p, a, n) => new RegisterAgent(a, p.GetValue(agent)!, [.. p.GetValue(capabilities)!], p.GetValue(adapter)!, p.GetValue(endpoint)!,
                    p.GetValue(config)!, Amount(p.GetValue(price)!), p.GetValue(p95), p.GetValue(success), Amount(p.GetValue(stake)!), n)),
            Verb("update-agent", "Replace an agent's capabilities, endpoint, config, price and SLA", [agent, capabilities, endpoint, config, price, p95, success],
                (p, a, n) => new UpdateAgent(a, p.GetValue(agent)!, [.. p.GetValue(capabilities)!], p.GetValue(endpoint)!,
                    p.GetValue(config)!, Amount(p.GetValue(price)!), p.GetValue(p95), p.GetValue(success), n)),
            Verb("deregister-agent", "Deregister an agent; its stake enters unbonding", [agent],
                (p, a, n) => new DeregisterAgent(a, p.GetValue(agent)!, n)),
            Verb("submit-proof", "Submit a proof of training for one of your agents: opens a validation round", [agent, proofKind, proofHash, proofFile, proofUri],
                (p, a, n) => new SubmitTrainingProof(a, p.GetValue(agent)!, p.GetValue(proofKind)!, ProofHash(p.GetValue(proofHash), p.GetValue(proofFile), p.GetValue(proofKind)!),
                    p.GetValue(proofUri)!, n)),
            RoundVerb("commit", "Commit a sealed vote in a round (the salt is kept in --salt-dir for the reveal)", round, [verdict, score, saltDir],
                (p, a, roundId) => Votes.Commit(a, roundId, p.GetValue(verdict)!, p.GetValue(score)!, p.GetValue(saltDir)!)),
            RoundVerb("reveal", "Reveal the vote committed in a round (reads the salt kept by `commit`)", round, [saltDir],
                (p, a, roundId) => Votes.Reveal(a, roundId, p.GetValue(saltDir)!)),
            RoundVerb("report-equivocation", "Prove that a validator signed two different votes in a round (you get the bounty)",
                round, [validator, first, second],
                (p, a, roundId) => Votes.Report(a, roundId, Address.Parse(p.GetValue(validator)!), p.GetValue(first)!, p.GetValue(second)!))
        };
    }

    /// <summary>A verifiable kind's hash is its bundle's (what the proof store files it under); an opaque proof's is the
    /// keccak256 of the file.</summary>
    private static HexBytes ProofHash(string? hash, FileInfo? file, string kind) => (hash, file) switch
    {
        ({ } h, null) => HexBytes.Parse(h),
        (null, { } f) when PoT.Proofs.ProofBundle.Kinds.Contains(kind) => PoT.Proofs.ProofBundle.Parse(File.ReadAllText(f.FullName)).Hash(),
        (null, { } f) => HexBytes.From(Keccak.Hash(File.ReadAllBytes(f.FullName))),
        _ => throw new ArgumentException("give the proof as --proof-hash 0x… or --proof-file FILE")
    };

    /// <summary>A vote verb: signs what <paramref name="build"/> makes for the round <c>--round</c> names, completed with the
    /// node's network tag when the user gave it without (votes carry no nonce; the tag binds them to their network).</summary>
    private static Command RoundVerb(string name, string description, Option<string> round, Option[] options,
        Func<ParseResult, Address, string, ISignedMessage> build) =>
        Verb(name, description, [round, .. options], (p, a, _, tag) => build(p, a, PoT.Consensus.RoundIds.Complete(p.GetValue(round)!, tag)),
            needsNonce: false, needsNetwork: true);

    /// <summary>A verb that signs what <paramref name="build"/> makes and posts it to <paramref name="path"/>.</summary>
    internal static Command Verb(string name, string description, Option[] options, Func<ParseResult, Address, ulong, ISignedMessage> build,
        bool needsNonce = true, string path = "/v1/commands") =>
        Verb(name, description, options, (p, a, n, _) => build(p, a, n), needsNonce, needsNetwork: false, path);

    private static Command Verb(string name, string description, Option[] options, Func<ParseResult, Address, ulong, string?, ISignedMessage> build,
        bool needsNonce, bool needsNetwork, string path = "/v1/commands")
    {
        var command = new Command(name, description) { KeyOption, PasswordOption, NodeOption, NonceOption, DryRunOption };
        foreach (var option in options) command.Options.Add(option);
        command.SetAction(parse => Cli.RunAsync(async () =>
        {
            using var key = KeyFile.Read(parse.GetValue(KeyOption)!, KeyFile.ReadPassword(parse.GetValue(PasswordOption)));
            using var node = new NodeClient(new Uri(parse.GetValue(NodeOption)!));
            var verifier = new CommandVerifier(CommandCatalog.Pot, await node.Domain());
            var nonce = parse.GetValue(NonceOption) ?? (needsNonce ? await node.NextNonce(key.Address) : 0);
            var tag = needsNetwork ? await node.NetworkTag() : null;
            var signed = verifier.Sign(build(parse, key.Address, nonce, tag), key);
            var envelope = CommandVerifier.WireEnvelope(signed.Envelope);
            if (parse.GetValue(DryRunOption))
            {
                Console.WriteLine(new Newtonsoft.Json.Linq.JObject
                {
                    ["envelope"] = envelope,
                    ["typedData"] = verifier.TypedDataDocument(signed.Envelope.Type, signed.Envelope.Message),
                    ["digest"] = signed.Envelope.Digest
                });
                return 0;
            }
            return Cli.Print(await node.Post(path, envelope));
        }));
        return command;
    }

    internal static UInt128 Amount(string text) =>
        UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{text}' is not an amount: a whole number of base units, at most 2^128-1");
}
