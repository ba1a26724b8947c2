using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace HaSystem.ApiService.Orders;

/// <summary>What a client sends to place an order.</summary>
public sealed record OrderRequest([property: Required, Length(1, 50)] IReadOnlyList<OrderLineRequest> Items)
{
    /// <summary>SHA-256 of the request in a fixed form: what "the same request" means for a repeated key.</summary>
    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join(';', Items.Select(i => $"{i.ProductId}x{i.Quantity}")))));
}

public sealed record OrderLineRequest(
    [property: Range(1, long.MaxValue)] long ProductId,
    [property: Range(1, 1000)] int Quantity);

/// <summary>The order as answered, stored with it and answered again, byte for byte, to every repeat of its key.</summary>
public sealed record OrderResponse(
    long Id,
    string IdempotencyKey,
    IReadOnlyList<OrderLineView> Lines,
    decimal Amount,
    long ChargeId,
    long FencingToken,
    DateTime CreatedAtUtc);

public sealed record OrderLineView(long ProductId, int Quantity, decimal UnitPrice);

/// <summary>An order's stored answer: its status and JSON body.</summary>
public sealed record StoredResponse(int Status, string Body, string RequestHash);

/// <summary>Paging of a user's order history; out-of-range values are a 400.</summary>
public sealed record OrderHistoryQuery(
    [property: Range(1, 100_000)] int Page = 1,
    [property: Range(1, 100)] int PageSize = 20);

public sealed record OrderSummary(long Id, string IdempotencyKey, decimal Amount, DateTime CreatedAtUtc, IReadOnlyList<OrderLineView> Lines);

public sealed record OrderHistoryPage(IReadOnlyList<OrderSummary> Items, int Page, int PageSize, int Total);
