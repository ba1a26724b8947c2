using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using HaSystem.Web.Identity;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace HaSystem.Web.ApiClients;

/// <summary>
/// The API, called on behalf of the signed-in user (their token, kept server-side, as the bearer). Every call returns
/// an <see cref="ApiResult{T}"/>: an unreachable API, an expired token or a problem response becomes a message.
/// </summary>
public sealed partial class HaSystemApiClient(HttpClient http, CurrentUserToken userToken, ILogger<HaSystemApiClient> logger)
{
    public Task<ApiResult<IssuedToken>> IssueTokenAsync(string userName, string password, CancellationToken cancellationToken) =>
        SendAsync<IssuedToken>(HttpMethod.Post, "/api/auth/token", new TokenRequest(userName, password), anonymous: true, cancellationToken: cancellationToken);

    public Task<ApiResult<InfoResponse>> GetInfoAsync(CancellationToken cancellationToken) =>
        SendAsync<InfoResponse>(HttpMethod.Get, "/api/info", anonymous: true, cancellationToken: cancellationToken);

    /// <summary>The API's readiness through the shared address (200 for Healthy and Degraded, 503 for Unhealthy).</summary>
    public Task<ApiResult<ApiReadiness>> GetReadinessAsync(CancellationToken cancellationToken) =>
        SendAsync<ApiReadiness>(HttpMethod.Get, "/health/ready", anonymous: true, cancellationToken: cancellationToken);

    public Task<ApiResult<ProductPage>> GetProductsAsync(int page, int pageSize, string? search, CancellationToken cancellationToken) =>
        SendAsync<ProductPage>(HttpMethod.Get, $"/api/catalog/products?page={page}&pageSize={pageSize}&search={Uri.EscapeDataString(search ?? "")}", cancellationToken: cancellationToken);

    public Task<ApiResult<ProductDto>> GetProductAsync(long id, CancellationToken cancellationToken) =>
        SendAsync<ProductDto>(HttpMethod.Get, $"/api/catalog/products/{id}", cancellationToken: cancellationToken);

    public Task<ApiResult<ProductDto>> UpdateProductAsync(long id, ProductInput input, CancellationToken cancellationToken) =>
        SendAsync<ProductDto>(HttpMethod.Put, $"/api/catalog/products/{id}", input, cancellationToken: cancellationToken);

    public Task<ApiResult<JsonElement>> InvalidateCatalogCacheAsync(CancellationToken cancellationToken) =>
        SendAsync<JsonElement>(HttpMethod.Post, "/api/catalog/cache/invalidate", cancellationToken: cancellationToken);

    /// <summary>
    /// Places an order under the checkout's idempotency key. The standard resilience handler may retry the POST; with
    /// the key, a retry (or a second submit) gets the first order back instead of placing another.
    /// </summary>
    public Task<ApiResult<OrderResponse>> PlaceOrderAsync(string idempotencyKey, IReadOnlyList<OrderLineRequest> lines, CancellationToken cancellationToken) =>
        SendAsync<OrderResponse>(HttpMethod.Post, "/api/orders", new OrderRequest(lines), configure: r => r.Headers.Add(ApiHeaders.IdempotencyKey, idempotencyKey), cancellationToken: cancellationToken);

    public Task<ApiResult<OrderHistoryPage>> GetOrdersAsync(int page, int pageSize, CancellationToken cancellationToken) =>
        SendAsync<OrderHistoryPage>(HttpMethod.Get, $"/api/orders?page={page}&pageSize={pageSize}", cancellationToken: cancellationToken);

    public Task<ApiResult<IReadOnlyList<SalesReportView>>> GetReportsAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<SalesReportView>>(HttpMethod.Get, "/api/reports", cancellationToken: cancellationToken);

    private async Task<ApiResult<T>> SendAsync<T>(
        HttpMethod method, string path, object? body = null, bool anonymous = false, Action<HttpRequestMessage>? configure = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (!anonymous)
        {
            var token = await userToken.GetAsync(cancellationToken);
            if (token.AccessToken is null)
            {
                return ApiResult.Failed<T>(token.IsUnavailable ? ApiError.SessionUnavailable : ApiError.SignInRequired);
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        configure?.Invoke(request);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var value = await response.Content.ReadFromJsonAsync<T>(cancellationToken);
                return value is null ? ApiResult.Failed<T>(ApiError.Unreachable) : ApiResult.Ok(value);
            }

            var problem = await ReadProblemAsync(response, cancellationToken);
            if (response.StatusCode >= HttpStatusCode.InternalServerError)
            {
                LogProblem(logger, method, path, (int)response.StatusCode, problem?.Title);
            }

            return ApiResult.Failed<T>(ApiError.FromResponse(response.StatusCode, problem));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or BrokenCircuitException or TimeoutRejectedException
            && !cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, ex, method, path);
            return ApiResult.Failed<T>(ApiError.Unreachable);
        }
    }

    private static async Task<ProblemBody?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json"
                ? await response.Content.ReadFromJsonAsync<ProblemBody>(cancellationToken)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered {Status}: {Title}")]
    private static partial void LogProblem(ILogger logger, HttpMethod method, string path, int status, string? title);


    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: the API could not be reached.")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, HttpMethod method, string path);
}
