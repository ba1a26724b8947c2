using System.Text.Json;
using HaSystem.ApiService.Fencing;
using HaSystem.ApiService.Identity;
using HaSystem.ApiService.Infrastructure;
using HaSystem.ApiService.Payments;
using HaSystem.Coordination.Locking;
using HaSystem.Coordination.Redis;
using HaSystem.Coordination.Resilience;
using HaSystem.ServiceDefaults.Replicas;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Orders;

/// <summary>
/// Exactly-once orders. The stored order is the record of truth: a repeat of a key finds it and gets the stored
/// answer. A key belongs to the user who sent it: another user sending the same key places an order of their own.
/// Concurrent first attempts are serialised by the lock <c>lock:order:{tenant}:{user}:{key}</c>, which rides through
/// a <c>state</c> failover (the request waits for the new primary, within <c>Redis:Resilience:RequestDeadline</c>).
/// The holder first records the order as pending (fenced), then charges under the order's payment idempotency key,
/// then completes it (fenced, in one transaction with the charge's id) with the answer. Exactly-once does not rest on
/// the lock alone: a failover can lose a lock, but not the fence (a later holder's token is higher) nor the payment
/// provider's idempotency (a second charge with the key returns the first). An attempt that died half-way left a
/// pending order: the next attempt finds its charge by the key and completes the order with it.
/// </summary>
public sealed class OrderService(
    CatalogDbContext db,
    CatalogWriteLock writes,
    RedisDistributedLock locks,
    SimulatedPaymentProvider payments,
    ReplicaIdentity replica,
    IOptions<OrderOptions> options,
    IOptions<RedisResilienceOptions> resilience,
    IOptions<JsonOptions> json,
    TimeProvider time)
{
    /// <summary>The <see cref="Order.ResponseStatus"/> of an order recorded but not yet charged and answered.</summary>
    public const int Pending = 0;

    /// <summary>The lock of one user's key: keys belong to the user who sends them, as the stored orders do.</summary>
    public static string LockKey(TenantId tenant, string placedBy, IdempotencyKey key) => $"{RedisKeyspace.Locks}order:{tenant}:{placedBy}:{key}";

    public static string PaymentReference(IdempotencyKey key) => $"order:{key}";

    /// <summary>The charge's idempotency key: the order's tenant, the user who placed it, and its key.</summary>
    public static string PaymentIdempotencyKey(string tenant, string placedBy, string key) => $"order:{tenant}:{placedBy}:{key}";

    /// <summary>The stored answer for the key (a repeat), or the answer of placing the order now.</summary>
    public async Task<(StoredResponse Response, bool Replayed)> PlaceAsync(
        TenantId tenant, string placedBy, IdempotencyKey key, OrderRequest request, CancellationToken cancellationToken)
    {
        var hash = request.Hash();
        if (await FindAsync(tenant, placedBy, key, hash, cancellationToken) is { ResponseStatus: not Pending } earlier)
        {
            return (Answer(earlier), true);
        }

        var settings = options.Value;
        var waitStarted = time.GetTimestamp();
        await using var lease = await locks.AcquireAsync(
            new LockRequest(LockKey(tenant, placedBy, key), settings.LockTimeToLive) { Holder = replica.Id, FenceTimeToLive = settings.FenceRetention },
            resilience.Value.RequestDeadline, cancellationToken);

        // The lock may have waited through a Redis failover: that wait does not use up the database's time.
        using var databaseTime = DeadlineRetryingExecutionStrategy.ExtendBy(time.GetElapsedTime(waitStarted));

        // Whoever held the lock before may have placed it, or started to, meanwhile.
        var order = await FindAsync(tenant, placedBy, key, hash, cancellationToken);
        if (order is { ResponseStatus: not Pending })
        {
            return (Answer(order), true);
        }

        order ??= await RecordPendingAsync(tenant, placedBy, key, hash, request, lease, cancellationToken);

        // Not cancellable from here: a charge abandoned half-way would leave the ledger and the order disagreeing.
        var paymentKey = PaymentIdempotencyKey(order.TenantId, order.PlacedBy, order.IdempotencyKey);
        var chargeId = await payments.FindChargeAsync(paymentKey, CancellationToken.None);
        if (chargeId is null)
        {
            lease.ThrowIfLost();
            chargeId = await payments.ChargeAsync(tenant.Value, PaymentReference(key), paymentKey, order.Amount, lease.FencingToken, CancellationToken.None);
        }

        // Completed even if the lease was lost during the charge: the fence decides, atomically, whether this holder
        // may write. If a later holder completed it first, its answer is the answer.
        try
        {
            return (await CompleteAsync(order, chargeId.Value, lease), false);
        }
        catch (StaleFencingTokenException)
        {
            db.ChangeTracker.Clear();
            return await FindAsync(tenant, placedBy, key, hash, CancellationToken.None) is { ResponseStatus: not Pending } completed
                ? (Answer(completed), true)
                : throw new LeaseLostException(lease.Key, lease.FencingToken);
        }
    }

    /// <summary>
    /// Runs the order path's queries once, for an order that does not exist, before the replica takes requests: EF Core
    /// compiles each query shape at its first use, and concurrent first uses wait for one another's compilation. On a
    /// freshly started replica of a 2-core machine the first orders' database units took 1.5–2.7 s each, the last
    /// units of an order ran out of its deadline and were answered 503 before any fault. Nothing is written.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        if (!TenantId.TryParse("warmup", out var tenant) || !IdempotencyKey.TryParse("warm-up", out var key))
        {
            throw new InvalidOperationException("The warm-up's tenant and key must be valid.");
        }

        const string Nobody = "warm-up";
        await FindAsync(tenant, Nobody, key, hash: "", cancellationToken);
        try
        {
            await PricesAsync(tenant, new OrderRequest([new OrderLineRequest(ProductId: 1, Quantity: 1)]), cancellationToken);
        }
        catch (UnknownProductsException)
        {
            // Expected: the warm-up's tenant has no products. The query is compiled, which is the point.
        }

        await payments.FindChargeAsync(PaymentIdempotencyKey(tenant.Value, Nobody, key.Value), cancellationToken);

        // An update of no row, but still a write: on SQLite it takes its turn like the others.
        await using var turn = await writes.EnterAsync(cancellationToken);
        await SetAnswerAsync(orderId: 0, StatusCodes.Status201Created, body: "", chargeId: 0, fencingToken: 0, cancellationToken);
    }

    /// <summary>The user's placed orders, newest first, a page at a time (pending ones are not orders yet).</summary>
    public async Task<OrderHistoryPage> HistoryAsync(TenantId tenant, string placedBy, OrderHistoryQuery query, CancellationToken cancellationToken)
    {
        var placed = db.Orders.AsNoTracking()
            .Where(o => o.TenantId == tenant.Value && o.PlacedBy == placedBy && o.ResponseStatus == StatusCodes.Status201Created);
        var total = await placed.CountAsync(cancellationToken);
        var orders = await placed.OrderByDescending(o => o.CreatedAtUtc).ThenByDescending(o => o.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .Include(o => o.Lines)
            .ToListAsync(cancellationToken);
        var items = orders.Select(o => new OrderSummary(
            o.Id, o.IdempotencyKey, o.Amount, o.CreatedAtUtc, o.Lines.Select(l => new OrderLineView(l.ProductId, l.Quantity, l.UnitPrice)).ToList())).ToList();
        return new OrderHistoryPage(items, query.Page, query.PageSize, total);
    }

    // A key is looked up among the caller's own orders only: another user's key, however guessed, is a new order.
    private async Task<Order?> FindAsync(TenantId tenant, string placedBy, IdempotencyKey key, string hash, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines)
            .SingleOrDefaultAsync(o => o.TenantId == tenant.Value && o.PlacedBy == placedBy && o.IdempotencyKey == key.Value, cancellationToken);
        return order is not null && order.RequestHash != hash ? throw new IdempotencyKeyReusedException(key.Value) : order;
    }

    private async Task<Order> RecordPendingAsync(TenantId tenant, string placedBy, IdempotencyKey key, string hash, OrderRequest request, LockLease lease, CancellationToken cancellationToken)
    {
        var prices = await PricesAsync(tenant, request, cancellationToken);
        Order NewOrder() => new()
        {
            TenantId = tenant.Value, IdempotencyKey = key.Value, PlacedBy = placedBy, RequestHash = hash, ResponseStatus = Pending, ResponseBody = "",
            Amount = request.Items.Sum(i => prices[i.ProductId] * i.Quantity), FencingToken = lease.FencingToken,
            CreatedAtUtc = time.GetUtcNow().UtcDateTime,
            Lines = request.Items.Select(i => new OrderLine { ProductId = i.ProductId, Quantity = i.Quantity, UnitPrice = prices[i.ProductId] }).ToList(),
        };

        try
        {
            await using var turn = await writes.EnterAsync(cancellationToken);
            // One unit, tried again as a whole on a transient failure (PostgreSQL): a fresh order each time.
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                db.ChangeTracker.Clear();
                var order = NewOrder();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.AdvanceFenceAsync(lease.Key, lease.FencingToken, lease.FenceHolder, time.GetUtcNow().UtcDateTime, ct);
                db.Orders.Add(order);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                db.ChangeTracker.Clear();
                return order;
            }, cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsConstraintViolation())
        {
            // Either a try whose commit went through unseen (the connection dropped as it committed): the order is there
            // with this lease's token. Or a holder whose lease ended: another one recorded the order meanwhile.
            db.ChangeTracker.Clear();
            return await FindAsync(tenant, placedBy, key, hash, CancellationToken.None) is { } recorded && recorded.FencingToken == lease.FencingToken
                ? recorded
                : throw new LeaseLostException(lease.Key, lease.FencingToken);
        }
    }

    private async Task<Dictionary<long, decimal>> PricesAsync(TenantId tenant, OrderRequest request, CancellationToken cancellationToken)
    {
        var ids = request.Items.Select(i => i.ProductId).Distinct().ToArray();
        var prices = await db.Products.AsNoTracking()
            .Where(p => p.TenantId == tenant.Value && ids.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => p.Price, cancellationToken);
        var unknown = ids.Where(id => !prices.ContainsKey(id)).ToArray();
        return unknown.Length > 0 ? throw new UnknownProductsException(unknown) : prices;
    }

    private async Task<StoredResponse> CompleteAsync(Order order, long chargeId, LockLease lease)
    {
        var body = JsonSerializer.Serialize(new OrderResponse(
            order.Id, order.IdempotencyKey, order.Lines.Select(l => new OrderLineView(l.ProductId, l.Quantity, l.UnitPrice)).ToList(),
            order.Amount, chargeId, lease.FencingToken, order.CreatedAtUtc), json.Value.SerializerOptions);

        await using var turn = await writes.EnterAsync(CancellationToken.None);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.AdvanceFenceAsync(lease.Key, lease.FencingToken, lease.FenceHolder, time.GetUtcNow().UtcDateTime, ct);
            await SetAnswerAsync(order.Id, StatusCodes.Status201Created, body, chargeId, lease.FencingToken, ct);
            await transaction.CommitAsync(ct);
        }, CancellationToken.None);
        return new StoredResponse(StatusCodes.Status201Created, body, order.RequestHash);
    }

    // One method for the order's completion and its warm-up: the same lambdas make the same compiled query.
    private Task<int> SetAnswerAsync(long orderId, int status, string body, long chargeId, long fencingToken, CancellationToken cancellationToken) =>
        db.Orders.Where(o => o.Id == orderId).ExecuteUpdateAsync(o => o
            .SetProperty(x => x.ResponseStatus, status)
            .SetProperty(x => x.ResponseBody, body)
            .SetProperty(x => x.ChargeId, chargeId)
            .SetProperty(x => x.FencingToken, fencingToken), cancellationToken);

    private static StoredResponse Answer(Order order) => new(order.ResponseStatus, order.ResponseBody, order.RequestHash);
}
