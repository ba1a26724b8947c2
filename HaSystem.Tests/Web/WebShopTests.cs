using System.Diagnostics;
using HaSystem.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HaSystem.Tests.Web;

/// <summary>
/// The web front end in a real browser, through the shared (proxied) address, as a user sees it. These tests only use
/// the shop, so they share the running system of the tests that only observe it.
/// </summary>
[Collection(SharedRunningSystem.Name)]
public sealed class WebShopTests(RunningSystemFixture fixture, ChromiumFixture browser, ITestOutputHelper output) : IClassFixture<ChromiumFixture>
{
    private HaSystemApp System => fixture.System;

    private async Task<Shopper> NewShopperAsync() =>
        new(await browser.Chromium.NewPageAsync()) { BaseAddress = System.SharedEndpoint("webfrontend", "https") };

    // Guards finding 9: the users' API tokens and the Data Protection key ring (which decrypts every cookie) were
    // stored in plain text in `state`. Whoever reads `state` now finds neither a bearer token nor a key.
    [Fact(Timeout = 300_000)]
    public async Task The_api_tokens_and_the_key_ring_are_encrypted_in_redis()
    {
        var shopper = await NewShopperAsync();
        await shopper.GoToAsync("/");
        await shopper.SignInAsync("user@globex", await fixture.Api.PasswordOfAsync("user@globex"));
        Assert.True(await shopper.IsSignedInAsync());

        await using var state = await System.ConnectDirectAsync(System.PrimaryOf("state"));
        var server = state.GetServer(state.GetEndPoints()[0]);
        var db = state.GetDatabase();
        var tokens = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: "web:api-token:*"))
        {
            tokens.Add((await db.StringGetAsync(key)).ToString());
        }

        Assert.NotEmpty(tokens);
        Assert.All(tokens, token => Assert.False(token.StartsWith("eyJ", StringComparison.Ordinal), "A bearer token is stored in plain text."));

        var ring = (await db.ListRangeAsync("web:dataprotection:keys")).Select(x => x.ToString()).ToList();
        Assert.NotEmpty(ring);
        Assert.All(ring, key =>
        {
            Assert.Contains("encryptedWithSecret", key, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", key, StringComparison.Ordinal);
        });
        await shopper.Page.Context.CloseAsync();
    }

    // Guards finding 10: the shop is browsed over HTTPS, and every cookie it sets there (sign-in, session,
    // antiforgery) is Secure and HttpOnly, so it is never sent over plain HTTP nor read by a script.
    [Fact(Timeout = 300_000)]
    public async Task Over_https_every_cookie_is_secure_and_http_only()
    {
        var shopper = await NewShopperAsync();
        Assert.Equal("https", shopper.BaseAddress.Scheme);
        await shopper.GoToAsync("/");
        await shopper.SignInAsync("user@acme", await fixture.Api.PasswordOfAsync("user@acme"));
        await shopper.GoToAsync("/products/3");
        await shopper.Page.GetByTestId("add-to-cart").ClickAsync();
        var cookies = await shopper.Page.Context.CookiesAsync();
        output.WriteLine(string.Join(", ", cookies.Select(c => $"{c.Name} secure={c.Secure} httpOnly={c.HttpOnly}")));
        Assert.True(cookies.Count >= 2, "Expected at least the sign-in and session cookies.");
        Assert.All(cookies, c => Assert.True(c.Secure && c.HttpOnly, $"{c.Name}: secure={c.Secure}, httpOnly={c.HttpOnly}"));
        await shopper.Page.Context.CloseAsync();
    }

    // Guards the pages themselves: each renders for a signed-in user (no error page), and the screenshots of the
    // main pages are saved with the test results.
    [Fact(Timeout = 300_000)]
    public async Task The_main_pages_render_for_a_signed_in_admin_and_are_saved_as_screenshots()
    {
        var shopper = await NewShopperAsync();
        var page = shopper.Page;
        await shopper.GoToAsync("/");
        await Screenshot(page, "01-home");

        await shopper.SignInAsync("admin@acme", await fixture.Api.PasswordOfAsync("admin@acme"));
        await Expect(page.GetByTestId("result-count")).ToHaveTextAsync("2000 products");
        await Expect(page.GetByTestId("pager-current")).ToHaveTextAsync("Page 1 of 100");
        await Screenshot(page, "02-catalog");

        await page.GetByTestId("pager-next").ClickAsync();
        await Expect(page.GetByTestId("pager-current")).ToHaveTextAsync("Page 2 of 100");
        await page.GetByLabel("Search products").FillAsync("0042");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("result-count")).ToHaveTextAsync("1 product matching “0042”");
        await Screenshot(page, "03-catalog-search");

        await shopper.GoToAsync("/products/7");
        await Expect(page.GetByTestId("product-name")).Not.ToBeEmptyAsync();
        await page.GetByTestId("add-to-cart").ClickAsync();
        await Expect(page.GetByTestId("cart-outcome")).ToContainTextAsync("Added to your cart");
        await Screenshot(page, "04-product");

        await shopper.AddToCartAsync(3);
        Assert.Equal(new Dictionary<long, int> { [3] = 1, [7] = 1 }, await shopper.ReadCartAsync());
        await Screenshot(page, "05-cart");

        await shopper.GoToAsync("/checkout");
        await Expect(page.GetByTestId("place-order")).ToBeVisibleAsync();
        await Screenshot(page, "06-checkout");

        var order = await shopper.CheckoutAsync();
        await Expect(page.GetByTestId($"order-{order}")).ToBeVisibleAsync();
        await Screenshot(page, "07-orders");

        await shopper.GoToAsync("/reports");
        await Expect(page.GetByTestId("reports").Or(page.GetByTestId("reports-empty"))).ToBeVisibleAsync();
        await Screenshot(page, "08-reports");

        await shopper.GoToAsync("/admin?product=11");
        await Expect(page.GetByTestId("edit-name")).Not.ToHaveValueAsync("");
        await Screenshot(page, "09-admin");

        await shopper.GoToAsync("/status");
        await Expect(page.GetByTestId("status-leader")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^worker-"));
        await Expect(page.GetByTestId("status-api-replica")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^apiservice-"));
        await Expect(page.GetByTestId("status-breaker-state")).ToHaveTextAsync("closed");
        Assert.Equal(1, await page.GetByTestId("status-role-state").GetByTestId("status-node-role").Filter(new() { HasTextString = "primary" }).CountAsync());
        await Screenshot(page, "10-status");
        await page.Context.CloseAsync();
    }

    // Guards the per-checkout idempotency key: a double submit sends two form posts with the same key, and the user
    // is charged once. The server-side count is the proof, not what the browser shows.
    [Fact(Timeout = 300_000)]
    public async Task Clicking_place_order_twice_places_exactly_one_order()
    {
        var shopper = await NewShopperAsync();
        await shopper.SignInAsync("user@acme", await fixture.Api.PasswordOfAsync("user@acme"));
        await shopper.AddToCartAsync(5);
        await shopper.AddToCartAsync(6);
        var before = await OrdersOfAsync("user@acme");

        var (order, posts) = await shopper.CheckoutWithDoubleSubmitAsync();

        var after = await OrdersOfAsync("user@acme");
        output.WriteLine($"{posts} checkout posts sent; orders of user@acme {before.Count} → {after.Count}; order #{order}");
        Assert.True(posts >= 2, $"The double submit sent {posts} checkout post(s); the test needs two to mean anything.");
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Contains(order, after);
        var charges = await System.QuerySqlAsync("catalog",
            $"""SELECT COUNT(*) FROM "PaymentCharges" c JOIN "Orders" o ON c."Reference" = 'order:' || o."IdempotencyKey" AND c."TenantId" = o."TenantId" WHERE o."Id" = {order}""",
            r => r.GetInt64(0));
        Assert.Equal(1, charges.Single());
        Assert.Equal(new Dictionary<long, int>(), await shopper.ReadCartAsync());
        await shopper.Page.Context.CloseAsync();
    }

    // Guards the admin page end to end: the edit goes through the API (database, then every replica's cache), so
    // the product page shows it at once; invalidation answers with a confirmation, not an error.
    [Fact(Timeout = 300_000)]
    public async Task An_admin_edits_a_product_and_the_catalog_shows_the_new_version()
    {
        var shopper = await NewShopperAsync();
        var page = shopper.Page;
        await shopper.SignInAsync("admin@acme", await fixture.Api.PasswordOfAsync("admin@acme"));
        await shopper.GoToAsync("/products/21");
        var name = $"Renamed {Guid.NewGuid():N}"[..20];

        await shopper.GoToAsync("/admin?product=21");
        await page.GetByTestId("edit-name").FillAsync(name);
        await page.GetByTestId("edit-price").FillAsync("12.34");
        await page.GetByTestId("save-product").ClickAsync();
        await Expect(page.GetByTestId("admin-notice")).ToContainTextAsync("saved");

        await shopper.GoToAsync("/products/21");
        await Expect(page.GetByTestId("product-name")).ToHaveTextAsync(name);
        await Expect(page.GetByTestId("product-price")).ToHaveTextAsync("12.34");

        await shopper.GoToAsync("/admin");
        await page.GetByTestId("invalidate-cache").ClickAsync();
        await Expect(page.GetByTestId("admin-notice")).ToContainTextAsync("invalidated");
        await page.Context.CloseAsync();
    }

    // Guards the friendly failure paths: wrong credentials, anonymous access to a signed-in page, a page that does
    // not exist, a non-admin on the admin page, and signing out. None may show an error page or a stack trace.
    [Fact(Timeout = 300_000)]
    public async Task Mistakes_get_clear_answers_and_sign_out_ends_the_session()
    {
        var shopper = await NewShopperAsync();
        var page = shopper.Page;

        await shopper.GoToAsync("/orders");
        Assert.Contains("/sign-in?ReturnUrl=%2Forders", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("User name").FillAsync("user@acme");
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByTestId("sign-in-submit").ClickAsync();
        await Expect(page.GetByTestId("api-error")).ToHaveTextAsync("The user name or the password is wrong.");

        await page.GetByLabel("Password").FillAsync(await fixture.Api.PasswordOfAsync("user@acme"));
        await page.GetByTestId("sign-in-submit").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your orders" })).ToBeVisibleAsync();

        var missing = await page.GotoAsync(new Uri(shopper.BaseAddress, "/no-such-page").ToString());
        Assert.Equal(404, missing!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();

        await shopper.GoToAsync("/admin");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();

        await shopper.AddToCartAsync(5);
        var tokensBefore = await ApiTokensStoredAsync();
        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page.GetByTestId("sign-in-link")).ToBeVisibleAsync();
        Assert.Equal(tokensBefore - 1, await ApiTokensStoredAsync());
        await shopper.GoToAsync("/cart");
        Assert.Contains("/sign-in", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", await page.ContentAsync(), StringComparison.Ordinal);

        // Signing out forgot the cart with the sign-in: the same browser signed in again starts empty.
        await shopper.SignInAsync("user@acme", await fixture.Api.PasswordOfAsync("user@acme"));
        Assert.Equal(new Dictionary<long, int>(), await shopper.ReadCartAsync());
        await page.Context.CloseAsync();
    }

    // The API tokens the web front end keeps in the state primary, one per signed-in browser.
    private async Task<int> ApiTokensStoredAsync()
    {
        var primary = System.PrimaryOf("state");
        await using var redis = await System.ConnectDirectAsync(primary);
        return redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "web:api-token:*").Count();
    }

    private async Task<List<long>> OrdersOfAsync(string user) =>
        await System.QuerySqlAsync("catalog", $"""SELECT "Id" FROM "Orders" WHERE "PlacedBy" = '{user}' AND "ResponseStatus" = 201""", r => r.GetInt64(0));

    private async Task Screenshot(IPage page, string name)
    {
        var path = await Screenshots.SaveAsync(page, name);
        output.WriteLine($"screenshot {path}");
    }
}
