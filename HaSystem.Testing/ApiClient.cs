using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace HaSystem.Testing;

/// <summary>Signs demo users in (password from the AppHost's secret parameter) and calls the API as them.</summary>
public sealed class ApiClient
{
    private readonly HaSystemApp _system;
    private readonly Dictionary<string, string> _tokens = [];

    public ApiClient(HaSystemApp system) => _system = system;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<string> DemoPasswordAsync()
    {
        var parameter = _system.Model.Resources.OfType<ParameterResource>().Single(p => p.Name == "demo-password");
        return await parameter.GetValueAsync(default) ?? throw new InvalidOperationException("demo-password has no value.");
    }

    /// <summary>A bearer token for <c>{role}@{tenant}</c>, cached for the test class.</summary>
    public async Task<string> TokenAsync(string user)
    {
        if (_tokens.TryGetValue(user, out var cached))
        {
            return cached;
        }

        using var http = _system.CreateSpreadingClient("apiservice");
        var response = await http.PostAsJsonAsync("/api/auth/token", new { userName = user, password = await DemoPasswordAsync() });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        _tokens[user] = token;
        return token;
    }

    /// <summary>A service token for the worker's client credentials (the <c>worker-client-secret</c> parameter).</summary>
    public async Task<string> ServiceTokenAsync()
    {
        if (_tokens.TryGetValue("service:worker", out var cached))
        {
            return cached;
        }

        var parameter = _system.Model.Resources.OfType<ParameterResource>().Single(p => p.Name == "worker-client-secret");
        using var http = _system.CreateSpreadingClient("apiservice");
        var response = await http.PostAsJsonAsync("/api/auth/service-token", new { clientId = "worker", clientSecret = await parameter.GetValueAsync(default) });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        _tokens["service:worker"] = token;
        return token;
    }

    /// <summary>Sends a request as <paramref name="user"/> (or anonymously) to <paramref name="baseAddress"/>.</summary>
    public async Task<HttpResponseMessage> SendAsync(Uri baseAddress, HttpMethod method, string path, string? user, HttpContent? content = null, TimeSpan? timeout = null)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.ConnectionClose = true;
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(user));
        }

        return await http.SendAsync(request);
    }

    public Uri ProxyAddress => _system.App.GetEndpoint("apiservice", "http");

    public static string? ServedBy(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : null;

    public static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Json);
}
