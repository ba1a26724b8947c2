using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HaSystem.Contracts.Http;

namespace HaSystem.Tests.Security;

/// <summary>
/// Generates malformed and hostile HTTP requests from a seed (so a failure can be replayed): random methods, real and
/// invented paths, odd query strings, headers and bodies, and bearer tokens an attacker could make: <c>alg: none</c>,
/// signed with a wrong key, expired, a real token with its tenant or role edited, tenant ids that are not tenant ids.
/// </summary>
public sealed class HostileRequests(int seed, string signingKey)
{
    private static readonly string[] Methods = ["GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND"];

    private static readonly string[] ApiPaths =
    [
        "/api/catalog/products", "/api/catalog/products/1", "/api/catalog/products/-1", "/api/catalog/products/99999999999999999999",
        "/api/catalog/cache/invalidate", "/api/catalog/cache/warm", "/api/orders", "/api/orders?page=0", "/api/reports",
        "/api/reports/progress", "/api/coordination/leader", "/api/admin/chaos/database", "/api/info", "/api/redis/state/probe",
        "/api/redis/cache/probe", "/api/redis/..%2F..%2Fetc/probe", "/api/auth/token", "/api/auth/service-token", "/openapi/v1.json",
        "/scalar", "/health", "/health/ready", "/alive", "/api/catalog/products?page=2147483647&pageSize=100",
        "/api/catalog/products?search=%00%27%22%3B--", "/api/catalog/products?search=" + new string('*', 100), "/api/../../etc/passwd",
        "/api/catalog/products/%2e%2e", "/%ff%fe", "/api/orders/" + new string('9', 400), "/api//catalog//products", "/API/CATALOG/PRODUCTS",
    ];

    private static readonly string[] WebPaths =
    [
        "/", "/catalog", "/catalog?page=-5&search=%3Cscript%3E", "/products/1", "/products/99999999999", "/cart", "/checkout", "/orders",
        "/reports", "/admin", "/status", "/sign-in?ReturnUrl=https%3A%2F%2Fevil.example", "/cart/items", "/cart/items/1/remove",
        "/cart/checkout", "/sign-out", "/replica", "/status-code/999999999", "/_framework/blazor.web.js", "/%c0%ae%c0%ae/",
    ];

    private static readonly string[] OddTenants = ["ACME", "acme:*", "", " ", "acme ", "../globex", "acme\u0000", "ácme", "globex*", "a{b}", new string('a', 33), "*", "acme:1:orders"];

    private readonly Random _random = new(seed);

    public async Task<List<HostileResult>> SendAsync(int count, IReadOnlyList<(string Service, Uri Address)> targets, int concurrency, IPAddress source)
    {
        var requests = Enumerable.Range(0, count).Select(i => Next(i, targets[i % targets.Count])).ToList();
        using var http = LoopbackClient.From(source, TimeSpan.FromSeconds(20));
        var results = new HostileResult[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var request = requests[i];
            using var message = request.ToMessage();
            try
            {
                using var response = await http.SendAsync(message, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                results[i] = new HostileResult(request, (int)response.StatusCode, body.Contains("   at ", StringComparison.Ordinal) || body.Contains("Exception:", StringComparison.Ordinal));
            }
            catch (HttpRequestException ex)
            {
                // Only a request the client itself refuses to send is not an answer of the server's.
                results[i] = new HostileResult(request, 0, false, ex.Message);
            }
        });
        return [.. results];
    }

    private HostileRequest Next(int index, (string Service, Uri Address) target)
    {
        var api = target.Service == "api";
        var method = Pick(Methods);
        var path = Pick(api ? ApiPaths : WebPaths);
        var headers = new List<(string, string)>();
        var forged = false;
        if (_random.NextDouble() < (api ? 0.6 : 0.3))
        {
            forged = true;
            headers.Add(("Authorization", "Bearer " + ForgedToken()));
        }
        else if (_random.NextDouble() < 0.3)
        {
            headers.Add(("Authorization", Pick(["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer ", "Bearer a.b.c", "Bearer " + new string('A', 9000), "NTLM TlRMTVNTUAAB"])));
        }

        if (_random.NextDouble() < 0.3)
        {
            headers.Add((ApiHeaders.IdempotencyKey, Pick(["", " ", new string('k', 500), "../../x", "{\"a\":1}", Guid.NewGuid().ToString(), "%D0%BA%D0%BB", "\t"])));
        }

        if (_random.NextDouble() < 0.2)
        {
            headers.Add((Pick(["X-Tenant", "X-Forwarded-For", "X-Forwarded-Host", "X-Original-URL", "Tenant-Id"]), Pick(["globex", "127.0.0.1", "evil.example", "/api/admin/chaos/database"])));
        }

        if (!api && _random.NextDouble() < 0.4)
        {
            headers.Add(("Cookie", $".AspNetCore.Cookies={RandomText(_random.Next(1, 400))}; .AspNetCore.Session={RandomText(40)}"));
        }

        var (body, contentType) = method is "GET" or "HEAD" or "OPTIONS" or "TRACE" && _random.NextDouble() < 0.8 ? (null, null) : Body();
        return new HostileRequest(index, target.Service, new Uri(target.Address, path), method, headers, body, contentType, forged);
    }

    private string ForgedToken()
    {
        var tenant = Pick(["acme", "globex"]);
        return _random.Next(7) switch
        {
            0 => Token(new { alg = "none", typ = "JWT" }, Claims(tenant, "admin"), key: null),
            1 => Token(new { alg = "HS256", typ = "JWT" }, Claims(tenant, "admin"), key: RandomNumberGenerator.GetBytes(64)),
            2 => Token(new { alg = "HS256", typ = "JWT" }, Claims(tenant, "user", expires: DateTimeOffset.UtcNow.AddMinutes(-10)), key: Encoding.UTF8.GetBytes(signingKey)),
            3 => Edit(Token(new { alg = "HS256", typ = "JWT" }, Claims("acme", "user"), key: Encoding.UTF8.GetBytes(signingKey)), "\"acme\"", "\"globex\""),
            4 => Edit(Token(new { alg = "HS256", typ = "JWT" }, Claims(tenant, "user"), key: Encoding.UTF8.GetBytes(signingKey)), "\"user\"", Pick(["\"admin\"", "\"operator\"", "\"service\""])),
            5 => Token(new { alg = "HS256", typ = "JWT" }, Claims(Pick(OddTenants), "admin"), key: Encoding.UTF8.GetBytes(signingKey)),
            _ => Token(new { alg = Pick(["HS512", "RS256", "ES256", "none", "HS256 "]), typ = "JWT" }, Claims(tenant, "operator"), key: RandomNumberGenerator.GetBytes(32)),
        };
    }

    private static Dictionary<string, object> Claims(string tenant, string role, DateTimeOffset? expires = null)
    {
        var now = DateTimeOffset.UtcNow;
        return new()
        {
            ["sub"] = $"{role}@{tenant}",
            ["tenant_id"] = tenant,
            ["http://schemas.microsoft.com/ws/2008/06/identity/claims/role"] = role,
            ["iss"] = "hasystem-api",
            ["aud"] = "hasystem",
            ["nbf"] = now.AddMinutes(-30).ToUnixTimeSeconds(),
            ["exp"] = (expires ?? now.AddMinutes(10)).ToUnixTimeSeconds(),
        };
    }

    private static string Token(object header, Dictionary<string, object> claims, byte[]? key)
    {
        var unsigned = $"{Encode(JsonSerializer.SerializeToUtf8Bytes(header))}.{Encode(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        return key is null ? unsigned + "." : $"{unsigned}.{Encode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(unsigned)))}";
    }

    // A real token with a claim changed in its payload and its signature kept, as an attacker holding one would try.
    private static string Edit(string token, string from, string to)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Decode(parts[1])).Replace(from, to, StringComparison.Ordinal);
        return $"{parts[0]}.{Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
    }

    private (byte[]? Body, string? ContentType) Body() => _random.Next(9) switch
    {
        0 => (null, null),
        1 => (Encoding.UTF8.GetBytes("{\"name\":"), "application/json"),
        2 => (Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)), "application/json"),
        3 => (Encoding.UTF8.GetBytes("{\"items\":[{\"productId\":-1,\"quantity\":2147483647}],\"databaseFailing\":true,\"fencingToken\":9223372036854775807}"), "application/json"),
        4 => (RandomNumberGenerator.GetBytes(_random.Next(1, 4096)), Pick(["application/json", "application/octet-stream", "text/plain", "multipart/form-data; boundary=x"])),
        5 => (Encoding.UTF8.GetBytes("{\"userName\":\"" + Pick(["ghost@acme", "root@globex", "admin@acme.evil", "' OR 1=1 --"]) + "\",\"password\":\"" + RandomText(20) + "\"}"), "application/json"),
        6 => (Encoding.UTF8.GetBytes("productId=1&quantity=-5&__RequestVerificationToken=" + RandomText(30)), "application/x-www-form-urlencoded"),
        7 => (Encoding.UTF8.GetBytes("{\"name\":\"" + new string('x', 300_000) + "\",\"price\":1e400,\"stock\":\"NaN\"}"), "application/json"),
        _ => (Encoding.UTF8.GetBytes("{\"clientId\":\"operator\",\"clientSecret\":\"" + RandomText(40) + "\"}"), "application/json; charset=utf-7"),
    };

    private string RandomText(int length)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_%+/=";
        return string.Create(length, _random, (span, random) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[random.Next(Alphabet.Length)];
            }
        });
    }

    private T Pick<T>(T[] values) => values[_random.Next(values.Length)];

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Decode(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4));
}

public sealed record HostileRequest(int Index, string Service, Uri Uri, string Method, IReadOnlyList<(string Name, string Value)> Headers, byte[]? Body, string? ContentType, bool ForgedToken)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Uri);
        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        return message;
    }

    public override string ToString() =>
        $"#{Index} {Method} {Uri.PathAndQuery} ({Service}){(ForgedToken ? " forged token" : "")}{(Body is null ? "" : $", {Body.Length} bytes of {ContentType}")}";
}

public sealed record HostileResult(HostileRequest Request, int Status, bool LeaksStackTrace, string? ClientError = null)
{
    public bool ForgedToken => Request.ForgedToken;

    public string Service => Request.Service;

    public override string ToString() => $"{Request} → {Status}{(ClientError is null ? "" : $" ({ClientError})")}";
}
