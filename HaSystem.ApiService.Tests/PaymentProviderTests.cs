using HaSystem.ApiService.Infrastructure;
using HaSystem.ApiService.Payments;
using HaSystem.ServiceDefaults.Replicas;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Tests;

/// <summary>The simulated payment provider charges once per idempotency key, as a real one does.</summary>
public sealed class PaymentProviderTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    private SimulatedPaymentProvider Provider => new(
        database.Services.GetRequiredService<IServiceScopeFactory>(),
        database.Services.GetRequiredService<CatalogWriteLock>(),
        Options.Create(new PaymentOptions { MinLatency = TimeSpan.FromMilliseconds(5), MaxLatency = TimeSpan.FromMilliseconds(20) }),
        database.Services.GetRequiredService<ReplicaIdentity>(),
        TimeProvider.System);

    // Guards exactly-once where the lock cannot: two holders of one order (a lock lost in a failover), or a retry
    // after an answer was lost, must not move money twice.
    [Fact]
    public async Task Charges_sent_together_with_one_key_charge_once_and_answer_the_same_charge()
    {
        var key = $"order:acme:user@acme:{Guid.NewGuid():N}";
        var charges = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Provider.ChargeAsync("acme", "order:k", key, 12.50m, 100 + i, CancellationToken.None)));

        Assert.Single(charges.Distinct());
        await using var scope = database.Services.CreateAsyncScope();
        var ledger = await scope.ServiceProvider.GetRequiredService<CatalogDbContext>().PaymentCharges.AsNoTracking().Where(c => c.IdempotencyKey == key).ToListAsync();
        var charge = Assert.Single(ledger);
        Assert.Equal(8, charge.Requests);
        Assert.Equal(12.50m, charge.Amount);
        Assert.Equal(charges[0], await Provider.FindChargeAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task Different_keys_are_different_charges()
    {
        var first = await Provider.ChargeAsync("acme", "order:a", $"order:acme:u:{Guid.NewGuid():N}", 1m, 1, CancellationToken.None);
        var second = await Provider.ChargeAsync("acme", "order:a", $"order:acme:u:{Guid.NewGuid():N}", 1m, 1, CancellationToken.None);
        Assert.NotEqual(first, second);
        Assert.Null(await Provider.FindChargeAsync($"order:acme:u:{Guid.NewGuid():N}", CancellationToken.None));
    }
}
