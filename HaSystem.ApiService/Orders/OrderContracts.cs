using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Orders;

/// <summary>An order's stored answer: its status and JSON body.</summary>
public sealed record StoredResponse(int Status, string Body, string RequestHash);

/// <summary>Paging of a user's order history; out-of-range values are a 400.</summary>
public sealed record OrderHistoryQuery(
    [property: Range(1, 100_000)] int Page = 1,
    [property: Range(1, 100)] int PageSize = 20);
