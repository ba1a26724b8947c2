using System.Net;
using System.Text.Json;

namespace HaSystem.Testing;

/// <summary>Who leads the workers, as the API reports it (<c>GET /api/coordination/leader</c>).</summary>
public static class Leadership
{
    /// <param name="Since">When the holder acquired the lease, by the Redis server's clock (this machine's).</param>
    public sealed record Leader(string Holder, long FencingToken, DateTimeOffset Since);

    /// <summary>The leader now, or <see langword="null"/> when nobody holds the lease.</summary>
    public static async Task<Leader?> CurrentAsync(ApiClient api, CancellationToken cancellationToken = default)
    {
        using var response = await api.SendAsync(api.ProxyAddress, HttpMethod.Get, "/api/coordination/leader", "user@acme", timeout: TimeSpan.FromSeconds(3));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
        return new Leader(body.GetProperty("holder").GetString()!, body.GetProperty("fencingToken").GetInt64(), body.GetProperty("since").GetDateTimeOffset());
    }

    public static Task<Leader> WaitForLeaderAsync(HaSystemApp system, ApiClient api, TimeSpan timeout, Func<Leader, bool>? accept = null) =>
        Poll.UntilAsync("a worker leading", timeout, async ct =>
            await CurrentAsync(api, ct) is { } leader && (accept?.Invoke(leader) ?? true) ? leader : null,
            () => system.Tracker.Describe(), TimeSpan.FromMilliseconds(50));
}
