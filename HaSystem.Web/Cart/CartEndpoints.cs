using HaSystem.Web.ApiClients;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace HaSystem.Web.Cart;

/// <summary>
/// The cart's form posts (antiforgery-checked, signed-in users only). Each answers with a redirect back to the page
/// it came from, carrying an outcome the page turns into a message (post/redirect/get: a reload never re-adds).
/// </summary>
public static class CartEndpoints
{
    public const string OutcomeParameter = "cart";

    public static IEndpointRouteBuilder MapCartEndpoints(this IEndpointRouteBuilder app)
    {
        // Antiforgery for every post of the group, also those that bind nothing from the form (remove).
        var cart = app.MapGroup("/cart").RequireAuthorization().WithMetadata(new RequireAntiforgeryTokenAttribute());
        cart.MapPost("/items", AddAsync);
        cart.MapPost("/items/{productId:long}/remove", RemoveAsync);
        return app;
    }

    private static async Task<IResult> AddAsync(
        [FromForm] long productId, [FromForm] int? quantity, [FromForm] string? returnUrl,
        HaSystemApiClient api, CartStore store, CancellationToken cancellationToken)
    {
        var product = await api.GetProductAsync(productId, cancellationToken);
        if (product.Value is not { } p)
        {
            return product.Error!.Kind switch
            {
                ApiErrorKind.SignInRequired => Results.LocalRedirect($"/sign-in?ReturnUrl={Uri.EscapeDataString(returnUrl ?? "/cart")}"),
                ApiErrorKind.SessionUnavailable => Back(returnUrl, CartOutcome.Unavailable),
                ApiErrorKind.NotFound => Back(returnUrl, CartOutcome.UnknownProduct),
                _ => Back(returnUrl, CartOutcome.Failed),
            };
        }

        var full = false;
        var saved = await store.UpdateAsync(c =>
        {
            var changed = c.Add(p.Id, p.Name, p.Price, Math.Clamp(quantity ?? 1, 1, ShoppingCart.MaxQuantity));
            full = ReferenceEquals(changed, c);
            return changed;
        }, cancellationToken);
        return Back(returnUrl, !saved ? CartOutcome.Unavailable : full ? CartOutcome.Full : CartOutcome.Added);
    }

    private static async Task<IResult> RemoveAsync(long productId, CartStore store, CancellationToken cancellationToken)
    {
        var removed = await store.UpdateAsync(c => c.Remove(productId), cancellationToken);
        return Back("/cart", removed ? CartOutcome.Removed : CartOutcome.Unavailable);
    }

    private static IResult Back(string? returnUrl, string outcome)
    {
        var target = returnUrl is { Length: > 0 } && Uri.IsWellFormedUriString(returnUrl, UriKind.Relative) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            ? returnUrl
            : "/cart";
        var separator = target.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return Results.LocalRedirect($"{target}{separator}{OutcomeParameter}={outcome}");
    }
}

/// <summary>The outcomes a cart post reports back, and what the page says about each.</summary>
public static class CartOutcome
{
    public const string Added = "added";
    public const string Removed = "removed";
    public const string Unavailable = "unavailable";
    public const string UnknownProduct = "unknown-product";
    public const string Failed = "failed";
    public const string Full = "full";

    public static (string Message, bool IsProblem)? Describe(string? outcome) => outcome switch
    {
        Added => ("Added to your cart.", false),
        Removed => ("Removed from your cart.", false),
        Unavailable => ("Your cart is temporarily unavailable, so that change was not saved. Please try again in a moment.", true),
        UnknownProduct => ("That product is no longer in the catalog.", true),
        Failed => ("The catalog cannot be reached right now, so nothing was added. Please try again in a moment.", true),
        Full => ($"Your cart holds at most {ShoppingCart.MaxLines} different products; nothing was added.", true),
        _ => null,
    };
}
