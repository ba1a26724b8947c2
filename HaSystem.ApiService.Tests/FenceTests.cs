using HaSystem.ApiService.Fencing;
using HaSystem.ApiService.Infrastructure;
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

    private async Task AdvanceAsync(string resource, long token, string holder)
    {
        await using var scope = database.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.AdvanceFenceAsync(resource, token, holder, DateTime.UtcNow, CancellationToken.None);
        await transaction.CommitAsync();
    }
}
