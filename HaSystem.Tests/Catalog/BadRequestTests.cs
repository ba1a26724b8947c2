using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Catalog;

/// <summary>Every kind of bad request gets its 4xx as an RFC 7807 problem, never a 500, and changes nothing.</summary>
[Collection(SharedRunningSystem.Name)]
public sealed class BadRequestTests(RunningSystemFixture fixture)
{
    private const string Json = "application/json";

    public static TheoryData<string, string, string, string, string?, int> Cases()
    {
        var big = "{\"name\":\"" + new string('a', 70_000) + "\",\"price\":1,\"stock\":1}";
        var valid = "{\"name\":\"Valid\",\"price\":1,\"stock\":1}";
        return new()
        {
            // description, method, path, auth, body (content type first line), expected status
            { "no token", "GET", "/api/catalog/products", "none", null, 401 },
            { "forged signature", "GET", "/api/catalog/products", "forged", null, 401 },
            { "expired token", "GET", "/api/catalog/products", "expired", null, 401 },
            { "token signed with another key", "GET", "/api/catalog/products", "other-key", null, 401 },
            { "token for another audience", "GET", "/api/catalog/products", "wrong-audience", null, 401 },
            { "tenant id with separator and glob", "GET", "/api/catalog/products", "evil-tenant", null, 401 },
            { "not a JWT at all", "GET", "/api/catalog/products", "garbage", null, 401 },
            { "page 0", "GET", "/api/catalog/products?page=0", "user", null, 400 },
            { "negative page", "GET", "/api/catalog/products?page=-1", "user", null, 400 },
            { "page size 0", "GET", "/api/catalog/products?pageSize=0", "user", null, 400 },
            { "page size over 100", "GET", "/api/catalog/products?pageSize=101", "user", null, 400 },
            { "page not a number", "GET", "/api/catalog/products?page=abc", "user", null, 400 },
            { "search too long", "GET", "/api/catalog/products?search=" + new string('x', 101), "user", null, 400 },
            { "search with a NUL (PostgreSQL refuses it)", "GET", "/api/catalog/products?search=a%00b", "user", null, 400 },
            { "unknown product", "GET", "/api/catalog/products/999999", "user", null, 404 },
            { "product id not a number", "GET", "/api/catalog/products/abc", "user", null, 404 },
            { "write as a plain user", "POST", "/api/catalog/products", "user", Json + "\n" + valid, 403 },
            { "malformed JSON", "POST", "/api/catalog/products", "admin", Json + "\n{\"name\":", 400 },
            { "JSON array instead of object", "POST", "/api/catalog/products", "admin", Json + "\n[1,2]", 400 },
            { "price of the wrong type", "POST", "/api/catalog/products", "admin", Json + "\n{\"name\":\"x\",\"price\":\"abc\",\"stock\":1}", 400 },
            { "empty name", "POST", "/api/catalog/products", "admin", Json + "\n{\"name\":\"\",\"price\":1,\"stock\":1}", 400 },
            { "name too long", "POST", "/api/catalog/products", "admin", Json + "\n{\"name\":\"" + new string('n', 201) + "\",\"price\":1,\"stock\":1}", 400 },
            { "negative price", "POST", "/api/catalog/products", "admin", Json + "\n{\"name\":\"x\",\"price\":-1,\"stock\":1}", 400 },
            { "stock out of range", "POST", "/api/catalog/products", "admin", Json + "\n{\"name\":\"x\",\"price\":1,\"stock\":2000000}", 400 },
            { "empty body", "POST", "/api/catalog/products", "admin", Json + "\n", 400 },
            { "oversized body", "POST", "/api/catalog/products", "admin", Json + "\n" + big, 413 },
            { "not JSON", "POST", "/api/catalog/products", "admin", "text/plain\nhello", 415 },
            { "update of an unknown product", "PUT", "/api/catalog/products/999999", "admin", Json + "\n" + valid, 404 },
            { "delete of an unknown product", "DELETE", "/api/catalog/products/999999", "admin", null, 404 },
            { "delete as a plain user", "DELETE", "/api/catalog/products/1", "user", null, 403 },
            { "invalidate as a plain user", "POST", "/api/catalog/cache/invalidate", "user", null, 403 },
            { "unsupported method", "PATCH", "/api/catalog/products/1", "admin", Json + "\n{}", 405 },
            { "unknown route", "GET", "/api/nothing-here", "user", null, 404 },
            { "unknown Redis role", "POST", "/api/redis/nope/probe", "none", null, 404 },
            { "chaos as a tenant admin", "PUT", "/api/admin/chaos/database", "admin", Json + "\n{\"databaseFailing\":true}", 403 },
            { "chaos as the worker", "PUT", "/api/admin/chaos/database", "service", Json + "\n{\"databaseFailing\":true}", 403 },
            { "chaos with a forged operator token", "PUT", "/api/admin/chaos/database", "forged-operator", Json + "\n{\"databaseFailing\":true}", 401 },
            { "tenant endpoint as the operator", "GET", "/api/catalog/products", "operator", null, 403 },
            { "wrong password", "POST", "/api/auth/token", "none", Json + "\n{\"userName\":\"admin@acme\",\"password\":\"wrong\"}", 401 },
            { "unknown user", "POST", "/api/auth/token", "none", Json + "\n{\"userName\":\"nobody@acme\",\"password\":\"wrong\"}", 401 },
            { "empty credentials", "POST", "/api/auth/token", "none", Json + "\n{\"userName\":\"\",\"password\":\"\"}", 400 },
            { "malformed credentials", "POST", "/api/auth/token", "none", Json + "\nnot json", 400 },
        };
    }

    // Guards against a bad request turning into a 500, a stack trace, or a non-problem response.
    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Cases))]
    public async Task Bad_requests_get_a_problem_response(string description, string method, string path, string auth, string? body, int expected)
    {
        var api = fixture.Api;
        using var http = new HttpClient { BaseAddress = api.ProxyAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            var split = body.IndexOf('\n', StringComparison.Ordinal);
            request.Content = new StringContent(body[(split + 1)..], Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(body[..split]);
        }

        var token = await TokenForAsync(auth);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == (int)response.StatusCode, $"{description}: expected {expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(expected, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }

    // Guards against a rejected write that still changed stored data.
    [Fact(Timeout = 60_000)]
    public async Task Rejected_writes_leave_the_product_unchanged()
    {
        var api = fixture.Api;
        using var before = await api.SendAsync(api.ProxyAddress, HttpMethod.Get, "/api/catalog/products/1", "user@acme");
        var original = (await ApiClient.BodyAsync(before)).GetProperty("name").GetString();
        foreach (var body in new[] { "{\"name\":\"\",\"price\":1,\"stock\":1}", "{\"name\":\"x\",\"price\":-5,\"stock\":1}", "{\"name\":" })
        {
            using var put = await api.SendAsync(api.ProxyAddress, HttpMethod.Put, "/api/catalog/products/1", "admin@acme", new StringContent(body, Encoding.UTF8, Json));
            Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        }

        using var after = await api.SendAsync(api.ProxyAddress, HttpMethod.Get, "/api/catalog/products/1", "user@acme");
        Assert.Equal(original, (await ApiClient.BodyAsync(after)).GetProperty("name").GetString());
    }

    private async Task<string?> TokenForAsync(string auth)
    {
        var key = await fixture.System.Model.Resources.OfType<ParameterResource>().Single(p => p.Name == "jwt-signing-key").GetValueAsync(default);
        return auth switch
        {
            "none" => null,
            "user" => await fixture.Api.TokenAsync("user@acme"),
            "admin" => await fixture.Api.TokenAsync("admin@acme"),
            "service" => await fixture.Api.ServiceTokenAsync(),
            "operator" => await fixture.Api.TokenAsync(ApiClient.Operator),
            "forged-operator" => TestTokens.CreateWithoutTenant(new string('k', 64), "operator"),
            "forged" => TestTokens.Create(key!, "acme")[..^4] + "AAAA",
            "expired" => TestTokens.Create(key!, "acme", expires: DateTimeOffset.UtcNow.AddMinutes(-5)),
            "other-key" => TestTokens.Create(new string('k', 64), "acme"),
            "wrong-audience" => TestTokens.Create(key!, "acme", audience: "someone-else"),
            "evil-tenant" => TestTokens.Create(key!, "acme:*"),
            "garbage" => "not-a-token",
            _ => throw new ArgumentOutOfRangeException(nameof(auth)),
        };
    }
}
