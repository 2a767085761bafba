using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PoT.Adapters;

/// <summary>
/// One agent call as HTTP: the agent's endpoint and config (docs/adapters.md) read once per call, then a fresh
/// <see cref="HttpRequestMessage"/> per attempt.
/// </summary>
internal sealed class HttpAgentCall
{
    /// <summary>Methods sent without a body: the step goes into the query string.</summary>
    private static readonly HashSet<string> Bodiless = new(StringComparer.Ordinal) { "GET", "HEAD", "DELETE", "OPTIONS", "TRACE" };

    /// <summary>Headers the adapter sets itself (or the HTTP stack does); an agent's config may not set them.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Upgrade", "TE", "Trailer", TaskHeader, StepHeader,
    };

    private static readonly JsonLoadSettings StrictLoad = new()
    {
        DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
        CommentHandling = CommentHandling.Ignore,
    };

    public const string TaskHeader = "X-PoT-Task";
    public const string StepHeader = "X-PoT-Step";
    private const int MaxTimeoutMs = 86_400_000;

    private readonly List<KeyValuePair<string, string>> _headers;
    private readonly List<KeyValuePair<string, string>> _contentHeaders;

    private HttpAgentCall(HttpMethod method, Uri uri, string? body, TimeSpan? timeout, string taskId, string stepId,
        List<KeyValuePair<string, string>> headers, List<KeyValuePair<string, string>> contentHeaders)
    {
        Method = method;
        Uri = uri;
        Body = body;
        Timeout = timeout;
        TaskId = taskId;
        StepId = stepId;
        _headers = headers;
        _contentHeaders = contentHeaders;
    }

    public HttpMethod Method { get; }
    public Uri Uri { get; }
    /// <summary>The JSON body, or null for a bodiless method.</summary>
    public string? Body { get; }
    /// <summary>The config's timeoutMs, if it set one.</summary>
    public TimeSpan? Timeout { get; }
    public string TaskId { get; }
    public string StepId { get; }

    /// <summary>Reads the request's endpoint and config; on a problem returns null and says what is wrong.</summary>
    public static HttpAgentCall? TryCreate(AgentRequest request, out string? problem)
    {
        problem = null;
        if (!Uri.TryCreate(request.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            problem = $"endpoint '{request.Endpoint}' is not an absolute http(s) URL";
            return null;
        }

        JObject config;
        if (string.IsNullOrWhiteSpace(request.Config))
            config = [];
        else
        {
            try
            {
                using var reader = new JsonTextReader(new StringReader(request.Config)) { DateParseHandling = DateParseHandling.None };
                var token = JToken.ReadFrom(reader, StrictLoad);
                if (reader.Read())
                    throw new JsonReaderException("additional content after the JSON value");
                if (token is not JObject o)
                {
                    problem = "config must be a JSON object";
                    return null;
                }
                config = o;
            }
            catch (JsonException e)
            {
                problem = $"config is not valid JSON: {e.Message}";
                return null;
            }
        }

        var method = "POST";
        string? path = null;
        TimeSpan? timeout = null;
        var headers = new List<KeyValuePair<string, string>>();
        var query = new List<KeyValuePair<string, string>>();
        foreach (var property in config.Properties())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "method":
                    if (value.Type != JTokenType.String || (string)value! is not { Length: > 0 and <= 32 } m || !m.All(char.IsAsciiLetter))
                        return Invalid(out problem, "config.method must be an HTTP method name such as \"POST\" or \"GET\"");
                    method = m.ToUpperInvariant();
                    break;
                case "path":
                    if (value.Type != JTokenType.String || (string)value! is not { Length: > 0 } p || p[0] != '/'
                        || p.Any(ch => ch is '?' or '#' || char.IsWhiteSpace(ch) || char.IsControl(ch)))
                        return Invalid(out problem, "config.path must be a string starting with '/', without '?', '#' or spaces");
                    path = p;
                    break;
                case "headers":
                    if (!TryStrings(value, "headers", headers, out problem))
                        return null;
                    break;
                case "query":
                    if (!TryStrings(value, "query", query, out problem))
                        return null;
                    break;
                case "timeoutMs":
                    if (value.Type != JTokenType.Integer || (long)value! is < 1 or > MaxTimeoutMs)
                        return Invalid(out problem, $"config.timeoutMs must be an integer from 1 to {MaxTimeoutMs}");
                    timeout = TimeSpan.FromMilliseconds((long)value!);
                    break;
                default:
                    return Invalid(out problem, $"config.{property.Name} is not a setting of the http adapter (method, path, headers, query, timeoutMs)");
            }
        }

        var hasBody = !Bodiless.Contains(method);
        var requestHeaders = new List<KeyValuePair<string, string>>();
        var contentHeaders = new List<KeyValuePair<string, string>>();
        using (var probe = new HttpRequestMessage())
        using (var content = new ByteArrayContent([]))
        {
            foreach (var (name, value) in headers)
            {
                if (name.Length == 0 || !name.All(IsTokenChar))
                    return Invalid(out problem, $"config.headers: '{name}' is not a header name");
                if (Reserved.Contains(name))
                    return Invalid(out problem, $"config.headers: {name} is set by the adapter");
                if (!value.All(ch => ch == '\t' || ch is >= ' ' and <= '~'))
                    return Invalid(out problem, $"config.headers.{name}: printable ASCII only");
                if (probe.Headers.TryAddWithoutValidation(name, value))
                    requestHeaders.Add(new(name, value));
                else if (hasBody && content.Headers.TryAddWithoutValidation(name, value))
                    contentHeaders.Add(new(name, value));
                else
                    return Invalid(out problem, $"config.headers: {name} cannot be sent with {method}");
            }
        }

        foreach (var (name, _) in query)
        {
            if (name.Length == 0)
                return Invalid(out problem, "config.query: an empty parameter name");
        }

        if (!hasBody)
        {
            query.Add(new("taskId", request.TaskId));
            query.Add(new("stepId", request.StepId));
            query.Add(new("capability", request.Capability));
            query.Add(new("input", request.Input is { Type: JTokenType.String } s ? (string)s! : Compact(request.Input)));
        }

        var target = endpoint.GetLeftPart(UriPartial.Path);
        if (path is not null)
            target = target.TrimEnd('/') + path;
        var queryString = new StringBuilder(endpoint.Query.TrimStart('?'));
        foreach (var (name, value) in query)
        {
            if (queryString.Length > 0)
                queryString.Append('&');
            queryString.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        if (queryString.Length > 0)
            target += "?" + queryString;
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri))
            return Invalid(out problem, $"endpoint and config.path do not make a URL: {target}");

        return new HttpAgentCall(new HttpMethod(method), uri, hasBody ? JsonBody(request) : null, timeout, request.TaskId, request.StepId,
            requestHeaders, contentHeaders);
    }

    /// <summary>A new request message (one per attempt: a message cannot be sent twice).</summary>
    public HttpRequestMessage CreateMessage()
    {
        var message = new HttpRequestMessage(Method, Uri);
        foreach (var (name, value) in _headers)
            message.Headers.TryAddWithoutValidation(name, value);
        message.Headers.TryAddWithoutValidation(TaskHeader, TaskId);
        message.Headers.TryAddWithoutValidation(StepHeader, StepId);
        if (Body is not null)
        {
            message.Content = new StringContent(Body, Encoding.UTF8, "application/json");
            foreach (var (name, value) in _contentHeaders)
                message.Content.Headers.TryAddWithoutValidation(name, value);
        }
        return message;
    }

    /// <summary>{"taskId","stepId","capability","input"}, written without touching the caller's input token.</summary>
    private static string JsonBody(AgentRequest request)
    {
        var text = new StringWriter();
        using (var writer = new JsonTextWriter(text) { Formatting = Formatting.None })
        {
            writer.WriteStartObject();
            writer.WritePropertyName("taskId");
            writer.WriteValue(request.TaskId);
            writer.WritePropertyName("stepId");
            writer.WriteValue(request.StepId);
            writer.WritePropertyName("capability");
            writer.WriteValue(request.Capability);
            writer.WritePropertyName("input");
            if (request.Input is null)
                writer.WriteNull();
            else
                request.Input.WriteTo(writer);
            writer.WriteEndObject();
        }
        return text.ToString();
    }

    private static string Compact(JToken? input) => input is null ? "null" : input.ToString(Formatting.None);

    private static bool TryStrings(JToken value, string key, List<KeyValuePair<string, string>> into, out string? problem)
    {
        problem = null;
        if (value is not JObject o)
        {
            problem = $"config.{key} must be an object of strings";
            return false;
        }
        foreach (var property in o.Properties())
        {
            if (property.Value.Type != JTokenType.String)
            {
                problem = $"config.{key}.{property.Name} must be a string";
                return false;
            }
            into.Add(new(property.Name, (string)property.Value!));
        }
        return true;
    }

    private static HttpAgentCall? Invalid(out string? problem, string message)
    {
        problem = message;
        return null;
    }

    /// <summary>RFC 9110 token characters (header names).</summary>
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
}
