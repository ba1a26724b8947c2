namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// One charge in the simulated payment provider's ledger. Deliberately without a uniqueness constraint: a double
/// charge is stored, and therefore visible, rather than prevented here.
/// </summary>
public sealed class PaymentCharge
{
    public long Id { get; set; }

    public required string TenantId { get; set; }

    public required string Reference { get; set; }

    public decimal Amount { get; set; }

    public long FencingToken { get; set; }

    public required string ChargedBy { get; set; }

    public DateTime ChargedAtUtc { get; set; }
}
