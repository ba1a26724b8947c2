using HaSystem.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HaSystem.Tests.Web;

/// <summary>A browser test: a Chromium of its own, and the shop's helpers, on a system that a subclass provides.</summary>
public abstract class BrowserTest(ITestOutputHelper output) : IAsyncLifetime
{
    private Chromium? _chromium;

    /// <summary>The system the test runs against.</summary>
    protected abstract HaSystemApp System { get; }

    /// <summary>A client of its API.</summary>
    protected abstract ApiClient Api { get; }

    /// <summary>The test's output.</summary>
    protected ITestOutputHelper Output => output;

    /// <summary>
    /// A page that failed to load or to show what a poll waits for while the system fails over: for
    /// <see cref="Poll"/>'s <c>notReadyYet</c>, so that such a poll tries the page again.
    /// </summary>
    protected static bool BrowserFailure(Exception exception) => exception is PlaywrightException;

    /// <inheritdoc />
    public virtual async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
    }

    /// <summary>A user signed in through the shared address, with one of each of <paramref name="products"/> in the cart.</summary>
    protected async Task<Shopper> SignedInShopperWithCartAsync(string user, params long[] products)
    {
        var shopper = new Shopper(await _chromium!.NewPageAsync()) { BaseAddress = System.SharedEndpoint("webfrontend", "https") };
        await shopper.SignInAsync(user, await Api.PasswordOfAsync(user));
        foreach (var product in products)
        {
            await shopper.AddToCartAsync(product);
        }

        Assert.Equal(products.ToDictionary(p => p, _ => 1), await shopper.ReadCartAsync());
        return shopper;
    }

    /// <summary>The lines of a placed order, read from the database, as (product, quantity).</summary>
    protected async Task<Dictionary<long, int>> OrderLinesAsync(long order) =>
        (await System.QuerySqlAsync("catalog", $"""SELECT "ProductId", "Quantity" FROM "OrderLine" WHERE "OrderId" = {order}""", r => (r.GetInt64(0), r.GetInt32(1))))
            .ToDictionary(l => l.Item1, l => l.Item2);

    /// <summary>Saves a screenshot among those CI lists, and names it in the test's output.</summary>
    protected async Task ScreenshotAsync(IPage page, string name) => output.WriteLine($"screenshot {await Screenshots.SaveAsync(page, name)}");
}
