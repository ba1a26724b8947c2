using HaSystem.ApiService.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Retention;

/// <summary>
/// Removes fences and sales reports past their retention, in one write turn. Every replica runs it: the deletes are
/// idempotent, so two replicas pruning at once remove nothing twice and lose nothing.
/// </summary>
public sealed class RetentionPruner(CatalogDbContext db, CatalogWriteLock writes, IOptions<RetentionOptions> options, TimeProvider time)
{
    public async Task<PrunedRows> PruneAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var fencesBefore = (now - settings.Fences).UtcDateTime;
        var reportsBefore = (now - settings.Reports).ToUnixTimeSeconds();
        await using (await writes.EnterAsync(cancellationToken))
        {
            var fences = await db.Fences.Where(f => f.UpdatedAtUtc < fencesBefore).ExecuteDeleteAsync(cancellationToken);
            var reports = await db.SalesReports.Where(r => r.PeriodStart < reportsBefore).ExecuteDeleteAsync(cancellationToken);
            return new PrunedRows(fences, reports);
        }
    }
}

public sealed record PrunedRows(int Fences, int Reports);
