namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// One charge in the simulated payment provider's ledger. Like a real provider's, the ledger accepts one charge per
/// idempotency key: a repeated charge request with the same key gets the first charge back and moves no money.
/// </summary>
public sealed class PaymentCharge
{
    public long Id { get; set; }

    public required string TenantId { get; set; }

    /// <summary>What the charge is for, for people: <c>order:{key}</c>.</summary>
    public required string Reference { get; set; }

    /// <summary>The charge's idempotency key (unique): a second charge with it is refused by the provider.</summary>
    public required string IdempotencyKey { get; set; }

    public decimal Amount { get; set; }

    public long FencingToken { get; set; }

    public required string ChargedBy { get; set; }

    public DateTime ChargedAtUtc { get; set; }

    /// <summary>How many times the charge was asked for with its key: more than one means a retry or a second holder was refused.</summary>
    public int Requests { get; set; } = 1;
}
