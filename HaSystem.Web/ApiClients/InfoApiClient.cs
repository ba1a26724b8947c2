namespace HaSystem.Web.ApiClients;

/// <summary>Reads <c>GET /api/info</c>. A failure becomes a message for the page, never an exception.</summary>
public sealed class InfoApiClient(HttpClient http, ILogger<InfoApiClient> logger)
{
    public async Task<ApiResult<ApiInfo>> GetInfoAsync(CancellationToken cancellationToken)
    {
        try
        {
            var info = await http.GetFromJsonAsync<ApiInfo>("/api/info", cancellationToken);
            return info is null ? ApiResult<ApiInfo>.Failed("The API returned no data.") : ApiResult<ApiInfo>.Ok(info);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException)
        {
            logger.LogWarning(ex, "The API could not be reached.");
            return ApiResult<ApiInfo>.Failed("The API cannot be reached right now. Please try again in a moment.");
        }
    }
}

public sealed record ApiInfo(string Service, string Replica, int ProcessId, DateTimeOffset StartedAt, string[] Addresses, Dictionary<string, ApiRedisRole> Redis);

public sealed record ApiRedisRole(string? Primary, bool Connected);

/// <summary>A value, or a message fit to show a user.</summary>
public sealed record ApiResult<T>(T? Value, string? Error)
{
    public static ApiResult<T> Ok(T value) => new(value, null);

    public static ApiResult<T> Failed(string error) => new(default, error);
}
