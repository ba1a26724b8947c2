using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using HaSystem.Contracts.Http;
using HaSystem.Testing.Load;

namespace HaSystem.Testing.Traffic;

/// <summary>
/// The bench's API client, built the way a client of the system should be: it knows every replica (as service
/// discovery would tell it), spreads requests over them in turn, retries an idempotent read on another replica, and
/// retries an order with the same <c>Idempotency-Key</c> until the API answers for it. A replica that refuses a
/// connection is left out for <see cref="TrafficOptions.EjectionDuration"/> (passive health checking, as a load
/// balancer does), so a dead replica costs one retry, not every third request. What it records is what the user saw
/// at the end: the final answer and the whole wait.
/// </summary>
public sealed class ApiTraffic : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri[] _replicas;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly TrafficOptions _options;
    private readonly long[] _ejectedUntil;
    private int _next;

    private ApiTraffic(Uri[] replicas, string token, TrafficOptions options)
    {
        _replicas = replicas;
        _options = options;
        _ejectedUntil = new long[replicas.Length];
        _authorization = new AuthenticationHeaderValue("Bearer", token);
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = int.MaxValue,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Every order this client got a success for, by key: the API acknowledged them.</summary>
    public ConcurrentDictionary<string, long> AcknowledgedOrders { get; } = new();

    public IReadOnlyList<Uri> Replicas => _replicas;

    public static async Task<ApiTraffic> ConnectAsync(HaSystemApp system, ApiClient api, string user, TrafficOptions options)
    {
        var replicas = await system.DiscoverApiReplicasAsync(TimeSpan.FromSeconds(60));
        return new ApiTraffic(replicas.Values.ToArray(), await api.TokenAsync(user), options);
    }

    /// <summary>A product page read (cached by the API: L1, then the <c>cache</c> group, then SQLite).</summary>
    public Task<Outcome> ReadProductAsync(long sequence, CancellationToken cancellationToken) =>
        ReadAsync($"/api/catalog/products/{1 + sequence % _options.HotProducts}", authorize: true, cancellationToken);

    /// <summary>The tenant's latest sales reports, as the leading worker writes them.</summary>
    public Task<Outcome> ReadReportsAsync(long sequence, CancellationToken cancellationToken) =>
        ReadAsync("/api/reports", authorize: true, cancellationToken);

    /// <summary>The liveness endpoint: the framework alone, no authentication and no Redis (the baseline).</summary>
    public Task<Outcome> AliveAsync(long sequence, CancellationToken cancellationToken) =>
        ReadAsync("/alive", authorize: false, cancellationToken);

    /// <summary>
    /// Places one order under <paramref name="key"/> on the next replica in turn, once: no retry, so a failure is what
    /// the user saw. This is how the failover scenarios and tests hold the system to "no failed orders".
    /// </summary>
    public async Task<Outcome> PlaceOrderOnceAsync(string key, long productId, CancellationToken cancellationToken)
    {
        var (status, error) = await SendAsync(() => OrderRequest(key, productId), authorize: true, _options.OrderAttemptTimeout, [], cancellationToken);
        if (status is HttpStatusCode.Created or HttpStatusCode.OK)
        {
            AcknowledgedOrders[key] = productId;
            return Outcome.Success((int)status);
        }

        return Outcome.Failure(error ?? ((int)status!).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Places one order under <paramref name="key"/>, sending it again with the same key after a failure, a 5xx or a
    /// 409 (the same key still being processed) until it is answered or <see cref="TrafficOptions.OrderDeadline"/> passes.
    /// </summary>
    public async Task<Outcome> PlaceOrderAsync(string key, long productId, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.OrderDeadline);
        var attempts = 0;
        var last = "timeout";
        var tried = new HashSet<int>();
        while (!deadline.IsCancellationRequested)
        {
            attempts++;
            if (tried.Count == _replicas.Length)
            {
                tried.Clear();
            }

            var (status, error) = await SendAsync(() => OrderRequest(key, productId), authorize: true, _options.OrderAttemptTimeout, tried, deadline.Token);
            if (status is HttpStatusCode.Created or HttpStatusCode.OK)
            {
                AcknowledgedOrders[key] = productId;
                return Outcome.Success((int)status, attempts);
            }

            last = error ?? ((int)status!).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (status is { } answered && (int)answered < 500 && answered != HttpStatusCode.Conflict)
            {
                return Outcome.Failure(last, attempts);
            }

            try
            {
                await Task.Delay(_options.OrderRetryDelay, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return Outcome.Failure(last, attempts);
    }

    private static HttpRequestMessage OrderRequest(string key, long productId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { productId, quantity = 1 } } }),
        };
        request.Headers.Add(ApiHeaders.IdempotencyKey, key);
        return request;
    }

    /// <summary>An idempotent GET: on a failure or a 5xx it is sent to a replica it has not tried yet, up to <see cref="TrafficOptions.ReadAttempts"/> times.</summary>
    private async Task<Outcome> ReadAsync(string path, bool authorize, CancellationToken cancellationToken)
    {
        var last = "timeout";
        var tried = new HashSet<int>();
        for (var attempt = 1; attempt <= _options.ReadAttempts; attempt++)
        {
            var (status, error) = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), authorize, _options.ReadAttemptTimeout, tried, cancellationToken);
            if (status is { } answered && (int)answered < 500)
            {
                return (int)answered is >= 200 and < 300
                    ? Outcome.Success((int)answered, attempt)
                    : Outcome.Failure(((int)answered).ToString(System.Globalization.CultureInfo.InvariantCulture), attempt);
            }

            last = error ?? ((int)status!).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Outcome.Failure(last, _options.ReadAttempts);
    }

    /// <summary>One attempt on the next replica in turn that this request has not <paramref name="tried"/>: its status, or what went wrong before one came.</summary>
    private async Task<(HttpStatusCode? Status, string? Error)> SendAsync(
        Func<HttpRequestMessage> create, bool authorize, TimeSpan timeout, HashSet<int> tried, CancellationToken cancellationToken)
    {
        var index = PickReplica(tried);
        tried.Add(index);
        var replica = _replicas[index];
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        using var request = create();
        request.RequestUri = new Uri(replica, request.RequestUri!);
        if (authorize)
        {
            request.Headers.Authorization = _authorization;
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attempt.Token);
            return (response.StatusCode, null);
        }
        catch (OperationCanceledException)
        {
            return (null, "timeout");
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            Volatile.Write(ref _ejectedUntil[index], Stopwatch.GetTimestamp() + (long)(_options.EjectionDuration.TotalSeconds * Stopwatch.Frequency));
            return (null, "connection");
        }
        catch (HttpRequestException)
        {
            return (null, "io");
        }
    }

    /// <summary>The next replica in turn that is neither tried by this request nor ejected; failing that, any untried one.</summary>
    private int PickReplica(HashSet<int> tried)
    {
        var now = Stopwatch.GetTimestamp();
        var fallback = -1;
        for (var i = 0; i < _replicas.Length; i++)
        {
            var index = (Interlocked.Increment(ref _next) & int.MaxValue) % _replicas.Length;
            if (tried.Contains(index))
            {
                continue;
            }

            if (Volatile.Read(ref _ejectedUntil[index]) <= now)
            {
                return index;
            }

            fallback = fallback < 0 ? index : fallback;
        }

        // Every untried replica is ejected: try one anyway rather than fail without asking (it may be back).
        return fallback >= 0 ? fallback : (Interlocked.Increment(ref _next) & int.MaxValue) % _replicas.Length;
    }

    public void Dispose() => _http.Dispose();
}
