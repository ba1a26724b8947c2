using HaSystem.ApiService.Identity;
using HaSystem.ApiService.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Polly;
using Polly.Registry;

namespace HaSystem.ApiService.Catalog;

/// <summary>
/// The catalog in the primary data source. Every query is scoped to one tenant, and runs through the
/// <c>catalog-database</c> pipeline (where the chaos fault is injected). Writes take their turn through <see cref="CatalogWriteLock"/>.
/// </summary>
public sealed class CatalogStore(CatalogDbContext db, CatalogWriteLock writes, ResiliencePipelineProvider<string> pipelines, TimeProvider time)
{
    public const string PipelineName = "catalog-database";

    private readonly ResiliencePipeline _pipeline = pipelines.GetPipeline(PipelineName);

    public Task<ProductDto?> FindAsync(TenantId tenant, long id, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct => await db.Products.AsNoTracking()
            .Where(p => p.TenantId == tenant.Value && p.Id == id)
            .Select(p => new ProductDto(p.Id, p.Name, p.Description, p.Price, p.Stock, p.Version, p.UpdatedAtUtc))
            .SingleOrDefaultAsync(ct), cancellationToken).AsTask();

    public Task<ProductPage> ListAsync(TenantId tenant, ProductQuery query, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct =>
        {
            var products = db.Products.AsNoTracking().Where(p => p.TenantId == tenant.Value);
            if (!string.IsNullOrWhiteSpace(query.Search))
            {
                // Case-insensitive on both providers: SQLite's LIKE is (for ASCII), PostgreSQL's is not. SQL's lower() folds
                // A–Z only, on SQLite and on the C-locale cluster: the pattern is folded the same way, no further.
                var pattern = $"%{EscapeLike(LowerAscii(query.Search.Trim()))}%";
#pragma warning disable CA1304, CA1311 // translated to SQL's lower(), never run in .NET
                products = products.Where(p => EF.Functions.Like(p.Name.ToLower(), pattern, "\\"));
#pragma warning restore CA1304, CA1311
            }

            var total = await products.CountAsync(ct);
            var items = await products.OrderBy(p => p.Id)
                .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
                .Select(p => new ProductDto(p.Id, p.Name, p.Description, p.Price, p.Stock, p.Version, p.UpdatedAtUtc))
                .ToListAsync(ct);
            return new ProductPage(items, query.Page, query.PageSize, total);
        }, cancellationToken).AsTask();

    public Task<ProductDto> CreateAsync(TenantId tenant, ProductInput input, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct =>
        {
            var product = new Product
            {
                TenantId = tenant.Value, Name = input.Name.Trim(), Description = input.Description?.Trim() ?? "",
                Price = input.Price, Stock = input.Stock, Version = 1, UpdatedAtUtc = time.GetUtcNow().UtcDateTime,
            };
            db.Products.Add(product);
            await using (await writes.EnterAsync(ct))
            {
                await db.SaveChangesAsync(ct);
            }

            return ProductDto.From(product);
        }, cancellationToken).AsTask();

    public Task<ProductDto?> UpdateAsync(TenantId tenant, long id, ProductInput input, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct =>
        {
            var product = await db.Products.SingleOrDefaultAsync(p => p.TenantId == tenant.Value && p.Id == id, ct);
            if (product is null)
            {
                return null;
            }

            product.Name = input.Name.Trim();
            product.Description = input.Description?.Trim() ?? "";
            product.Price = input.Price;
            product.Stock = input.Stock;
            product.Version++;
            product.UpdatedAtUtc = time.GetUtcNow().UtcDateTime;
            await using (await writes.EnterAsync(ct))
            {
                await db.SaveChangesAsync(ct);
            }

            return ProductDto.From(product);
        }, cancellationToken).AsTask();

    public Task<bool> DeleteAsync(TenantId tenant, long id, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct =>
        {
            await using var turn = await writes.EnterAsync(ct);
            // Bulk statements run outside EF Core's execution strategy unless put in it (PostgreSQL's retry).
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(
                c => db.Products.Where(p => p.TenantId == tenant.Value && p.Id == id).ExecuteDeleteAsync(c), ct) == 1;
        }, cancellationToken).AsTask();

    private static string LowerAscii(string value) => string.Create(value.Length, value, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.IsAsciiLetterUpper(source[i]) ? (char)(source[i] + ('a' - 'A')) : source[i];
        }
    });

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
