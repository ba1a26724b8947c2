using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HaSystem.Tests.Infrastructure;

/// <summary>
/// A user in a browser, driving the web front end the way a person does: through its pages, links and buttons. Every
/// step waits for what the page must show, with Playwright's deadlines; nothing here sleeps.
/// </summary>
public sealed partial class Shopper(IPage page)
{
    public IPage Page => page;

    /// <summary>Where the shopper is browsing: a replica's own address or the shared proxy address.</summary>
    public Uri BaseAddress { get; set; } = new("http://127.0.0.1/");

    public async Task GoToAsync(string path) => await page.GotoAsync(new Uri(BaseAddress, path).ToString());

    public async Task SignInAsync(string userName, string password)
    {
        await GoToAsync("/sign-in");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByTestId("sign-in-submit").ClickAsync();
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync(userName);
    }

    /// <summary>Adds a product from the catalog page and waits for the page to confirm it.</summary>
    public async Task AddToCartAsync(long productId)
    {
        await GoToAsync("/catalog");
        await page.GetByTestId($"add-{productId}").ClickAsync();
        await Expect(page.GetByTestId("cart-outcome")).ToContainTextAsync("Added to your cart");
    }

    /// <summary>The cart page's lines (product id to quantity), or <see langword="null"/> when it says the cart is unavailable.</summary>
    public async Task<IReadOnlyDictionary<long, int>?> ReadCartAsync()
    {
        await GoToAsync("/cart");
        var shown = page.GetByTestId("cart-lines").Or(page.GetByTestId("cart-empty")).Or(page.GetByTestId("cart-unavailable"));
        await Expect(shown).ToBeVisibleAsync();
        if (await page.GetByTestId("cart-unavailable").IsVisibleAsync())
        {
            return null;
        }

        var lines = new Dictionary<long, int>();
        foreach (var cell in await page.Locator("[data-testid^='cart-quantity-']").AllAsync())
        {
            var id = long.Parse((await cell.GetAttributeAsync("data-testid"))!["cart-quantity-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            lines[id] = int.Parse(await cell.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return lines;
    }

    /// <summary>Opens the checkout page and places the order; returns the order number.</summary>
    public async Task<long> CheckoutAsync()
    {
        await GoToAsync("/checkout");
        await page.GetByTestId("place-order").ClickAsync();
        return await PlacedOrderAsync();
    }

    /// <summary>
    /// Clicks "Place order" twice, 40 ms apart, inside the page: the second click lands while the first post is on its
    /// way, and the browser sends a second post (aborting the first on its side only; the server gets both). Playwright's
    /// own double click sends both clicks in one turn of the event loop, which Chromium turns into a single post.
    /// Returns the order number shown and the posts sent.
    /// </summary>
    public async Task<(long Order, int Posts)> CheckoutWithDoubleSubmitAsync()
    {
        await GoToAsync("/checkout");
        var posts = 0;
        void Count(object? sender, IRequest request)
        {
            if (request.Method == "POST" && request.Url.EndsWith("/checkout", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref posts);
            }
        }

        page.Request += Count;
        try
        {
            await page.GetByTestId("place-order").EvaluateAsync("button => { button.click(); setTimeout(() => button.click(), 40); }");
            return (await PlacedOrderAsync(), posts);
        }
        finally
        {
            page.Request -= Count;
        }
    }

    private async Task<long> PlacedOrderAsync()
    {
        var placed = page.GetByTestId("order-placed");
        await Expect(placed).ToBeVisibleAsync(new() { Timeout = 30_000 });
        return long.Parse(OrderNumber().Match(await placed.InnerTextAsync()).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The web replica that rendered the current page (the footer names it).</summary>
    public async Task<string> RenderedByAsync() => await page.GetByTestId("web-replica").InnerTextAsync();

    public async Task<bool> IsSignedInAsync() => await page.GetByTestId("user-name").IsVisibleAsync();

    [GeneratedRegex(@"#(\d+)")]
    private static partial Regex OrderNumber();
}
