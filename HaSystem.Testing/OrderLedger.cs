namespace HaSystem.Testing;

/// <summary>
/// The exactly-once check on orders, read straight from the catalog database: every order the API acknowledged is
/// stored, each stored order has exactly one charge, and no key was ordered or charged twice. Also how many charge
/// requests the payment provider refused as repeats of a key it had already charged.
/// </summary>
public sealed record OrderLedger(int Acknowledged, int Stored, int Charges, int DoubleOrdered, int DoubleCharged, int LostAcknowledged, int StoredWithoutCharge, int RefusedRepeats)
{
    public bool Holds => DoubleOrdered == 0 && DoubleCharged == 0 && LostAcknowledged == 0 && StoredWithoutCharge == 0 && Charges == Stored;

    public override string ToString() =>
        $"{Acknowledged} acknowledged, {Stored} stored, {Charges} charges; {DoubleOrdered} keys ordered twice, {DoubleCharged} charged twice, " +
        $"{LostAcknowledged} acknowledged but not stored, {StoredWithoutCharge} stored without a charge; {RefusedRepeats} repeated charge requests refused by the provider";

    /// <param name="keyPrefix">Letters, digits and '-' only: it is put in the SQL as it is.</param>
    public static async Task<OrderLedger> ReadAsync(HaSystemApp system, string keyPrefix, IReadOnlyCollection<string> acknowledged)
    {
        CheckPrefix(keyPrefix);
        var orders = await system.QuerySqlAsync("catalog", $"""SELECT "IdempotencyKey" FROM "Orders" WHERE "IdempotencyKey" LIKE '{keyPrefix}%'""", r => r.GetString(0));
        var charges = await system.QuerySqlAsync("catalog", $"""SELECT "Reference", "Requests" FROM "PaymentCharges" WHERE "Reference" LIKE 'order:{keyPrefix}%'""",
            r => (Key: r.GetString(0)["order:".Length..], Requests: r.GetInt32(1)));
        var stored = orders.ToHashSet(StringComparer.Ordinal);
        var charged = charges.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        return new OrderLedger(
            acknowledged.Count,
            orders.Count,
            charges.Count,
            orders.Count - stored.Count,
            charges.Count - charged.Count,
            acknowledged.Count(k => !stored.Contains(k)),
            stored.Count(k => !charged.Contains(k)),
            charges.Sum(c => c.Requests - 1));
    }

    /// <summary>The fencing token each completed order of the prefix was placed under, by key.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> TokensAsync(HaSystemApp system, string keyPrefix)
    {
        CheckPrefix(keyPrefix);
        var rows = await system.QuerySqlAsync("catalog", $"""SELECT "IdempotencyKey", "FencingToken" FROM "Orders" WHERE "IdempotencyKey" LIKE '{keyPrefix}%' AND "ResponseStatus" = 201""",
            r => (Key: r.GetString(0), Token: r.GetInt64(1)));
        return rows.ToDictionary(r => r.Key, r => r.Token, StringComparer.Ordinal);
    }

    private static void CheckPrefix(string keyPrefix)
    {
        if (!keyPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException("A key prefix is letters, digits and '-'.", nameof(keyPrefix));
        }
    }
}
