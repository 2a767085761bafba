using System.Net.Http.Headers;
using System.Numerics;
using System.Text;
using Newtonsoft.Json.Linq;
using PoT.Protocol;

namespace PoT.Host.Cli;

/// <summary>The client verbs' view of a node's HTTP API.</summary>
public sealed class NodeClient(Uri node) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = node, Timeout = TimeSpan.FromSeconds(30) };

    public async Task<(int Status, JObject Body)> Get(string path)
    {
        using var response = await _http.GetAsync(path);
        return ((int)response.StatusCode, await Body(response));
    }

    public async Task<(int Status, JObject Body)> Post(string path, JObject body)
    {
        using var content = new StringContent(body.ToString(Newtonsoft.Json.Formatting.None), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(path, content);
        return ((int)response.StatusCode, await Body(response));
    }

    public async Task<(int Status, JObject Body)> Put(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PutAsync(path, content);
        return ((int)response.StatusCode, await Body(response));
    }

    /// <summary>The node's EIP-712 domain: clients sign for exactly the network they talk to.</summary>
    public async Task<Eip712Domain> Domain()
    {
        var (status, body) = await Get("/v1/schema");
        if (status != 200) throw new InvalidOperationException($"the node did not give its schema (HTTP {status})");
        var domain = (JObject)body["domain"]!;
        return new Eip712Domain((string)domain["name"]!, (string)domain["version"]!,
            BigInteger.Parse((string)domain["chainId"]!), Address.Parse((string)domain["verifyingContract"]!));
    }

    /// <summary>The tag of the node's network (GET /health: networkTag), which round ids end with.</summary>
    public async Task<string> NetworkTag()
    {
        var (status, body) = await Get("/health");
        return (string?)body["networkTag"] ?? throw new InvalidOperationException(
            $"the node names no network yet (HTTP {status}: it has no genesis); give the round id in full, with its \"@…\"");
    }

    /// <summary>The account's next nonce (0 for an account the node has never seen).</summary>
    public async Task<ulong> NextNonce(Address account)
    {
        var (status, body) = await Get($"/v1/accounts/{account}");
        return status == 200 ? (ulong)body["nextNonce"]! : 0;
    }

    private static async Task<JObject> Body(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JToken.Parse(text) as JObject ?? new JObject { ["body"] = text };
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return new JObject { ["body"] = text };
        }
    }

    public void Dispose() => _http.Dispose();
}
