using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HaSystem.Testing;

/// <summary>
/// Signs demo users in (each one's password from its AppHost secret parameter), and the worker and the operator with
/// their client secrets, and calls the API as them.
/// </summary>
public sealed class ApiClient
{
    private readonly HaSystemApp _system;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string>>> _tokens = new(StringComparer.Ordinal);

    public ApiClient(HaSystemApp system) => _system = system;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The user name under which <see cref="TokenAsync"/> and <see cref="SendAsync"/> act as the operator.</summary>
    public const string Operator = "operator";

    /// <summary>The password of a demo user, <c>{role}@{tenant}</c>: its own secret parameter.</summary>
    public Task<string> PasswordOfAsync(string user) => ParameterValueAsync(DemoUsers.ParameterNameOf(user));

    /// <summary>The value of one of the AppHost's parameters (a secret, generated per run).</summary>
    public async Task<string> ParameterValueAsync(string name)
    {
        var parameter = _system.Model.Resources.OfType<ParameterResource>().Single(p => p.Name == name);
        return await parameter.GetValueAsync(default) ?? throw new InvalidOperationException($"{name} has no value.");
    }

    /// <summary>
    /// A bearer token for <c>{role}@{tenant}</c>, or for the <see cref="Operator"/>, cached for the test class. Callers
    /// that ask at once share one sign-in: the API counts sign-in attempts per user name before it checks them, so 30
    /// requests fired together must not become 30 sign-ins.
    /// </summary>
    public Task<string> TokenAsync(string user) =>
        user == Operator
            ? ClientTokenAsync(Operator, "operator-client-secret")
            : CachedAsync(user, async () => await IssueAsync("/api/auth/token", new { userName = user, password = await PasswordOfAsync(user) }));

    /// <summary>A service token for the worker's client credentials (the <c>worker-client-secret</c> parameter).</summary>
    public Task<string> ServiceTokenAsync() => ClientTokenAsync("worker", "worker-client-secret");

    private Task<string> ClientTokenAsync(string clientId, string secretParameter) =>
        CachedAsync($"client:{clientId}", async () => await IssueAsync("/api/auth/service-token", new { clientId, clientSecret = await ParameterValueAsync(secretParameter) }));

    private async Task<string> CachedAsync(string key, Func<Task<string>> issue)
    {
        var pending = _tokens.GetOrAdd(key, _ => new Lazy<Task<string>>(issue));
        try
        {
            return await pending.Value;
        }
        catch
        {
            _tokens.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(key, pending));
            throw;
        }
    }

    // A test that proves the sign-in throttle leaves its address throttled for a window: the next sign-in waits it out
    // (Retry-After, within a deadline) instead of failing a test that had nothing to do with it.
    private async Task<string> IssueAsync(string path, object credentials)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90);
        using var http = _system.CreateSpreadingClient("apiservice");
        while (true)
        {
            using var response = await http.PostAsJsonAsync(path, credentials);
            if (response.IsSuccessStatusCode)
            {
                return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            }

            var retryAfter = response.Headers.RetryAfter?.Delta;
            if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests || retryAfter is null || DateTimeOffset.UtcNow + retryAfter > deadline)
            {
                throw new HttpRequestException($"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(retryAfter.Value);
        }
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
