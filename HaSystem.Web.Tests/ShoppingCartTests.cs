using System.Net;
using HaSystem.Web.ApiClients;
using HaSystem.Web.Cart;
using HaSystem.Web.Identity;

namespace HaSystem.Web.Tests;

public sealed class ShoppingCartTests
{
    [Fact]
    public void Adding_a_product_again_tops_its_line_up_within_the_limit()
    {
        var cart = ShoppingCart.Empty.Add(7, "Lamp", 10m, 1).Add(7, "Lamp", 10m, 2).Add(8, "Drill", 2.5m, 1);

        Assert.Equal([(7L, 3), (8L, 1)], cart.Lines.Select(l => (l.ProductId, l.Quantity)));
        Assert.Equal(32.5m, cart.Total);
        Assert.Equal(ShoppingCart.MaxQuantity, cart.Add(7, "Lamp", 10m, 1000).Lines[0].Quantity);
    }

    [Fact]
    public void A_full_cart_comes_back_unchanged_but_still_tops_up_its_lines()
    {
        var full = Enumerable.Range(1, ShoppingCart.MaxLines).Aggregate(ShoppingCart.Empty, (cart, id) => cart.Add(id, $"P{id}", 1m, 1)).WithCheckoutKey();

        Assert.Same(full, full.Add(ShoppingCart.MaxLines + 1, "One too many", 1m, 1));
        Assert.Equal(2, full.Add(1, "P1", 1m, 1).Lines[0].Quantity);
    }

    // A checkout key names one order: the same cart submitted twice reuses it, a changed cart gets a new one.
    [Fact]
    public void The_checkout_key_survives_repeats_and_changes_with_the_cart()
    {
        var prepared = ShoppingCart.Empty.Add(7, "Lamp", 10m, 1).WithCheckoutKey();

        Assert.Equal(prepared.CheckoutKey, prepared.WithCheckoutKey().CheckoutKey);
        Assert.Null(prepared.Add(8, "Drill", 1m, 1).CheckoutKey);
        Assert.Null(prepared.Remove(7).CheckoutKey);
    }

    [Fact]
    public void A_placed_checkout_empties_the_cart_and_is_remembered()
    {
        var prepared = ShoppingCart.Empty.Add(7, "Lamp", 10m, 1).WithCheckoutKey();

        var placed = prepared.Placed(prepared.CheckoutKey!, 42);

        Assert.Empty(placed.Lines);
        Assert.Null(placed.CheckoutKey);
        Assert.Equal(new PlacedCheckout(prepared.CheckoutKey!, 42), placed.LastCheckout);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, ApiErrorKind.SignInRequired)]
    [InlineData(HttpStatusCode.Forbidden, ApiErrorKind.Forbidden)]
    [InlineData(HttpStatusCode.UnprocessableEntity, ApiErrorKind.Invalid)]
    [InlineData(HttpStatusCode.Conflict, ApiErrorKind.Conflict)]
    [InlineData(HttpStatusCode.TooManyRequests, ApiErrorKind.TooManyRequests)]
    [InlineData(HttpStatusCode.ServiceUnavailable, ApiErrorKind.Unavailable)]
    public void Api_answers_map_to_what_the_page_can_do_about_them(HttpStatusCode status, ApiErrorKind kind) =>
        Assert.Equal(kind, ApiError.FromResponse(status, null).Kind);

    [Fact]
    public void Validation_problems_are_shown_in_the_api_own_words()
    {
        var problem = new ProblemBody("about:blank", "Invalid", null, new() { ["Price"] = ["The price must be at most 1000000."] });

        Assert.Equal("The price must be at most 1000000.", ApiError.FromResponse(HttpStatusCode.BadRequest, problem).Message);
    }

    [Fact]
    public void The_tenant_and_role_are_read_from_the_token_and_garbage_reads_as_nothing()
    {
        // {"tenant_id":"acme","http://schemas.microsoft.com/ws/2008/06/identity/claims/role":"admin"}, base64url, unsigned.
        var payload = Convert.ToBase64String("""{"tenant_id":"acme","http://schemas.microsoft.com/ws/2008/06/identity/claims/role":"admin"}"""u8)
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Equal(new TokenClaims("acme", "admin"), TokenClaims.Read($"e30.{payload}.sig"));
        Assert.Equal(new TokenClaims(null, null), TokenClaims.Read("not-a-token"));
        Assert.Equal(new TokenClaims(null, null), TokenClaims.Read("a.%%%.c"));
    }
}
