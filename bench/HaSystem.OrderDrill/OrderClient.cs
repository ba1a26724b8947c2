using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace HaSystem.OrderDrill;

/// <summary>Signs in once, then places one order per call on the replica it is given, exactly once (no retry).</summary>
public sealed class OrderClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue _token;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private OrderClient(HttpClient http, string token)
    {
        _http = http;
        _token = new AuthenticationHeaderValue("Bearer", token);
    }

    public static async Task<OrderClient> SignInAsync(DrillOptions options)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = options.RequestTimeout };
        var response = await http.PostAsJsonAsync(new Uri(options.Replicas[0], "/api/auth/token"), new { userName = options.User, password = options.Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        return new OrderClient(http, token);
    }

    /// <summary>Places order <paramref name="sequence"/> on <paramref name="replica"/>: its status, or what went wrong before one came.</summary>
    public async Task<Answer> PlaceAsync(Uri replica, long sequence)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(replica, "/api/orders"))
        {
            Content = JsonContent.Create(new { items = new[] { new { productId = 2001 + sequence % 50, quantity = 1 } } }),
        };
        request.Headers.Authorization = _token;
        request.Headers.Add("Idempotency-Key", $"drill-{_run}-{sequence}");
        var sentAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await _http.SendAsync(request);
            return new Answer(sequence, replica, sentAt, clock.Elapsed, (int)response.StatusCode, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new Answer(sequence, replica, sentAt, clock.Elapsed, null, ex is TaskCanceledException ? "timeout" : "connection");
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>One order's fate: when it was sent, how long it took, and its status (or error).</summary>
public sealed record Answer(long Sequence, Uri Replica, DateTimeOffset SentAt, TimeSpan Elapsed, int? Status, string? Error)
{
    public bool Succeeded => Status is >= 200 and < 300;

    public DateTimeOffset AnsweredAt => SentAt + Elapsed;
}
