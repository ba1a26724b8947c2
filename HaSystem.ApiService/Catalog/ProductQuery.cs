using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Catalog;

/// <summary>
/// Paging and search of the product list; out-of-range values are a 400, not silently clamped. Control characters are
/// refused: PostgreSQL rejects a NUL in a parameter, which would otherwise surface as a database failure.
/// </summary>
public sealed record ProductQuery(
    [property: Range(1, 100_000)] int Page = 1,
    [property: Range(1, 100)] int PageSize = 20,
    [property: StringLength(100)]
    [property: RegularExpression(@"^[^\x00-\x1F\x7F]*$", ErrorMessage = "The search may not contain control characters.")]
    string? Search = null);
