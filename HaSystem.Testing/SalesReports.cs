using System.Globalization;

namespace HaSystem.Testing;

/// <summary>The sales reports as stored in the catalog database, and the exactly-once checks on them.</summary>
public static class SalesReports
{
    public sealed record Row(string Tenant, long PeriodStart, int PeriodSeconds, long FencingToken, string ProducedBy);

    public static Task<List<Row>> ReadAsync(HaSystemApp system) =>
        system.QuerySqlAsync("catalog", """SELECT "TenantId", "PeriodStart", "PeriodSeconds", "FencingToken", "ProducedBy" FROM "SalesReports" ORDER BY "TenantId", "PeriodStart" """,
            r => new Row(r.GetString(0), r.GetInt64(1), r.GetInt32(2), r.GetInt64(3), r.GetString(4)));

    /// <summary>Waits until every tenant has a report for the period that starts at <paramref name="periodStart"/> (Unix seconds).</summary>
    public static Task WaitForPeriodAsync(HaSystemApp system, long periodStart, TimeSpan timeout) =>
        Poll.UntilAsync($"every tenant's report for the period starting {periodStart}", timeout, async _ =>
        {
            var rows = await ReadAsync(system);
            return rows.Count > 0 && rows.GroupBy(r => r.Tenant).All(g => g.Max(r => r.PeriodStart) >= periodStart);
        }, () => system.Tracker.Describe(), TimeSpan.FromMilliseconds(500));

    /// <summary>
    /// For each tenant, over the periods that end after <paramref name="coverFrom"/>: one report per period, none
    /// missing between the first and the last, and fencing tokens that never go down as the periods go on (a deposed
    /// leader's late write would break that). Earlier rows are another test's (on a shared system, a test may have
    /// written a report of its own for a period long past). Throws on the first violation; returns a summary.
    /// </summary>
    public static string AssertExactlyOnce(IReadOnlyList<Row> rows, long coverFrom, long coverTo)
    {
        var (violations, summary) = Check(rows, coverFrom, coverTo);
        return violations.Count == 0 ? summary : throw new InvalidOperationException(string.Join("\n", violations));
    }

    /// <summary>The exactly-once rules of <see cref="AssertExactlyOnce"/>, each violation as a sentence, and a summary.</summary>
    public static (IReadOnlyList<string> Violations, string Summary) Check(IReadOnlyList<Row> rows, long coverFrom, long coverTo)
    {
        var violations = new List<string>();
        var summary = new List<string>();
        foreach (var tenant in rows.Where(r => r.PeriodStart + r.PeriodSeconds > coverFrom).GroupBy(r => r.Tenant))
        {
            var periods = tenant.OrderBy(r => r.PeriodStart).ToArray();
            var length = periods[0].PeriodSeconds;
            foreach (var twice in periods.GroupBy(r => r.PeriodStart).Where(g => g.Count() > 1))
            {
                violations.Add($"{tenant.Key}: period {twice.Key} was reported {twice.Count()} times.");
            }

            for (var i = 1; i < periods.Length; i++)
            {
                var step = periods[i].PeriodStart - periods[i - 1].PeriodStart;
                if (step > length)
                {
                    violations.Add($"{tenant.Key}: period {periods[i - 1].PeriodStart} is followed by {periods[i].PeriodStart}: {step / length - 1} missing.");
                }

                if (periods[i].FencingToken < periods[i - 1].FencingToken)
                {
                    violations.Add($"{tenant.Key}: period {periods[i].PeriodStart} has token {periods[i].FencingToken}, lower than {periods[i - 1].FencingToken} before it.");
                }
            }

            if (periods[0].PeriodStart > coverFrom || periods[^1].PeriodStart < coverTo)
            {
                violations.Add($"{tenant.Key}: reports cover {periods[0].PeriodStart}–{periods[^1].PeriodStart}, not {coverFrom}–{coverTo}.");
            }

            summary.Add(string.Create(CultureInfo.InvariantCulture,
                $"{tenant.Key}: {periods.Length} periods, {periods.Select(p => p.ProducedBy).Distinct().Count()} producers, tokens {periods[0].FencingToken}–{periods[^1].FencingToken}"));
        }

        return (violations, string.Join("; ", summary));
    }
}
