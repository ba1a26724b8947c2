using HaSystem.ApiService.Fencing;
using HaSystem.ApiService.Identity;
using HaSystem.ApiService.Infrastructure;
using HaSystem.ApiService.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HaSystem.ApiService.Tests;

/// <summary>The fence at the resource: higher tokens pass, lower ones and an equal one from another lease do not.</summary>
public sealed class FenceTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    // Guards against two leases writing under one token (handed out twice by two primaries in a split brain) and
    // against a deposed holder writing after its successor.
    [Theory]
    [InlineData(5, "a/1", true)]   // the same lease again: one leader writes many reports
    [InlineData(6, "b/2", true)]   // a higher token from anyone
    [InlineData(5, "b/2", false)]  // the same token from another lease
    [InlineData(4, "a/1", false)]  // a lower token, even from the same holder
    public async Task A_fence_accepts_only_a_higher_token_or_the_same_lease(long token, string holder, bool accepted)
    {
        var resource = $"lock:test:{Guid.NewGuid():N}";
        await AdvanceAsync(resource, 5, "a/1");

        var outcome = await Record.ExceptionAsync(() => AdvanceAsync(resource, token, holder));
        if (accepted)
        {
            Assert.Null(outcome);
        }
        else
        {
            Assert.IsType<StaleFencingTokenException>(outcome);
        }
    }

    // Guards against the longest order's lock key (the fence's resource) outgrowing the column: PostgreSQL refuses a
    // longer value, so every order of that user would fail. The lengths are the validators' and the model's own.
    [Fact]
    public async Task The_longest_order_lock_key_fits_the_fence_column_and_is_recorded()
    {
        await using var scope = database.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        Assert.True(TenantId.TryParse(new string('t', 32), out var tenant));
        Assert.False(TenantId.TryParse(new string('t', 33), out _));
        Assert.True(IdempotencyKey.TryParse(new string('k', 100), out var key));
        Assert.False(IdempotencyKey.TryParse(new string('k', 101), out _));
        var userNameLength = db.Model.FindEntityType(typeof(CatalogUser))!.FindProperty(nameof(CatalogUser.UserName))!.GetMaxLength()!.Value;
        var lockKey = OrderService.LockKey(tenant, new string('u', userNameLength), key);

        var column = db.Model.FindEntityType(typeof(Fence))!.FindProperty(nameof(Fence.Resource))!.GetMaxLength();
        var postgresColumn = PostgresModel().FindEntityType(typeof(Fence))!.FindProperty(nameof(Fence.Resource))!.GetMaxLength();

        Assert.True(lockKey.Length <= column, $"The lock key has {lockKey.Length} characters; the column holds {column}.");
        Assert.Equal(column, postgresColumn);
        await AdvanceAsync(lockKey, 1, "a/1");
    }

    private static Microsoft.EntityFrameworkCore.Metadata.IModel PostgresModel()
    {
        using var db = new PostgresCatalogDbContext(new DbContextOptionsBuilder<PostgresCatalogDbContext>().UseNpgsql("Host=127.0.0.1;Database=none").Options);
        return db.Model;
    }

    private async Task AdvanceAsync(string resource, long token, string holder)
    {
        await using var scope = database.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.AdvanceFenceAsync(resource, token, holder, DateTime.UtcNow, CancellationToken.None);
        await transaction.CommitAsync();
    }
}
