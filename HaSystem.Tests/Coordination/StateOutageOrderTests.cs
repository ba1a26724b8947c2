using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using HaSystem.Contracts.Http;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Coordination;

/// <summary>Every <c>state</c> node stopped: orders cannot be locked, so they are refused (503) and nothing is charged.</summary>
[Collection(HealingSystem.Name)]
public sealed class StateOutageOrderTests(HealingSystemFixture fixture, ITestOutputHelper output)
{
    private HaSystemApp System => fixture.System;

    private ApiClient Api => fixture.Api;


    // Guards against charging without the lock (a lock that reports success it does not have), hanging requests
    // while Redis is away, and orders that stay refused after it is back.
    [Fact(Timeout = 300_000)]
    public async Task Orders_get_503_and_charge_nothing_while_the_state_role_is_down_and_succeed_after()
    {
        await fixture.WaitUntilHealedAsync();
        var replicas = (await System.DiscoverApiReplicasAsync(TimeSpan.FromSeconds(60))).Values.ToArray();
        Assert.Equal(HttpStatusCode.Created, (await PlaceAsync(replicas[0], $"before-{Guid.NewGuid():N}")).Status);
        var chargesBefore = await System.CountSqlAsync("catalog", """SELECT COUNT(*) FROM "PaymentCharges" """);
        var ordersBefore = await System.CountSqlAsync("catalog", """SELECT COUNT(*) FROM "Orders" """);

        var nodes = System.Resource<RedisMonitoredGroupResource>("state").Nodes;
        await Task.WhenAll(nodes.Select(n => System.ExecuteAsync(n, KnownResourceCommands.StopCommand)));
        await Task.WhenAll(nodes.Select(n => System.WaitForStoppedAsync(n)));

        var slowest = TimeSpan.Zero;
        var last = TimeSpan.Zero;
        for (var attempt = 0; attempt < 6; attempt++)
        {
            last = TimeSpan.Zero;
            foreach (var replica in replicas)
            {
                var (status, retryAfter, elapsed) = await PlaceAsync(replica, $"down-{Guid.NewGuid():N}");
                slowest = elapsed > slowest ? elapsed : slowest;
                last = elapsed > last ? elapsed : last;
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.NotNull(retryAfter);
            }
        }

        Measurements.Record(output, "orders.state_down.slowest_503", slowest.TotalMilliseconds, "ms");
        Measurements.Record(output, "orders.state_down.slowest_503_breaker_open", last.TotalMilliseconds, "ms");
        // No hang: the first calls wait out the 500 ms Redis timeouts (rate limit, then lock; measured 1.2–2.4 s on
        // 2 cores), then the open breaker answers at once.
        Assert.True(slowest < TimeSpan.FromSeconds(5), $"An order took {slowest.TotalMilliseconds:0} ms to be refused.");
        Assert.True(last < TimeSpan.FromMilliseconds(300), $"With the breaker open an order still took {last.TotalMilliseconds:0} ms to be refused.");
        Assert.Equal(chargesBefore, await System.CountSqlAsync("catalog", """SELECT COUNT(*) FROM "PaymentCharges" """));
        Assert.Equal(ordersBefore, await System.CountSqlAsync("catalog", """SELECT COUNT(*) FROM "Orders" """));

        await Task.WhenAll(nodes.Select(n => System.ExecuteAsync(n, KnownResourceCommands.StartCommand)));
        var key = $"after-{Guid.NewGuid():N}";
        await Poll.UntilAsync("an order placed once the state role is back", TimeSpan.FromSeconds(90),
            async _ => (await PlaceAsync(replicas[1], key)).Status == HttpStatusCode.Created, () => System.Tracker.Describe(), TimeSpan.FromSeconds(1));
        Assert.Equal(chargesBefore + 1, await System.CountSqlAsync("catalog", """SELECT COUNT(*) FROM "PaymentCharges" """));
    }

    private async Task<(HttpStatusCode Status, string? RetryAfter, TimeSpan Elapsed)> PlaceAsync(Uri replica, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { items = new[] { new { productId = 7, quantity = 1 } } }) };
        request.Headers.Add(ApiHeaders.IdempotencyKey, key);
        request.Headers.Authorization = new("Bearer", await Api.TokenAsync("user@acme"));
        using var http = new HttpClient { BaseAddress = replica, Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Headers.RetryAfter?.ToString(), clock.Elapsed);
    }
}
