using HaSystem.ApiService.Infrastructure;

namespace HaSystem.ApiService.Catalog;

/// <summary>The stored product as the contract's <see cref="ProductDto"/>.</summary>
public static class ProductMapping
{
    extension(ProductDto)
    {
        /// <summary>The contract's view of <paramref name="product"/>.</summary>
        public static ProductDto From(Product product) =>
            new(product.Id, product.Name, product.Description, product.Price, product.Stock, product.Version, product.UpdatedAtUtc);
    }
}
