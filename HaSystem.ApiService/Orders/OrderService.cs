using System.Text.Json;
using HaSystem.ApiService.Fencing;
using HaSystem.ApiService.Identity;
using HaSystem.ApiService.Infrastructure;
using HaSystem.ApiService.Payments;
using HaSystem.ServiceDefaults.Locking;
using HaSystem.ServiceDefaults.Replicas;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Orders;

/// <summary>
/// Exactly-once orders. The stored order is the record of truth: a repeat of a key finds it and gets the stored
/// answer. Concurrent first attempts are serialised by the lock <c>lock:order:{tenant}:{key}</c>; the winner charges
/// once and stores the order, with the lock's fencing token, in one transaction guarded by the fence; every waiter
/// then finds the stored order.
/// </summary>
public sealed class OrderService(
    CatalogDbContext db,
    RedisDistributedLock locks,
    SimulatedPaymentProvider payments,
    ReplicaIdentity replica,
    IOptions<OrderOptions> options,
    IOptions<JsonOptions> json,
    TimeProvider time)
{
    public static string LockKey(TenantId tenant, IdempotencyKey key) => $"lock:order:{tenant}:{key}";

    /// <summary>The stored answer for the key (a repeat), or the answer of placing the order now.</summary>
    public async Task<(StoredResponse Response, bool Replayed)> PlaceAsync(TenantId tenant, IdempotencyKey key, OrderRequest request, CancellationToken cancellationToken)
    {
        var hash = request.Hash();
        if (await FindAsync(tenant, key, hash, cancellationToken) is { } earlier)
        {
            return (earlier, true);
        }

        var settings = options.Value;
        await using var lease = await locks.AcquireAsync(
            new LockRequest(LockKey(tenant, key), settings.LockTimeToLive) { Holder = replica.Id, FenceTimeToLive = settings.FenceRetention },
            settings.LockWait, cancellationToken);

        // Whoever held the lock before may have placed it meanwhile.
        if (await FindAsync(tenant, key, hash, cancellationToken) is { } placed)
        {
            return (placed, true);
        }

        var lines = await PriceAsync(tenant, request, cancellationToken);
        var amount = lines.Sum(l => l.UnitPrice * l.Quantity);

        lease.ThrowIfLost();
        // Not cancellable once started: a charge abandoned half-way would leave the ledger and the order disagreeing.
        var chargeId = await payments.ChargeAsync(tenant.Value, $"order:{key}", amount, lease.FencingToken, CancellationToken.None);

        // Stored even if the lease was lost during the charge: the fence decides, atomically, whether this holder may write.
        return (await StoreAsync(tenant, key, hash, lines, amount, chargeId, lease, CancellationToken.None), false);
    }

    private async Task<StoredResponse?> FindAsync(TenantId tenant, IdempotencyKey key, string hash, CancellationToken cancellationToken)
    {
        var stored = await db.Orders.AsNoTracking()
            .Where(o => o.TenantId == tenant.Value && o.IdempotencyKey == key.Value)
            .Select(o => new StoredResponse(o.ResponseStatus, o.ResponseBody, o.RequestHash))
            .SingleOrDefaultAsync(cancellationToken);
        return stored is not null && stored.RequestHash != hash ? throw new IdempotencyKeyReusedException(key.Value) : stored;
    }

    private async Task<List<OrderLineView>> PriceAsync(TenantId tenant, OrderRequest request, CancellationToken cancellationToken)
    {
        var ids = request.Items.Select(i => i.ProductId).Distinct().ToArray();
        var prices = await db.Products.AsNoTracking()
            .Where(p => p.TenantId == tenant.Value && ids.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => p.Price, cancellationToken);
        var unknown = ids.Where(id => !prices.ContainsKey(id)).ToArray();
        return unknown.Length > 0
            ? throw new UnknownProductsException(unknown)
            : request.Items.Select(i => new OrderLineView(i.ProductId, i.Quantity, prices[i.ProductId])).ToList();
    }

    private async Task<StoredResponse> StoreAsync(
        TenantId tenant, IdempotencyKey key, string hash, List<OrderLineView> lines, decimal amount, long chargeId, LockLease lease, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.AdvanceFenceAsync(lease.Key, lease.FencingToken, cancellationToken);
        var order = new Order
        {
            TenantId = tenant.Value, IdempotencyKey = key.Value, RequestHash = hash, Amount = amount, ChargeId = chargeId,
            FencingToken = lease.FencingToken, ResponseStatus = StatusCodes.Status201Created, ResponseBody = "",
            CreatedAtUtc = time.GetUtcNow().UtcDateTime,
            Lines = lines.Select(l => new OrderLine { ProductId = l.ProductId, Quantity = l.Quantity, UnitPrice = l.UnitPrice }).ToList(),
        };
        db.Orders.Add(order);
        await db.SaveChangesAsync(cancellationToken);

        order.ResponseBody = JsonSerializer.Serialize(
            new OrderResponse(order.Id, key.Value, lines, amount, chargeId, lease.FencingToken, order.CreatedAtUtc), json.Value.SerializerOptions);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new StoredResponse(order.ResponseStatus, order.ResponseBody, hash);
    }
}
