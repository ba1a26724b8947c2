using System.Net;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Catalog;

/// <summary>
/// The per-tenant rate limit, counted in the <c>state</c> role and kept by a local limiter while that role is down.
/// It stops the role, so it gets its own system, with a low limit (10 requests per 2 s per tenant).
/// </summary>
public sealed class RateLimitTests(ITestOutputHelper output) : SystemPerTest($"ApiService:Environment:RateLimiting__PermitLimit={PermitLimit}", "ApiService:Environment:RateLimiting__Window=00:00:02")
{
    private const int PermitLimit = 10;

    // Guards against a tenant exceeding its budget, a 429 without Retry-After, and limits that vanish with Redis.
    [Fact(Timeout = 300_000)]
    public async Task The_rate_limit_answers_429_with_retry_after_and_still_limits_while_the_state_role_is_down()
    {
        var decided = await BurstAsync();
        Assert.Contains("redis", decided);

        await Task.WhenAll(System.NodesOf("state").Select(n => System.ExecuteAsync(n, KnownResourceCommands.StopCommand)));
        try
        {
            decided = await BurstAsync();
            Assert.Contains("local", decided);
        }
        finally
        {
            await Task.WhenAll(System.NodesOf("state").Select(n => System.ExecuteAsync(n, KnownResourceCommands.StartCommand)));
        }
    }

    /// <summary>Sends 3× the limit at once through one replica and checks the rejections; returns who decided.</summary>
    private async Task<HashSet<string>> BurstAsync()
    {
        var replica = (await System.DiscoverApiReplicasAsync(TimeSpan.FromSeconds(60))).Values.First();
        var responses = await Task.WhenAll(Enumerable.Range(0, PermitLimit * 3).Select(_ =>
            Api.SendAsync(replica, HttpMethod.Get, "/api/catalog/products?pageSize=1", "user@acme")));
        var rejected = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
        output.WriteLine($"{rejected.Length} of {responses.Length} rejected");
        Assert.InRange(rejected.Length, 1, responses.Length - 1);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        foreach (var response in rejected)
        {
            Assert.NotNull(response.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        return [.. responses.SelectMany(r => r.Headers.TryGetValues("X-RateLimit-DecidedBy", out var v) ? v : [])];
    }
}
