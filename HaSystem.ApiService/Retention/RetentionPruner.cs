using HaSystem.ApiService.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Retention;

/// <summary>
/// Removes fences and sales reports past their retention, in batches of <see cref="BatchSize"/>, each in a write turn of
/// its own: the first prune of an old database must not hold every order's write for the length of one large delete.
/// Every replica runs it: the deletes are idempotent, so two replicas pruning at once lose nothing.
/// </summary>
public sealed class RetentionPruner(CatalogDbContext db, CatalogWriteLock writes, IOptions<RetentionOptions> options, TimeProvider time)
{
    public const int BatchSize = 1000;

    public async Task<PrunedRows> PruneAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var fencesBefore = (now - settings.Fences).UtcDateTime;
        var reportsBefore = (now - settings.Reports).ToUnixTimeSeconds();
        var fences = await DeleteInBatchesAsync(() => db.Fences.Where(f => f.UpdatedAtUtc < fencesBefore).OrderBy(f => f.Resource).Take(BatchSize), cancellationToken);
        var reports = await DeleteInBatchesAsync(() => db.SalesReports.Where(r => r.PeriodStart < reportsBefore).OrderBy(r => r.Id).Take(BatchSize), cancellationToken);
        return new PrunedRows(fences, reports);
    }

    private async Task<int> DeleteInBatchesAsync<T>(Func<IQueryable<T>> batch, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            int deleted;
            await using (await writes.EnterAsync(cancellationToken))
            {
                deleted = await db.Database.CreateExecutionStrategy().ExecuteAsync(ct => batch().ExecuteDeleteAsync(ct), cancellationToken);
            }

            total += deleted;
            if (deleted < BatchSize)
            {
                return total;
            }
        }
    }
}

public sealed record PrunedRows(int Fences, int Reports);
