using HaSystem.ApiService.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HaSystem.ApiService.Fencing;

/// <summary>
/// Fencing at the resource: a protected write first moves the resource's fence to its token, which only succeeds
/// when no higher token was accepted before. Run it as the first statement of the write's transaction: it takes
/// SQLite's write lock, so the check and the write it guards are one atomic step across every API replica.
/// </summary>
public static class FenceGuard
{
    /// <summary>Accepts <paramref name="token"/> for <paramref name="resource"/> or throws <see cref="StaleFencingTokenException"/>.</summary>
    public static async Task AdvanceFenceAsync(this CatalogDbContext db, string resource, long token, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A fence must be advanced inside the transaction of the write it protects.");
        }

        // An equal token is the same holder writing again (one leader, several reports); only a lower one is stale.
        var accepted = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO Fences (Resource, Token, UpdatedAtUtc) VALUES ({resource}, {token}, {DateTime.UtcNow})
            ON CONFLICT(Resource) DO UPDATE SET Token = excluded.Token, UpdatedAtUtc = excluded.UpdatedAtUtc
            WHERE excluded.Token >= Fences.Token
            """, cancellationToken);
        if (accepted == 0)
        {
            var last = await db.Fences.AsNoTracking().Where(f => f.Resource == resource).Select(f => f.Token).SingleAsync(cancellationToken);
            throw new StaleFencingTokenException(resource, token, last);
        }
    }
}
