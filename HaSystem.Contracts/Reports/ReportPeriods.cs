namespace HaSystem.Contracts.Reports;

/// <summary>
/// The periods sales reports cover, in Unix seconds: each is <c>[start, start + length)</c>, aligned to its length
/// (its start is a multiple of it). The worker works out which are due; the API refuses any other.
/// </summary>
public static class ReportPeriods
{
    /// <summary>Whether the period is aligned to its length and over at <paramref name="now"/>, so that its orders are all in.</summary>
    public static bool IsAlignedAndFinished(long start, long length, DateTimeOffset now) =>
        length > 0 && start % length == 0 && start + length <= now.ToUnixTimeSeconds();

    /// <summary>The start of the last period that is over at <paramref name="now"/>.</summary>
    public static long LastFinished(long length, DateTimeOffset now) => now.ToUnixTimeSeconds() / length * length - length;

    /// <summary>
    /// The periods to produce at <paramref name="now"/>, oldest first: those after <paramref name="lastProduced"/> up to the
    /// last finished one, or only that one when none was produced yet. At most <paramref name="maxCatchUp"/>: after a
    /// long outage the oldest are skipped.
    /// </summary>
    public static IEnumerable<long> Due(long? lastProduced, long length, int maxCatchUp, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCatchUp);
        var lastFinished = LastFinished(length, now);
        var next = lastProduced is { } last ? (last / length + 1) * length : lastFinished;
        next = Math.Max(next, lastFinished - ((maxCatchUp - 1) * length));
        for (var start = next; start <= lastFinished; start += length)
        {
            yield return start;
        }
    }
}
