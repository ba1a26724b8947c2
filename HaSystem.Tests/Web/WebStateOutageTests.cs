using System.Diagnostics;
using HaSystem.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HaSystem.Tests.Web;

/// <summary>Every <c>state</c> node stopped: sessions, tokens and locks are unreachable, and the pages must still render.</summary>
[Collection(HealingSystem.Name)]
public sealed class WebStateOutageTests(HealingSystemFixture fixture, ITestOutputHelper output) : BrowserOnHealingSystem(fixture, output)
{
    private static readonly string[] Pages = ["/catalog", "/products/4", "/cart", "/checkout", "/orders", "/reports", "/status"];

    // Guards the session store behind the breaker (no page waits out Redis timeouts, none throws), the messages that
    // replace what cannot be shown, and the user carrying on, cart intact, once the role is back.
    [Fact(Timeout = 300_000)]
    public async Task Pages_render_with_a_clear_message_while_the_state_role_is_down_and_the_user_continues_after()
    {
        var shopper = await SignedInShopperWithCartAsync("user@acme", 4, 9);
        var page = shopper.Page;

        var nodes = System.Resource<RedisMonitoredGroupResource>("state").Nodes;
        await Task.WhenAll(nodes.Select(n => System.ExecuteAsync(n, KnownResourceCommands.StopCommand)));
        await Task.WhenAll(nodes.Select(n => System.WaitForStoppedAsync(n)));

        var slowest = TimeSpan.Zero;
        foreach (var path in Pages)
        {
            var clock = Stopwatch.StartNew();
            var response = await page.GotoAsync(new Uri(shopper.BaseAddress, path).ToString());
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            Output.WriteLine($"{path}: {response?.Status} in {clock.Elapsed.TotalMilliseconds:0} ms on {await shopper.RenderedByAsync()}");
            Assert.Equal(200, response?.Status);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).Not.ToHaveTextAsync("Something went wrong");
            Assert.DoesNotContain("Exception", await page.ContentAsync(), StringComparison.Ordinal);
        }

        Measurements.Record(Output, "web.state_down.slowest_page", slowest.TotalMilliseconds, "ms");
        // No hang: the first Redis calls wait out the breaker's 500 ms timeout, then the open breaker answers at once.
        Assert.True(slowest < TimeSpan.FromSeconds(5), $"A page took {slowest.TotalMilliseconds:0} ms to render while the state role was down.");

        // A change while the session store is away is refused in words, and must not overwrite the cart once it is back.
        await Poll.UntilAsync("a product page with its add button", TimeSpan.FromSeconds(30), async _ =>
        {
            await shopper.GoToAsync("/products/5");
            return await page.GetByTestId("add-to-cart").IsVisibleAsync();
        }, () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(500), notReadyYet: BrowserFailure);
        await page.GetByTestId("add-to-cart").ClickAsync();
        await Expect(page.GetByTestId("cart-outcome")).ToContainTextAsync("temporarily unavailable");

        await shopper.GoToAsync("/cart");
        await Expect(page.GetByTestId("cart-unavailable")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "state-down-cart");
        await shopper.GoToAsync("/status");
        await Expect(page.GetByTestId("status-leader-problem")).ToContainTextAsync("cannot be reached");
        await ScreenshotAsync(page, "state-down-status");

        await Task.WhenAll(nodes.Select(n => System.ExecuteAsync(n, KnownResourceCommands.StartCommand)));
        var clockBack = Stopwatch.StartNew();
        var cart = await Poll.UntilAsync("the cart readable again", TimeSpan.FromSeconds(90),
            async _ => await shopper.ReadCartAsync(), () => System.Tracker.Describe(), TimeSpan.FromSeconds(1), notReadyYet: BrowserFailure);
        Measurements.Record(Output, "web.state_restarted.cart_back_after_start", clockBack.Elapsed.TotalMilliseconds, "ms");
        Assert.Equal(new Dictionary<long, int> { [4] = 1, [9] = 1 }, cart);
        Assert.True(await shopper.IsSignedInAsync());

        var order = await Poll.UntilAsync("an order placed once the state role is back", TimeSpan.FromSeconds(60),
            async _ => (object?)await shopper.CheckoutAsync(), () => System.Tracker.Describe(), TimeSpan.FromSeconds(1), notReadyYet: BrowserFailure);
        Assert.Equal(new Dictionary<long, int> { [4] = 1, [9] = 1 }, await OrderLinesAsync((long)order));
    }
}
