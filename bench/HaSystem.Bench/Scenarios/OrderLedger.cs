using HaSystem.Testing;

namespace HaSystem.Bench.Scenarios;

/// <summary>
/// The exactly-once check on orders, read straight from the catalog database: every order the API acknowledged is
/// stored, each stored order has exactly one charge, and no key was ordered or charged twice.
/// </summary>
public sealed record OrderLedger(int Acknowledged, int Stored, int Charges, int DoubleOrdered, int DoubleCharged, int LostAcknowledged, int StoredWithoutCharge)
{
    public bool Holds => DoubleOrdered == 0 && DoubleCharged == 0 && LostAcknowledged == 0 && StoredWithoutCharge == 0 && Charges == Stored;

    public override string ToString() =>
        $"{Acknowledged} acknowledged, {Stored} stored, {Charges} charges; {DoubleOrdered} keys ordered twice, {DoubleCharged} charged twice, " +
        $"{LostAcknowledged} acknowledged but not stored, {StoredWithoutCharge} stored without a charge";

    /// <param name="keyPrefix">Letters, digits and '-' only: it is put in the SQL as it is.</param>
    public static async Task<OrderLedger> ReadAsync(HaSystemApp system, string keyPrefix, IReadOnlyCollection<string> acknowledged)
    {
        if (!keyPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException("A key prefix is letters, digits and '-'.", nameof(keyPrefix));
        }

        var orders = await system.QuerySqlAsync("catalog", $"SELECT IdempotencyKey FROM Orders WHERE IdempotencyKey LIKE '{keyPrefix}%'", r => r.GetString(0));
        var charges = await system.QuerySqlAsync("catalog", $"SELECT Reference FROM PaymentCharges WHERE Reference LIKE 'order:{keyPrefix}%'", r => r.GetString(0)["order:".Length..]);
        var stored = orders.ToHashSet(StringComparer.Ordinal);
        var charged = charges.ToHashSet(StringComparer.Ordinal);
        return new OrderLedger(
            acknowledged.Count,
            orders.Count,
            charges.Count,
            orders.Count - stored.Count,
            charges.Count - charged.Count,
            acknowledged.Count(k => !stored.Contains(k)),
            stored.Count(k => !charged.Contains(k)));
    }
}
