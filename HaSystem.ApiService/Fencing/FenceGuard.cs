using HaSystem.ApiService.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HaSystem.ApiService.Fencing;

/// <summary>
/// Fencing at the resource: a protected write first moves the resource's fence to its token, which only succeeds
/// when no higher token was accepted before. Run it as the first statement of the write's transaction, so that the
/// check and the write it guards are one atomic step across every API replica: on SQLite it takes the file's write
/// lock; on PostgreSQL (read committed) the upsert locks the fence's row until the transaction ends, and a second
/// writer's upsert waits for that commit and then checks the row as committed. No stronger isolation is needed: every
/// guarded write goes through the one row, and a stale holder is refused before it writes anything.
/// </summary>
public static class FenceGuard
{
    /// <summary>
    /// Accepts <paramref name="token"/> from <paramref name="holder"/> for <paramref name="resource"/> or throws
    /// <see cref="StaleFencingTokenException"/>. A higher token passes; the same token passes only from the same holder
    /// (one leader writing many reports), so even a token handed out twice (a failover that lost the counter's last
    /// increment) cannot let two holders write. <paramref name="nowUtc"/> is when the fence moved, by the caller's clock.
    /// </summary>
    public static async Task AdvanceFenceAsync(this CatalogDbContext db, string resource, long token, string holder, DateTime nowUtc, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A fence must be advanced inside the transaction of the write it protects.");
        }

        var accepted = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO "Fences" ("Resource", "Token", "Holder", "UpdatedAtUtc") VALUES ({resource}, {token}, {holder}, {nowUtc})
            ON CONFLICT ("Resource") DO UPDATE SET "Token" = excluded."Token", "Holder" = excluded."Holder", "UpdatedAtUtc" = excluded."UpdatedAtUtc"
            WHERE excluded."Token" > "Fences"."Token" OR (excluded."Token" = "Fences"."Token" AND excluded."Holder" = "Fences"."Holder")
            """, cancellationToken);
        if (accepted == 0)
        {
            var last = await db.Fences.AsNoTracking().Where(f => f.Resource == resource).Select(f => f.Token).SingleAsync(cancellationToken);
            throw new StaleFencingTokenException(resource, token, last);
        }
    }
}
