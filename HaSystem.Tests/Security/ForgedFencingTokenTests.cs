using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HaSystem.Contracts.Http;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Security;

/// <summary>A report's fencing token is checked against the leader lease, not taken on trust; on each store.</summary>
public abstract class ForgedFencingTokenTests(SystemFixture fixture)
{
    // Guards finding 6: a service token holder could post FencingToken = long.MaxValue, which moved the fence past
    // every real leader's token and stopped all reports for good; or post the current token first, so that the fence
    // refused the real leader. Now each is refused (409) and reports carry on.
    [Fact(Timeout = 120_000)]
    public async Task A_forged_fencing_token_is_refused_and_the_leader_keeps_reporting()
    {
        var api = fixture.Api;
        var proxy = api.ProxyAddress;
        var before = await LastPeriodAsync(proxy, "acme");
        var forgedPeriod = (DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeSeconds() / 10) * 10;

        // The current token is no secret (any caller may read who leads): posted by someone else, it is refused too.
        using var leader = await SendAsServiceAsync(proxy, HttpMethod.Get, "/api/coordination/leader", null);
        var current = (await ApiClient.BodyAsync(leader)).GetProperty("fencingToken").GetInt64();
        foreach (var token in new[] { long.MaxValue, 1L, current })
        {
            using var forged = await SendAsServiceAsync(proxy, HttpMethod.Post, "/api/reports", JsonContent.Create(new
            {
                tenant = "acme", periodStart = forgedPeriod, periodSeconds = 10, fencingToken = token, producedBy = "attacker",
            }));
            var body = await forged.Content.ReadAsStringAsync();
            Assert.True(forged.StatusCode == HttpStatusCode.Conflict, $"token {token}: {(int)forged.StatusCode} {body}");
            Assert.Equal(ProblemTypes.StaleFencingToken, JsonDocument.Parse(body).RootElement.GetProperty("type").GetString());
        }

        // The real leader's next report is still accepted.
        await Poll.UntilAsync("a report after the forged one", TimeSpan.FromSeconds(60),
            async _ => await LastPeriodAsync(proxy, "acme") > before, () => fixture.System.Tracker.Describe(), TimeSpan.FromSeconds(1));
        using var reports = await api.SendAsync(proxy, HttpMethod.Get, "/api/reports", "user@acme");
        Assert.DoesNotContain((await ApiClient.BodyAsync(reports)).EnumerateArray(), r => r.GetProperty("periodStart").GetInt64() == forgedPeriod);
    }

    private async Task<long> LastPeriodAsync(Uri proxy, string tenant)
    {
        using var progress = await SendAsServiceAsync(proxy, HttpMethod.Get, "/api/reports/progress", null);
        var entry = (await ApiClient.BodyAsync(progress)).EnumerateArray().Single(p => p.GetProperty("tenant").GetString() == tenant);
        return entry.GetProperty("lastPeriodStart").ValueKind == JsonValueKind.Number ? entry.GetProperty("lastPeriodStart").GetInt64() : 0;
    }

    private async Task<HttpResponseMessage> SendAsServiceAsync(Uri baseAddress, HttpMethod method, string path, HttpContent? content)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new("Bearer", await fixture.Api.ServiceTokenAsync());
        return await http.SendAsync(request);
    }
}

/// <summary>The forged-token test with the catalog on SQLite, on the shared running system.</summary>
[Collection(SharedRunningSystem.Name)]
public sealed class SqliteForgedFencingTokenTests(RunningSystemFixture fixture) : ForgedFencingTokenTests(fixture);

/// <summary>The forged-token test with the catalog on PostgreSQL.</summary>
[Collection(PostgresSystem.Name)]
public sealed class PostgresForgedFencingTokenTests(PostgresSystemFixture fixture) : ForgedFencingTokenTests(fixture);
