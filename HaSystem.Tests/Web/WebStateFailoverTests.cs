using System.Diagnostics;
using HaSystem.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HaSystem.Tests.Web;

/// <summary>The <c>state</c> primary (sessions, tokens, key ring) killed in the middle of a user's session.</summary>
[Collection(HealingSystem.Name)]
public sealed class WebStateFailoverTests(HealingSystemFixture fixture, ITestOutputHelper output) : BrowserOnHealingSystem(fixture, output)
{
    // Guards the session store following the Sentinels to the promoted replica: the cart written before the kill is
    // there after it (the replica had it), the sign-in holds, and checkout works on the new primary.
    [Fact(Timeout = 300_000)]
    public async Task After_a_state_failover_the_cart_is_intact_and_checkout_works()
    {
        var shopper = await SignedInShopperWithCartAsync("user@acme", 4, 9);
        var page = shopper.Page;
        await shopper.GoToAsync("/status");
        await Expect(StateNodes(page, "primary")).ToHaveCountAsync(1);
        await ScreenshotAsync(page, "status-before-failover");

        var primary = System.PrimaryOf("state");
        var clock = Stopwatch.StartNew();
        Signals.KillNow(System.ProcessIdOf(primary));
        Output.WriteLine($"killed {primary.Name}");

        // The status page during the failover: the clients see the old primary unreachable.
        await Poll.UntilAsync("the status page showing a state node unreachable", TimeSpan.FromSeconds(20), async _ =>
        {
            await shopper.GoToAsync("/status");
            return await StateNodes(page, "unreachable").CountAsync() > 0;
        }, () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(250), notReadyYet: BrowserFailure);
        await ScreenshotAsync(page, "status-during-failover");

        var cart = await Poll.UntilAsync("the cart readable again", TimeSpan.FromSeconds(60),
            async _ => await shopper.ReadCartAsync(), () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(250), notReadyYet: BrowserFailure);
        Measurements.Record(Output, "web.state_failover.cart_back_after_kill", clock.Elapsed.TotalMilliseconds, "ms");
        Assert.Equal(new Dictionary<long, int> { [4] = 1, [9] = 1 }, cart);
        Assert.True(await shopper.IsSignedInAsync());

        var order = await shopper.CheckoutAsync();
        Measurements.Record(Output, "web.state_failover.order_placed_after_kill", clock.Elapsed.TotalMilliseconds, "ms");
        Assert.Equal(new Dictionary<long, int> { [4] = 1, [9] = 1 }, await OrderLinesAsync(order));

        await Poll.UntilAsync("the status page showing the promoted primary", TimeSpan.FromSeconds(30), async _ =>
        {
            await shopper.GoToAsync("/status");
            return await StateNodes(page, "primary").CountAsync() == 1;
        }, () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(500), notReadyYet: BrowserFailure);
        await ScreenshotAsync(page, "status-after-failover");
    }

    private static ILocator StateNodes(IPage page, string role) =>
        page.GetByTestId("status-role-state").GetByTestId("status-node-role").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^{role}$") });
}
