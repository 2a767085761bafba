using System.CommandLine;
using PoT.Protocol;

namespace PoT.Host.Cli;

/// <summary>`pot keys new` and `pot keys show`.</summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Key file to write", Required = true };
        var plain = new Option<bool>("--plain") { Description = "Write the private key unencrypted (development only)" };
        var passwordFile = new Option<FileInfo?>("--password-file") { Description = $"Encrypt with the password in this file (or set {KeyFile.PasswordVariable})" };
        var create = new Command("new", "Create a key, write it to a file and print its address") { output, plain, passwordFile };
        create.SetAction(parse => Cli.Run(() =>
        {
            using var key = EthKey.Generate();
            var path = parse.GetValue(output)!;
            var password = KeyFile.ReadPassword(parse.GetValue(passwordFile)) ?? Environment.GetEnvironmentVariable(KeyFile.PasswordVariable);
            if (parse.GetValue(plain)) KeyFile.WritePlain(path, key);
            else if (password is not null) KeyFile.WriteEncrypted(path, key, password);
            else throw new ArgumentException($"choose --plain (development) or give a password with --password-file or {KeyFile.PasswordVariable}");
            Console.WriteLine(key.Address.Value);
        }));

        var keyFile = new Option<string>("--key", "-k") { Description = "Key file", Required = true };
        var showPassword = new Option<FileInfo?>("--password-file") { Description = "Password of an encrypted key file" };
        var show = new Command("show", "Print the address of a key file") { keyFile, showPassword };
        show.SetAction(parse => Cli.Run(() =>
        {
            using var key = KeyFile.Read(parse.GetValue(keyFile)!, KeyFile.ReadPassword(parse.GetValue(showPassword)));
            Console.WriteLine(key.Address.Value);
        }));
        return new Command("keys", "Create and inspect account keys") { create, show };
    }
}
