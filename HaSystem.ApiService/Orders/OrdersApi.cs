using System.Security.Claims;
using HaSystem.ApiService.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HaSystem.ApiService.Orders;

/// <summary>
/// <c>POST /api/orders</c> with an <c>Idempotency-Key</c>: placed and charged once, however often and wherever it
/// is sent. A repeat gets the first answer (status and body); the same key with another request gets 422; while the
/// <c>state</c> role is unreachable the answer is 503 with <c>Retry-After</c> and nothing is charged.
/// <c>GET /api/orders</c> is the caller's order history.
/// </summary>
public static class OrdersApi
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/orders", PlaceOrder).WithName("PlaceOrder").WithTags("Orders")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/api/orders", ListOrders).WithName("ListOrders").WithTags("Orders").ProducesValidationProblem();
        return app;
    }

    public static async Task<IResult> PlaceOrder(OrderRequest request, ClaimsPrincipal user, HttpContext context, OrderService orders, CancellationToken cancellationToken)
    {
        if (!IdempotencyKey.TryParse(context.Request.Headers[ApiHeaders.IdempotencyKey].FirstOrDefault(), out var key))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing or invalid Idempotency-Key",
                detail: $"Send an {ApiHeaders.IdempotencyKey} header of 1–100 letters, digits, '-', '_' or '.' (a UUID, for instance).");
        }

        var (response, replayed) = await orders.PlaceAsync(CurrentTenant.Of(user), CurrentUser.Of(user), key, request, cancellationToken);
        context.Response.Headers[ReplayedHeader] = replayed ? "true" : "false";
        return TypedResults.Content(response.Body, "application/json", statusCode: response.Status);
    }

    /// <summary><c>GET /api/orders</c>: the caller's own order history, newest first.</summary>
    public static async Task<Ok<OrderHistoryPage>> ListOrders(
        [AsParameters] OrderHistoryQuery query, ClaimsPrincipal user, OrderService orders, CancellationToken cancellationToken) =>
        TypedResults.Ok(await orders.HistoryAsync(CurrentTenant.Of(user), CurrentUser.Of(user), query, cancellationToken));
}
