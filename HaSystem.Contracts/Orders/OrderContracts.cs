using System.ComponentModel.DataAnnotations;

namespace HaSystem.Contracts.Orders;

/// <summary>What a client sends to place an order, with an <see cref="Http.ApiHeaders.IdempotencyKey"/> header.</summary>
/// <param name="Items">1–50 lines.</param>
public sealed record OrderRequest([property: Required, Length(1, 50)] IReadOnlyList<OrderLineRequest> Items);

/// <summary>One line of an order request.</summary>
/// <param name="ProductId">The product's number.</param>
/// <param name="Quantity">1–1,000.</param>
public sealed record OrderLineRequest(
    [property: Range(1, long.MaxValue)] long ProductId,
    [property: Range(1, 1000)] int Quantity);

/// <summary>The order as answered, stored with it and answered again, byte for byte, to every repeat of its key.</summary>
/// <param name="Id">The order's number.</param>
/// <param name="IdempotencyKey">The key it was placed under.</param>
/// <param name="Lines">What was ordered, at which price.</param>
/// <param name="Amount">What was charged.</param>
/// <param name="ChargeId">The payment provider's charge.</param>
/// <param name="FencingToken">The token of the order's lock, which the database checked.</param>
/// <param name="CreatedAtUtc">When it was placed.</param>
public sealed record OrderResponse(
    long Id,
    string IdempotencyKey,
    IReadOnlyList<OrderLineView> Lines,
    decimal Amount,
    long ChargeId,
    long FencingToken,
    DateTime CreatedAtUtc);

/// <summary>One line of a placed order.</summary>
/// <param name="ProductId">The product's number.</param>
/// <param name="Quantity">How many.</param>
/// <param name="UnitPrice">The price when the order was placed.</param>
public sealed record OrderLineView(long ProductId, int Quantity, decimal UnitPrice);

/// <summary>An order in a user's history.</summary>
/// <param name="Id">The order's number.</param>
/// <param name="IdempotencyKey">The key it was placed under.</param>
/// <param name="Amount">What was charged.</param>
/// <param name="CreatedAtUtc">When it was placed.</param>
/// <param name="Lines">What was ordered.</param>
public sealed record OrderSummary(long Id, string IdempotencyKey, decimal Amount, DateTime CreatedAtUtc, IReadOnlyList<OrderLineView> Lines);

/// <summary>One page of a user's order history, newest first.</summary>
/// <param name="Items">The page's orders.</param>
/// <param name="Page">The page's number, from 1.</param>
/// <param name="PageSize">The most orders a page holds.</param>
/// <param name="Total">How many orders the user has placed.</param>
public sealed record OrderHistoryPage(IReadOnlyList<OrderSummary> Items, int Page, int PageSize, int Total) : IPage;
