using HaSystem.Web.ApiClients;
using HaSystem.Web.Cart;
using Microsoft.AspNetCore.Mvc;

namespace HaSystem.Web.Checkout;

/// <summary>
/// <c>POST /checkout</c>: places the cart's order under the checkout's idempotency key (from the form, so every submit of
/// one checkout page carries the same key). A double click, a retry by the resilience handler, or a submit after the
/// order went through all end at the same single order. Answers with a redirect (post/redirect/get).
/// </summary>
public static class CheckoutEndpoints
{
    public const string OutcomeParameter = "checkout";

    public static IEndpointRouteBuilder MapCheckoutEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/checkout", PlaceOrderAsync).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> PlaceOrderAsync([FromForm] string? key, CartStore carts, HaSystemApiClient api, CancellationToken cancellationToken)
    {
        var state = await carts.LoadAsync(cancellationToken);
        if (!state.IsAvailable)
        {
            return Back(CheckoutOutcome.Unavailable);
        }

        var cart = state.Cart;
        if (key is not null && cart.LastCheckout?.Key == key)
        {
            // This checkout was placed already (the first of two clicks, or a reload of the form): show its order.
            return Placed(cart.LastCheckout.OrderId);
        }

        if (key is null || key != cart.CheckoutKey || cart.Lines.Count == 0)
        {
            return Back(CheckoutOutcome.Changed);
        }

        var placed = await api.PlaceOrderAsync(key, cart.Lines.Select(l => new OrderLineRequest(l.ProductId, l.Quantity)).ToList(), cancellationToken);
        if (placed.Value is { } order)
        {
            // If this save fails, the cart keeps its lines and key: placing again finds the same order.
            await carts.UpdateAsync(c => c.Placed(key, order.Id), cancellationToken);
            return Placed(order.Id);
        }

        switch (placed.Error!.Kind)
        {
            case ApiErrorKind.SignInRequired:
                return Results.LocalRedirect("/sign-in?ReturnUrl=%2Fcheckout");
            case ApiErrorKind.Invalid or ApiErrorKind.NotFound:
                // Refused as it stands (a product gone, the key used for another cart): the next try is a new checkout.
                await carts.UpdateAsync(c => c with { CheckoutKey = null }, cancellationToken);
                return Back(CheckoutOutcome.Refused);
            case ApiErrorKind.Conflict:
                return Back(CheckoutOutcome.InProgress);
            default:
                // The key is kept, so placing this checkout again cannot place a second order.
                return Back(placed.Error.Kind == ApiErrorKind.SessionUnavailable ? CheckoutOutcome.Unavailable : CheckoutOutcome.Failed);
        }
    }

    private static IResult Placed(long orderId) => Results.LocalRedirect($"/orders?placed={orderId}");

    private static IResult Back(string outcome) => Results.LocalRedirect($"/checkout?{OutcomeParameter}={outcome}");
}

/// <summary>Why a checkout went back to the checkout page, and what the page says about it.</summary>
public static class CheckoutOutcome
{
    public const string Unavailable = "unavailable";
    public const string Changed = "changed";
    public const string Refused = "refused";
    public const string InProgress = "in-progress";
    public const string Failed = "failed";

    public static string? Describe(string? outcome) => outcome switch
    {
        Unavailable => "Your cart is temporarily unavailable, so the order was not placed and nothing was charged. Please try again in a moment.",
        Changed => "Your cart changed since the checkout page was shown. Please check it and place the order again.",
        Refused => "The order was refused as it stands (a product may have left the catalog). Please check your cart and try again.",
        InProgress => "This order is still being placed. Please wait a moment and look at your orders.",
        // The API may have placed the order before the answer was lost: say so, rather than "nothing was charged".
        Failed => "The order could not be confirmed. It may still have gone through: look at your orders before ordering anything else. Placing this same checkout again never orders twice.",
        _ => null,
    };
}
