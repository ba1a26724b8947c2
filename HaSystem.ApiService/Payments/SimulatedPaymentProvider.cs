using HaSystem.ApiService.Infrastructure;
using HaSystem.ServiceDefaults.Replicas;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Payments;

/// <summary>
/// Stands in for an external payment provider: it takes real time and records every charge in its ledger, committed
/// on its own (not in the caller's transaction, as a remote provider would). It does not deduplicate: keeping a
/// retried or concurrent request from charging twice is the caller's job, and the ledger shows it if it failed.
/// </summary>
public sealed class SimulatedPaymentProvider(IServiceScopeFactory scopes, IOptions<PaymentOptions> options, ReplicaIdentity replica, TimeProvider time)
{
    /// <summary>The first charge made with <paramref name="reference"/>, if any: how a caller that crashed after charging finds out.</summary>
    public async Task<long?> FindChargeAsync(string tenant, string reference, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CatalogDbContext>().PaymentCharges.AsNoTracking()
            .Where(c => c.TenantId == tenant && c.Reference == reference)
            .OrderBy(c => c.Id).Select(c => (long?)c.Id).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<long> ChargeAsync(string tenant, string reference, decimal amount, long fencingToken, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var latency = settings.MinLatency + (settings.MaxLatency - settings.MinLatency) * Random.Shared.NextDouble();
        await Task.Delay(latency, time, cancellationToken);

        await using var scope = scopes.CreateAsyncScope();
        var ledger = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var charge = new PaymentCharge
        {
            TenantId = tenant, Reference = reference, Amount = amount, FencingToken = fencingToken,
            ChargedBy = replica.Id, ChargedAtUtc = time.GetUtcNow().UtcDateTime,
        };
        ledger.PaymentCharges.Add(charge);
        await ledger.SaveChangesAsync(CancellationToken.None);
        return charge.Id;
    }
}
