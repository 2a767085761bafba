using Nethereum.KeyStore;
using Newtonsoft.Json.Linq;
using PoT.Protocol;

namespace PoT.Host.Cli;

/// <summary>
/// Key files of `pot keys`: either a standard Web3 Secret Storage file (scrypt-encrypted, readable by geth and
/// most wallets) or, for development, a plain JSON file with the private key. Both are written owner-only.
/// </summary>
public static class KeyFile
{
    public const string PasswordVariable = "POT_KEY_PASSWORD";

    public static void WritePlain(string path, EthKey key) => Write(path, new JObject
    {
        ["address"] = key.Address.Value,
        ["privateKey"] = key.PrivateKeyHex(),
        ["warning"] = "unencrypted development key: anyone who reads this file controls the account"
    }.ToString());

    public static void WriteEncrypted(string path, EthKey key, string password)
    {
        var privateKey = Convert.FromHexString(key.PrivateKeyHex()[2..]);
        Write(path, new KeyStoreService().EncryptAndGenerateDefaultKeyStoreAsJson(password, privateKey, key.Address.Value));
    }

    public static EthKey Read(string path, string? password)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no key file at {path}");
        var json = File.ReadAllText(path);
        var root = JObject.Parse(json);
        if (root["privateKey"] is { } plain) return EthKey.FromHex((string)plain!);
        if (root["crypto"] is null && root["Crypto"] is null) throw new FormatException($"{path} is neither a plain nor an encrypted PoT key file");
        password ??= Environment.GetEnvironmentVariable(PasswordVariable)
            ?? throw new InvalidOperationException($"{path} is encrypted: give --password-file or set {PasswordVariable}");
        return new EthKey(new KeyStoreService().DecryptKeyStoreFromJson(password, json));
    }

    public static string? ReadPassword(FileInfo? passwordFile) =>
        passwordFile is null ? null : File.ReadAllText(passwordFile.FullName).TrimEnd('\r', '\n');

    private static void Write(string path, string contents)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new IOException($"{path} exists; refusing to overwrite a key");
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using (var stream = new FileStream(full, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            using var writer = new StreamWriter(stream);
            writer.Write(contents);
        }
    }
}
