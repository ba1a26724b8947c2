namespace HaSystem.Contracts.Http;

/// <summary>The request headers of the API's contract.</summary>
public static class ApiHeaders
{
    /// <summary>
    /// The client's key for an order (<c>POST /api/orders</c>): repeats of it get the first order back instead of
    /// placing another. 1–100 letters, digits, <c>-</c>, <c>_</c> or <c>.</c>; a UUID fits.
    /// </summary>
    public const string IdempotencyKey = "Idempotency-Key";
}
