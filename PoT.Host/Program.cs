using System.CommandLine;
using PoT.Host.Cli;

// `pot`: the PoT node and its client verbs. `pot --help` lists them; every verb has its own --help.
var root = new RootCommand("PoT — Proof-of-Training network node and client")
{
    NodeCommand.Create(),
    KeysCommand.Create(),
    GenesisCommand.Create(),
    SendCommand.Create(),
    ShowCommand.Create(),
    ProofCommand.Create(),
    ProjectionsCommand.Create(),
    AuditCommand.Create(),
    SnapshotCommand.Create(),
    TaskCommand.Create()
};
return await root.Parse(args).InvokeAsync();
