using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace HaSystem.Worker.Api;

/// <summary>
/// Adds the worker's service token to every API call. The token is fetched with the client credentials and reused
/// until shortly before it expires; a 401 drops it, so the caller's next request fetches a new one.
/// </summary>
public sealed class ServiceTokenHandler(IHttpClientFactory clients, IOptions<ApiOptions> options, TimeProvider time) : DelegatingHandler
{
    public const string TokenClientName = "hasystem-api-token";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Value, DateTimeOffset RefreshAt)? _token;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken));
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            _token = null;
        }

        return response;
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && cached.RefreshAt > time.GetUtcNow())
        {
            return cached.Value;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } fresh && fresh.RefreshAt > time.GetUtcNow())
            {
                return fresh.Value;
            }

            var settings = options.Value;
            using var http = clients.CreateClient(TokenClientName);
            using var response = await http.PostAsJsonAsync("/api/auth/service-token", new ServiceTokenRequest(settings.ClientId, settings.ClientSecret), cancellationToken);
            response.EnsureSuccessStatusCode();
            var issued = await response.Content.ReadFromJsonAsync<IssuedToken>(cancellationToken)
                ?? throw new InvalidOperationException("The API answered the token request without a token.");
            _token = (issued.AccessToken, time.GetUtcNow() + TimeSpan.FromSeconds(issued.ExpiresIn * 0.8));
            return issued.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }
}
