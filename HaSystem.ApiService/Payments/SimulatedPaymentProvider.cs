using HaSystem.ApiService.Infrastructure;
using HaSystem.ServiceDefaults.Replicas;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Payments;

/// <summary>
/// Stands in for an external payment provider: it takes real time and records every charge in its ledger, committed
/// on its own (not in the caller's transaction, as a remote provider would). Like a real provider it deduplicates by
/// idempotency key: a second charge request with a key already charged returns that charge and moves no money. So a
/// retry, or a second lock holder after a failover, cannot charge an order twice, whatever the lock did.
/// </summary>
public sealed class SimulatedPaymentProvider(IServiceScopeFactory scopes, CatalogWriteLock writes, IOptions<PaymentOptions> options, ReplicaIdentity replica, TimeProvider time)
{
    /// <summary>The charge made with <paramref name="idempotencyKey"/>, if any: how a caller that crashed after charging finds out.</summary>
    public async Task<long?> FindChargeAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CatalogDbContext>().PaymentCharges.AsNoTracking()
            .Where(c => c.IdempotencyKey == idempotencyKey)
            .Select(c => (long?)c.Id).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Charges once per <paramref name="idempotencyKey"/>: a repeat answers the first charge's id.</summary>
    public async Task<long> ChargeAsync(string tenant, string reference, string idempotencyKey, decimal amount, long fencingToken, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var latency = settings.MinLatency + (settings.MaxLatency - settings.MinLatency) * Random.Shared.NextDouble();
        await Task.Delay(latency, time, cancellationToken);

        await using var scope = scopes.CreateAsyncScope();
        var ledger = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        // One statement, so two requests with the same key cannot both insert: the second only counts itself (on
        // PostgreSQL, the upsert waits for the first one's commit). Its ledger shares the catalog's database here, so
        // on SQLite it takes its turn to write like every other write.
        await using (await writes.EnterAsync(CancellationToken.None))
        {
            // EF Core runs raw SQL outside its execution strategy: retried here, so a database restart is ridden out
            // as a query's is. A retry after a commit whose answer was lost only counts one more request for the key.
            await ledger.Database.CreateExecutionStrategy().ExecuteAsync(ct => ledger.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "PaymentCharges" ("TenantId", "Reference", "IdempotencyKey", "Amount", "FencingToken", "ChargedBy", "ChargedAtUtc", "Requests")
                VALUES ({tenant}, {reference}, {idempotencyKey}, {(long)(amount * 100m)}, {fencingToken}, {replica.Id}, {time.GetUtcNow().UtcDateTime}, 1)
                ON CONFLICT ("IdempotencyKey") DO UPDATE SET "Requests" = "PaymentCharges"."Requests" + 1
                """, ct), CancellationToken.None);
        }

        return await ledger.PaymentCharges.AsNoTracking().Where(c => c.IdempotencyKey == idempotencyKey).Select(c => c.Id).SingleAsync(CancellationToken.None);
    }
}
