using System.Diagnostics;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Web;

/// <summary>A web replica stopped under a signed-in user: the other one carries on with the same sign-in and cart.</summary>
[Collection(HealingSystem.Name)]
public sealed class WebReplicaStopTests(HealingSystemFixture fixture, ITestOutputHelper output) : BrowserOnHealingSystem(fixture, output)
{
    // Guards sessions and sign-ins living outside the replica: the Data Protection key ring shared through Redis (the
    // cookies written by one replica are read by the other), the cart in the Redis session, the API token in Redis.
    [Fact(Timeout = 300_000)]
    public async Task Stopping_the_web_replica_that_served_keeps_the_user_signed_in_with_the_cart_and_checkout_works()
    {
        var shopper = await SignedInShopperWithCartAsync("user@acme", 3, 8);
        await shopper.GoToAsync("/status");
        var served = await shopper.Page.GetByTestId("status-web-replica").InnerTextAsync();

        // SIGTERM to the replica the status page named, as an orchestrator stops it. (DCP's own Stop of one replica of a
        // replicated project fails here: "Failed to stop resource".)
        var clock = Stopwatch.StartNew();
        Signals.Terminate(System.ServiceProcessOf(served));
        try
        {
            await System.WaitForInstanceStoppedAsync(served);
            Output.WriteLine($"{served} stopped after {clock.Elapsed.TotalSeconds:0.0} s");
            await CarryOnWithoutAsync(shopper, served);
        }
        finally
        {
            // The system is shared with the next test: the replica is started again, as an orchestrator would.
            await System.StartStoppedInstancesAsync();
        }
    }

    private async Task CarryOnWithoutAsync(Shopper shopper, string served)
    {
        // Same browser, same shared address: the proxy now has one replica left.
        Assert.Equal(new Dictionary<long, int> { [3] = 1, [8] = 1 }, await shopper.ReadCartAsync());
        Assert.True(await shopper.IsSignedInAsync(), "The user was signed out when the replica that served them stopped.");
        var now = await shopper.RenderedByAsync();
        Assert.NotEqual(served, now);
        Output.WriteLine($"cart intact on {now}");

        var order = await shopper.CheckoutAsync();
        Assert.Equal(new Dictionary<long, int> { [3] = 1, [8] = 1 }, await OrderLinesAsync(order));
        Assert.Equal(new Dictionary<long, int>(), await shopper.ReadCartAsync());
        await ScreenshotAsync(shopper.Page, "web-replica-stopped-orders");
    }
}
