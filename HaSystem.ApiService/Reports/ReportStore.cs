using HaSystem.ApiService.Fencing;
using HaSystem.ApiService.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Reports;

/// <summary>Sales reports: written only with a fencing token of the leader lease that is not lower than the last one accepted.</summary>
public sealed class ReportStore(CatalogDbContext db, CatalogWriteLock writes, IOptions<ReportOptions> options, TimeProvider time)
{
    public async Task<IReadOnlyList<ReportProgress>> ProgressAsync(CancellationToken cancellationToken) =>
        await db.Tenants.AsNoTracking().OrderBy(t => t.Id)
            .Select(t => new ReportProgress(t.Id, db.SalesReports.Where(r => r.TenantId == t.Id).Max(r => (long?)r.PeriodStart)))
            .ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<SalesReportView>> LatestAsync(string tenant, int count, CancellationToken cancellationToken) =>
        (await db.SalesReports.AsNoTracking().Where(r => r.TenantId == tenant)
            .OrderByDescending(r => r.PeriodStart).Take(count).ToListAsync(cancellationToken))
        .Select(SalesReportView.From).ToList();

    public Task<bool> TenantExistsAsync(string tenant, CancellationToken cancellationToken) =>
        db.Tenants.AnyAsync(t => t.Id == tenant, cancellationToken);

    /// <summary>Counts the period's orders and stores the report, fenced, in one transaction.</summary>
    public async Task<SalesReportView> ProduceAsync(SalesReportInput input, CancellationToken cancellationToken)
    {
        await using var turn = await writes.EnterAsync(cancellationToken);
        try
        {
            // One unit, tried again as a whole on a transient failure (PostgreSQL).
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(ct => ProduceOnceAsync(input, ct), cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsConstraintViolation())
        {
            throw new ReportAlreadyProducedException(input.Tenant, input.PeriodStart);
        }
    }

    private async Task<SalesReportView> ProduceOnceAsync(SalesReportInput input, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.AdvanceFenceAsync(options.Value.LeaseKey, input.FencingToken, input.ProducedBy, time.GetUtcNow().UtcDateTime, cancellationToken);

        var from = DateTime.UnixEpoch.AddSeconds(input.PeriodStart);
        var to = from.AddSeconds(input.PeriodSeconds);
        // SQLite cannot sum a decimal column: the period's amounts are few, add them here.
        var amounts = await db.Orders.AsNoTracking()
            .Where(o => o.TenantId == input.Tenant && o.ResponseStatus != Orders.OrderService.Pending && o.CreatedAtUtc >= from && o.CreatedAtUtc < to)
            .Select(o => o.Amount).ToListAsync(cancellationToken);
        var report = new SalesReport
        {
            TenantId = input.Tenant, PeriodStart = input.PeriodStart, PeriodSeconds = input.PeriodSeconds,
            OrderCount = amounts.Count, Revenue = amounts.Sum(), FencingToken = input.FencingToken,
            ProducedBy = input.ProducedBy, ProducedAtUtc = time.GetUtcNow().UtcDateTime,
        };
        db.SalesReports.Add(report);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return SalesReportView.From(report);
    }
}
