using System.Net;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Security;

/// <summary>What a client can choose (the search, the page) cannot fill a replica's memory.</summary>
[Collection(SharedRunningSystem.Name)]
public sealed class CatalogMemoryBoundTests(RunningSystemFixture fixture)
{
    // Guards finding 8: a free-text search is cached in Redis only; a second read of it on the same replica comes
    // from Redis (l2), never from the replica's memory (l1), while an unsearched page does come from memory.
    [Fact(Timeout = 60_000)]
    public async Task A_search_page_is_cached_in_redis_only_and_a_plain_page_in_memory()
    {
        var replica = (await fixture.System.DiscoverApiReplicasAsync(TimeSpan.FromSeconds(60))).Values.First();
        var search = $"/api/catalog/products?search={Random.Shared.Next(1, 2000):0000}&pageSize=7";
        var served = new List<string?>();
        // The first read writes Redis in the background: read again until Redis answers.
        await Poll.UntilAsync("the search page served from Redis", TimeSpan.FromSeconds(10), async _ =>
        {
            served.Add(await ServedByAsync(replica, search));
            return served[^1] == "l2";
        }, () => string.Join(", ", served), TimeSpan.FromMilliseconds(100));
        Assert.DoesNotContain("l1", served);

        var plain = $"/api/catalog/products?page=3&pageSize={Random.Shared.Next(11, 99)}";
        await ServedByAsync(replica, plain);
        Assert.Equal("l1", await ServedByAsync(replica, plain));
    }

    // Guards finding 8: `page` may be up to 100,000, and every page past the last was cached (empty) for an hour.
    [Fact(Timeout = 60_000)]
    public async Task A_page_past_the_last_is_answered_empty_and_never_cached()
    {
        var replica = (await fixture.System.DiscoverApiReplicasAsync(TimeSpan.FromSeconds(60))).Values.First();
        var path = $"/api/catalog/products?page={Random.Shared.Next(5_000, 100_000)}&pageSize=20";
        Assert.Equal("source", await ServedByAsync(replica, path));
        Assert.Equal("source", await ServedByAsync(replica, path));
    }

    private async Task<string?> ServedByAsync(Uri replica, string path)
    {
        using var response = await fixture.Api.SendAsync(replica, HttpMethod.Get, path, "user@acme");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ApiClient.ServedBy(response);
    }
}
