using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>Lets <c>dotnet ef migrations add … --context PostgresCatalogDbContext</c> build the PostgreSQL model without a server.</summary>
public sealed class DesignTimePostgresCatalogDbContextFactory : IDesignTimeDbContextFactory<PostgresCatalogDbContext>
{
    public PostgresCatalogDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCatalogDbContext>().UseNpgsql("Host=localhost;Database=design-time").Options);
}
