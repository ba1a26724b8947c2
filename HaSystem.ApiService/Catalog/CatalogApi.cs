using System.Security.Claims;
using HaSystem.ApiService.Caching;
using HaSystem.ApiService.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HaSystem.ApiService.Catalog;

/// <summary>
/// The tenant's catalog. Reads are served through the two-level cache and say how in <c>X-Cache</c>; writes need the
/// admin role, go to the database first and then refresh the cache on every replica.
/// </summary>
public static class CatalogApi
{
    public const string ServedByHeader = "X-Cache";

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var catalog = app.MapGroup("/api/catalog").WithTags("Catalog");
        catalog.MapGet("/products", ListProducts).WithName("ListProducts");
        catalog.MapGet("/products/{id:long}", GetProduct).WithName("GetProduct");
        catalog.MapPost("/products", CreateProduct).WithName("CreateProduct").RequireAuthorization(IdentityExtensions.AdminPolicy);
        catalog.MapPut("/products/{id:long}", UpdateProduct).WithName("UpdateProduct").RequireAuthorization(IdentityExtensions.AdminPolicy);
        catalog.MapDelete("/products/{id:long}", DeleteProduct).WithName("DeleteProduct").RequireAuthorization(IdentityExtensions.AdminPolicy);
        catalog.MapPost("/cache/invalidate", InvalidateCache).WithName("InvalidateTenantCache").RequireAuthorization(IdentityExtensions.AdminPolicy);
        return app;
    }

    public static async Task<Ok<ProductPage>> ListProducts(
        [AsParameters] ProductQuery query, ClaimsPrincipal user, CatalogCache cache, IServiceScopeFactory scopes, HttpContext context, CancellationToken cancellationToken)
    {
        var tenant = CurrentTenant.Of(user);
        var served = await cache.GetPageAsync(tenant, query, scopes.InScopeOfItsOwn((store, ct) => store.ListAsync(tenant, query, ct)), cancellationToken);
        context.Response.Headers[ServedByHeader] = served.By;
        return TypedResults.Ok(served.Value);
    }

    public static async Task<Results<Ok<ProductDto>, ProblemHttpResult>> GetProduct(
        long id, ClaimsPrincipal user, CatalogCache cache, IServiceScopeFactory scopes, HttpContext context, CancellationToken cancellationToken)
    {
        var tenant = CurrentTenant.Of(user);
        var served = await cache.GetProductAsync(tenant, id, scopes.InScopeOfItsOwn((store, ct) => store.FindAsync(tenant, id, ct)), cancellationToken);
        context.Response.Headers[ServedByHeader] = served.By;
        return served.Value is { } product ? TypedResults.Ok(product) : NotFound(id);
    }

    public static async Task<Created<ProductDto>> CreateProduct(
        ProductInput input, ClaimsPrincipal user, CatalogCache cache, CatalogStore store, CancellationToken cancellationToken)
    {
        var tenant = CurrentTenant.Of(user);
        var product = await store.CreateAsync(tenant, input, cancellationToken);
        await cache.ProductChangedAsync(tenant, product.Id, product, cancellationToken);
        return TypedResults.Created($"/api/catalog/products/{product.Id}", product);
    }

    public static async Task<Results<Ok<ProductDto>, ProblemHttpResult>> UpdateProduct(
        long id, ProductInput input, ClaimsPrincipal user, CatalogCache cache, CatalogStore store, CancellationToken cancellationToken)
    {
        var tenant = CurrentTenant.Of(user);
        var product = await store.UpdateAsync(tenant, id, input, cancellationToken);
        if (product is null)
        {
            return NotFound(id);
        }

        await cache.ProductChangedAsync(tenant, id, product, cancellationToken);
        return TypedResults.Ok(product);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteProduct(
        long id, ClaimsPrincipal user, CatalogCache cache, CatalogStore store, CancellationToken cancellationToken)
    {
        var tenant = CurrentTenant.Of(user);
        if (!await store.DeleteAsync(tenant, id, cancellationToken))
        {
            return NotFound(id);
        }

        await cache.ProductChangedAsync(tenant, id, null, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Accepted<InvalidationResult>> InvalidateCache(ClaimsPrincipal user, CatalogCache cache, CancellationToken cancellationToken)
    {
        var tenant = CurrentTenant.Of(user);
        await cache.InvalidateTenantAsync(tenant, cancellationToken);
        return TypedResults.Accepted((string?)null, new InvalidationResult(tenant.Value));
    }

    // A product of another tenant is "not found" too: the answer must not reveal that the id exists elsewhere.
    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Product not found", detail: $"There is no product {id} in your catalog.");
}
